"""Meter topics of action_account_answer: reading and reading date."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionAccountAnswer
from bot.services import unit_of_work, verification
from bot.services.verification import Requester
from tests.actions.billing_fixtures import (
    BICH,
    CUONG,
    buttons,
    entity,
    make_tracker,
    texts,
)


async def ask(domain: dict, topic: str, code: str, digits: str, **slots: object) -> CollectingDispatcher:
    with unit_of_work() as uow:
        assert verification.verify(uow, code, Requester("zalo", "meter-user", True), digits).verified
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "chỉ số tháng 10",
        "ask_meter_reading",
        entities=[entity("period", "2026-10")],
        channel="zalo",
        sender="meter-user",
        slots={"customer_code": code, "last_topic": topic, **slots},
    )
    await ActionAccountAnswer().run(dispatcher, tracker, domain)
    return dispatcher


async def test_meter_reading_of_a_month(demo_db: str, domain: dict) -> None:
    dispatcher = await ask(domain, "meter_reading", BICH, "1321")
    said = texts(dispatcher)
    assert (
        "ghi ngày 15/10/2026" in said and "Chỉ số cũ:" in said and "Chỉ số mới:" in said and "300 kWh" in said
    )
    assert buttons(dispatcher)[0]["payload"] == '/ask_bill{"period":"2026-10"}'


async def test_reading_date_is_the_customers_own(demo_db: str, domain: dict) -> None:
    dispatcher = await ask(domain, "reading_date", CUONG, "2654")
    said = texts(dispatcher)
    assert "ngày 8 hằng tháng" in said and "08/11/2026" in said and "08/12/2026" in said
