"""Requests the bot cannot complete: instructions, a ticket offer, yes and no."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.requests import ActionAcceptOffer, ActionServiceRequest
from bot.db.models import Ticket
from bot.db.session import session_scope
from tests.actions.billing_fixtures import (
    BICH,
    buttons,
    entity,
    make_tracker,
    slot_sets,
    texts,
)


async def test_meter_inspection_instructions_and_ticket(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("đồng hồ điện nhà tui chạy nhanh, kiểm định giùm", "request_service")
    events = await ActionServiceRequest().run(dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert "kiểm định công tơ" in said and "Giấy tờ cần chuẩn bị" in said and "phòng giao dịch" in said
    assert slot_sets(events) == {"pending_offer": "request:meter_inspection"}
    assert [b["payload"] for b in buttons(dispatcher)] == ["/affirm", "/deny"]
    accepted = CollectingDispatcher()
    slots = {"pending_offer": "request:meter_inspection", "customer_code": BICH}
    await ActionAcceptOffer().run(accepted, make_tracker("ok", "affirm", slots=slots), domain)
    assert "đã tạo yêu cầu số SC2611270001" in texts(accepted)
    with session_scope() as s:
        ticket = s.execute(select(Ticket)).scalar_one()
    assert (ticket.kind, ticket.customer_code) == ("request", BICH)


async def test_kind_from_a_quick_reply(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        '/request_service{"service_kind":"reconnection"}',
        "request_service",
        entities=[entity("service_kind", "reconnection")],
    )
    await ActionServiceRequest().run(dispatcher, tracker, domain)
    assert "đóng điện lại" in texts(dispatcher)


async def test_unclear_request_gets_the_menu(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionServiceRequest().run(
        dispatcher, make_tracker("làm thủ tục ở đâu", "request_service"), domain
    )
    assert len(buttons(dispatcher)) == 5 and slot_sets(events) == {"pending_offer": None}
    assert buttons(dispatcher)[0]["payload"] == '/request_service{"service_kind":"new_connection"}'


async def test_yes_without_an_offer(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAcceptOffer().run(dispatcher, make_tracker("ok", "affirm"), domain)
    assert "hỗ trợ gì thêm" in texts(dispatcher)
