"""Is my supply cut? Through the engine: the area's status to anyone, the connection's
own status (a suspension for debt, reconnection) only after the digits, follow-ups on
another code or a past month, and never a bare "Dạ vâng ạ"."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue import State, run_turn
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, DUNG, SUSPENDED, SUSPENDED_DIGITS, Chat


def test_is_my_supply_cut_is_a_supply_question_never_a_yes(outage_chat: Chat) -> None:
    outage_chat.state = outage_chat.state.but(customer_code="PB11020000102")
    reply = outage_chat.say("bị cắt điện chưa", "ask_debt")  # corrected by the engine
    assert reply.startswith("Dạ, khu vực mã PB11020000102") and "bình thường" in reply
    assert "Dạ vâng" not in reply and outage_chat.state.topic == "supply_status"
    assert "4 số cuối" in reply  # the connection itself needs the digits
    incident = outage_chat.say("còn mã PB14030000003 thì sao", "inform", customer_code=DUNG)
    assert "SC-261127-0001" in incident and "12:25 hôm nay" in incident


def test_a_suspension_is_never_told_before_the_digits_and_plainly_after(outage_chat: Chat) -> None:
    unverified = outage_chat.say(
        "sao nhà tôi bị cắt điện, mã PB05010000104", "ask_debt", customer_code=SUSPENDED
    )
    assert "tạm ngừng cung cấp từ" not in unverified and "thanh toán" not in unverified
    assert "ngừng cấp điện theo kế hoạch" in unverified  # the area's status (the station's outage)
    assert "4 số cuối" in unverified
    verified = outage_chat.say(SUSPENDED_DIGITS, digits=SUSPENDED_DIGITS)
    assert "tạm ngừng cung cấp từ 09:00 ngày 20/11/2026 do tiền điện chưa được thanh toán" in verified
    assert "trong vòng 24 giờ kể từ khi ghi nhận thanh toán" in verified
    assert "/ask_debt" in outage_chat.payloads() and "/ask_payment_methods" in outage_chat.payloads()


def test_an_anonymous_requester_hears_the_area_and_the_hotline(outage_chat: Chat) -> None:
    turn = replace(
        outage_chat.turn("bị cắt điện chưa mã PB05010000104", "ask_supply_status", customer_code=SUSPENDED),
        requester=Requester("rest", "anonymous:x", verifiable=False),
    )
    reply = " ".join(m.text for m in run_turn(turn, State(), outage_chat.url).messages)
    assert "theo kế hoạch" in reply and "19001006" in reply and "4 số cuối" not in reply
    assert "tạm ngừng cung cấp từ" not in reply


def test_a_place_is_asked_when_nothing_is_known_and_answered_at_area_level(outage_chat: Chat) -> None:
    asked = outage_chat.say("nhà tui có bị cúp điện hông", "ask_supply_status")
    assert "mã khách hàng" in asked and "phường/xã" in asked
    reply = outage_chat.say("phường Tân Ninh, Tây Ninh", area="Phường Tân Ninh, Tây Ninh")
    assert "Phường Tân Ninh" in reply and "16:00 hôm nay" in reply and "nhắn mã khách hàng" in reply
    assert "16:00" in outage_chat.say("mấy giờ có điện lại", "ask_restore_time")


def test_a_verified_customer_with_overdue_bills_is_supplied_and_warned(chat: Chat) -> None:
    chat.say("bị cắt điện chưa", "ask_supply_status", customer_code=BICH)
    reply = chat.say("1321", digits="1321")
    assert "không bị tạm ngừng" in reply and "còn 2 hóa đơn chưa thanh toán, tổng 1.331.817 đ" in reply
    month = chat.say("còn tháng trước thì sao", period="relative:-1")
    assert "trong tháng 10/2026" in month and "PB05010000001" in month
    assert chat.state.topic == "supply_history"
    other = chat.say("còn tháng 9 thì sao", period="month:9")
    assert "trong tháng 09/2026" in other


def test_a_past_month_of_a_station_with_outages(chat: Chat) -> None:
    chat.state = chat.state.but(customer_code="PB04030000101", topic="supply_status")
    reply = chat.say("còn tháng 10 thì sao", period="month:10")
    assert "30/10/2026 07:30–16:00: lịch cắt điện để bảo trì, sửa chữa lưới điện" in reply


def test_a_debt_question_the_nlu_is_unsure_of_waits_with_the_supply_for_the_digits(outage_chat: Chat) -> None:
    outage_chat.say("sao nhà tôi bị cắt điện, mã PB05010000104", "ask_supply_status", customer_code=SUSPENDED)
    waiting = outage_chat.say("cho tôi xem tiền nợ", "nlu_fallback", ranking=("ask_debt", "ask_bill"))
    assert "4 số cuối" in waiting
    both = outage_chat.say(SUSPENDED_DIGITS, digits=SUSPENDED_DIGITS)
    assert "tạm ngừng cung cấp từ" in both and "không còn nợ tiền điện" in both
