"""Requests the bot cannot complete: which one, what to do, and a ticket."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Ticket, TicketKind
from bot.services import requests_info as r
from bot.services import unit_of_work
from bot.wording import requests as words
from tests.support.demo import BICH


def test_every_request_says_what_where_and_which_papers() -> None:
    assert set(r.kinds()) == {
        "new_connection",
        "change_owner",
        "meter_inspection",
        "einvoice_copy",
        "reconnection",
        "change_contact",
    }
    for kind in r.kinds():
        text = words.instructions_text(kind)
        assert text.startswith("Dạ, về việc ")
        assert "Giấy tờ cần chuẩn bị:\n- " in text
        assert "phòng giao dịch" in text and "19001006" in text


def test_a_new_phone_number_is_explained_and_offers_no_ticket() -> None:
    """An agent would call the registered number, the one that changed."""
    assert not r.get("change_contact").offer_ticket
    assert all(r.get(kind).offer_ticket for kind in r.kinds() if kind != "change_contact")
    text = words.instructions_text("change_contact")
    assert "ứng dụng EVNSPC CSKH" in text and "không đổi được qua khung chat" in text


def test_request_ticket_for_agents(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        ticket = r.open_request_ticket(s, "meter_inspection", BICH, "zalo")
        text = words.ticket_text(ticket)
        anonymous = words.ticket_text(r.open_request_ticket(s, "new_connection", None, "rest"))
    assert ticket.number.startswith("SC-") and ticket.number in text
    assert "số điện thoại đã đăng ký với mã PB05010000001" in text
    assert "đọc số yêu cầu" in anonymous
    with unit_of_work(demo_db) as s:
        kinds = s.session.execute(select(Ticket.kind)).scalars().all()
    assert kinds == [TicketKind.REQUEST.value] * 2
