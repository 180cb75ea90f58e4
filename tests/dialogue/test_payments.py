"""Payments through the engine: a payment not shown yet (the rule by channel, then the
account after the digits, a ticket offered), follow-ups on another month, the steps of a
channel and the next one, late-payment rules, when the next bill comes."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Ticket
from bot.db.session import session_scope
from tests.dialogue.conftest import BICH, CUONG, DUNG, Chat


def test_paid_yesterday_still_in_debt_the_rule_then_the_account_then_a_ticket(chat: Chat) -> None:
    first = chat.say("đã đóng tiền hôm qua mà vẫn báo nợ", "ask_payment_posting", date="relative_day:-1")
    assert "trong vòng 4 giờ" in first and "1 ngày làm việc" in first and "ghi nhận ngay" in first
    assert "mã khách hàng" in first and len(chat.last) == 1
    chat.say("PB05010000001", customer_code=BICH)
    account = chat.say("1321", digits="1321")
    assert "chưa thanh toán 2 hóa đơn (tháng 10/2026, tháng 11/2026), tổng 1.331.817 đ" in account
    assert "Em chưa thấy khoản thanh toán nào từ ngày 26/11/2026" in account
    assert "ngày 19/09/2026 qua ứng dụng ngân hàng" in account and "tạo phiếu" in account
    assert account.count("trong vòng 4 giờ") == 0  # the rule is not said twice
    ticket = chat.say("có", "affirm")
    assert "khiếu nại số SC" in ticket and "24 giờ" in ticket and "biên lai" in ticket
    with session_scope(chat.url) as session:
        stored = session.execute(select(Ticket).where(Ticket.number == chat.state.ticket.number)).scalar_one()
        assert stored.kind == "complaint" and stored.customer_code == BICH and "(payment)" in stored.summary


def test_a_wallet_payment_already_recorded_and_another_month(chat: Chat) -> None:
    chat.say(
        "đóng qua zalopay hôm qua mà vẫn báo nợ, mã PB11020000002",
        "ask_payment_posting",
        date="relative_day:-1",
        payment_channel="zalopay",
        customer_code=CUONG,
    )
    account = chat.say("2654", digits="2654")
    assert "không còn nợ tiền điện" in account and "13/11/2026 qua ví ZaloPay" in account
    assert "tạo phiếu" not in account
    october = chat.say("còn tháng 10 thì sao", period="month:10")
    assert "269.244 đ" in october and "12/10/2026 qua ví ZaloPay" in october


def test_a_verified_customer_gets_one_answer(chat: Chat) -> None:
    chat.say("xem nợ mã PB14030000003", "ask_debt", customer_code=DUNG)
    chat.say("3987", digits="3987")
    reply = chat.say("đóng tại quầy hôm nay rồi mà vẫn báo nợ", "ask_payment_posting",
                     date="relative_day:0", payment_channel="counter")  # fmt: skip
    assert len(chat.last) == 1 and "lẽ ra đã được ghi nhận ngay" in reply and "tạo phiếu" in reply


def test_the_steps_of_a_channel_then_another(chat: Chat) -> None:
    momo = chat.say("đóng tiền qua momo sao em", "ask_payment_methods", payment_channel="momo")
    assert "Ví MoMo" in momo and "1. Mở ứng dụng MoMo" in momo and "trong vòng 4 giờ" in momo
    zalo = chat.say("còn zalopay thì sao", "ask_payment_methods", payment_channel="zalopay")
    assert "Ví ZaloPay" in zalo and "MoMo" not in zalo
    plain = chat.say("cách thanh toán tiền điện", "ask_payment_methods")
    assert "Ví điện tử" in plain and "Tại quầy" in plain


def test_late_payment_rules_by_the_question(chat: Chat) -> None:
    assert "lãi chậm trả" in chat.say("trễ hạn có bị phạt không", "ask_late_payment")
    cut = chat.say("nợ bao lâu thì bị cắt", "ask_late_payment")
    assert "sau 2 lần thông báo" in cut and "24 giờ" in cut
    assert "gộp nhiều kỳ" in chat.say("đóng gộp nhiều tháng được không", "ask_late_payment")


def test_late_payment_rules_with_the_verified_customers_own_debt(chat: Chat) -> None:
    chat.say("xem nợ mã PB05010000001", "ask_debt", customer_code=BICH)
    chat.say("1321", digits="1321")
    reply = chat.say("trễ hạn có bị phạt không", "ask_late_payment")
    assert "Mã PB05010000001 hiện còn 2 hóa đơn chưa thanh toán, tổng 1.331.817 đ" in reply


def test_the_next_bill_general_then_the_customers_own(chat: Chat) -> None:
    general = chat.say("khi nào có hóa đơn tháng này", "ask_next_bill", period="relative:0")
    assert "ngày ghi riêng" in general and "mã khách hàng" in general
    chat.say("PB05010000001", customer_code=BICH)
    own = chat.say("1321", digits="1321")
    assert "ngày 15 hằng tháng" in own and "Hóa đơn tháng 11/2026 đã có" in own
    assert "dự kiến có ngày 16/12/2026, sau lần ghi chỉ số ngày 15/12/2026" in own
    assert "khoảng ngày 21/12/2026" in own
    december = chat.say("còn tháng 12 thì sao", period="month:12")
    assert "Hóa đơn tháng 12/2026 chưa phát hành" in december
