"""Prices and requests the bot cannot complete (no identification needed)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Ticket
from bot.db.session import session_scope
from tests.dialogue.conftest import Chat


def test_the_table_and_a_personal_calculation(chat: Chat) -> None:
    table = chat.say("giá điện bậc thang", "ask_tariff")
    assert "Bậc 1" in table and "1.984 đ" in table
    assert "798.660 đ" in chat.say("300 số hết bao nhiêu tiền", "ask_tariff")


def test_households_and_kwh_follow_ups_keep_the_other_detail(chat: Chat) -> None:
    assert "1.111.644 đ" in chat.say("2 hộ xài chung 450 số thì hết bao nhiêu", "ask_tariff")
    one = chat.say("còn 1 hộ thì sao", "ask_tariff")
    assert "450 kWh" in one and "1 hộ" in one
    four_hundred = chat.say("thế 400 số?", "ask_tariff")
    assert "1.160.460 đ" in four_hundred and chat.state.households == 1


def test_business_prices_are_not_the_residential_table(chat: Chat) -> None:
    assert "kinh doanh" in chat.say("giá điện kinh doanh bao nhiêu", "ask_tariff")


def test_a_request_gives_the_papers_and_yes_opens_a_ticket(chat: Chat) -> None:
    text = chat.say("đồng hồ điện nhà tui chạy nhanh, muốn kiểm định", "request_service")
    assert "Giấy tờ cần chuẩn bị" in text and "/affirm" in chat.payloads()
    reply = chat.say("có", "affirm")
    assert "đã tạo yêu cầu số SC" in reply
    with session_scope(chat.url) as session:
        ticket = session.execute(select(Ticket).where(Ticket.number == chat.state.ticket.number)).scalar_one()
    assert ticket.kind == "request"


def test_a_new_phone_number_gets_the_steps_and_no_ticket_offer(chat: Chat) -> None:
    """Found on `make run`: "sdt cua toi doi roi lam sao cap nhat" (the NLU unsure, 0.36,
    on the supply status) was asked for a customer code."""
    asked = "sdt cua toi doi roi lam sao cap nhat"
    said = chat.say(asked, "ask_supply_status", ("ask_bill_high",), confidence=0.36)
    assert "cập nhật số điện thoại liên hệ" in said and "không đổi được qua khung chat" in said, said
    assert "mã khách hàng (13" not in said and chat.state.awaiting is None
    assert chat.payloads() == []  # no "Tạo yêu cầu"


def test_a_meter_that_runs_fast_is_a_meter_inspection_even_when_the_nlu_is_unsure(chat: Chat) -> None:
    """Found on `make run`: the NLU said why-high at 0.46 and the customer was asked a code."""
    asked = "cong to nha toi quay nhanh bat thuong"
    said = chat.say(asked, "ask_bill_high", ("request_service",), confidence=0.46)
    assert "kiểm tra, kiểm định công tơ" in said and "Giấy tờ cần chuẩn bị" in said, said
    assert "/affirm" in chat.payloads()


def test_a_request_without_a_kind_lists_them(chat: Chat) -> None:
    chat.say("làm thủ tục", "request_service")
    assert len(chat.payloads()) >= 3


def test_a_button_choice_of_request(chat: Chat) -> None:
    reply = chat.say(
        '/request_service{"service_kind": "new_connection"}', "request_service", service_kind="new_connection"
    )
    assert "Giấy tờ cần chuẩn bị" in reply
