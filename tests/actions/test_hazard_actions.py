"""report_hazard: the safety advice first, before anything and without a code; then an
urgent ticket; then where it is. Real rasa_sdk trackers over the outage world."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.hazard import ActionAskHazardPlace, ActionHazardPlace, ActionReportHazard, ValidateHazardForm
from bot.db.models import Ticket
from bot.db.session import session_scope
from tests.outage_support import (
    DOWN_DATABASE_URL,
    entity,
    make_tracker,
    slot_events,
    texts,
)


async def report(domain: dict, text: str, **tracker_args) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionReportHazard().run(
        dispatcher, make_tracker(text=text, intent="report_hazard", **tracker_args), domain
    )
    return slot_events(events), dispatcher


def tickets(url: str) -> list[Ticket]:
    with session_scope(url) as session:
        return list(session.execute(select(Ticket)).scalars())


async def test_advice_first_then_an_urgent_ticket_then_where(action_db: str, domain: dict) -> None:
    slots, dispatcher = await report(domain, "dây điện bị đứt rơi xuống đường")
    first, second = texts(dispatcher)
    assert first.startswith("Dạ, anh/chị giữ an toàn trước hết nha") and "114" in first and "115" in first
    assert "mã khách hàng" not in first
    assert "phiếu KHẨN số SC2611270001" in second and "19001006 hoặc 19009000" in second
    assert slots["hazard_ticket"] == "SC2611270001" and slots["hazard_place"] is None
    [ticket] = tickets(action_db)
    assert (ticket.kind, ticket.priority) == ("hazard", 1)


async def test_people_at_risk_get_114_115_as_the_very_first_line(action_db: str, domain: dict) -> None:
    _, dispatcher = await report(domain, "co nguoi bi dien giat o truoc nha")
    assert texts(dispatcher)[0].startswith("⚠️ Nếu có cháy hoặc có người bị điện giật")


async def test_a_place_in_the_message_is_not_asked_again(action_db: str, domain: dict) -> None:
    slots, dispatcher = await report(
        domain,
        "trụ điện ở phường 5 Cà Mau đang tóe lửa",
        entities=[entity("area", "Phường 5, Cà Mau", "phường 5 Cà Mau")],
    )
    assert slots["hazard_place"] == "given"  # the form ends without asking
    assert "Phường 5, Cà Mau" in tickets(action_db)[0].details


async def test_the_place_given_goes_into_the_ticket(action_db: str, domain: dict) -> None:
    slots, _ = await report(domain, "dây điện đứt")
    number = slots["hazard_ticket"]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="trước nhà số 47 đường Lý Thường Kiệt, khóm 2",
        active_loop="hazard_form",
        requested_slot="hazard_place",
        slots={"hazard_ticket": number},
    )
    place = slot_events(await ValidateHazardForm().run(dispatcher, tracker, domain))["hazard_place"]
    assert place == "trước nhà số 47 đường Lý Thường Kiệt, khóm 2"
    dispatcher = CollectingDispatcher()
    await ActionHazardPlace().run(
        dispatcher, make_tracker(slots={"hazard_place": place, "hazard_ticket": number}), domain
    )
    assert number in texts(dispatcher)[0]
    assert "số 47 đường Lý Thường Kiệt" in tickets(action_db)[0].details


async def test_a_second_hazard_message_adds_to_the_same_ticket_and_repeats_the_advice(
    action_db: str, domain: dict
) -> None:
    slots, _ = await report(domain, "tóe lửa trên trụ điện")
    again, dispatcher = await report(
        domain, "giờ có người bị giật rồi", slots={"hazard_ticket": slots["hazard_ticket"]}
    )
    assert "114" in texts(dispatcher)[0].splitlines()[0]
    assert "bổ sung thông tin vào phiếu KHẨN" in texts(dispatcher)[1]
    assert again["hazard_place"] == "given" and len(tickets(action_db)) == 1


async def test_the_place_is_asked_when_the_message_did_not_say_it(action_db: str, domain: dict) -> None:
    slots, _ = await report(domain, "dây điện đứt")
    assert slots["hazard_place"] is None  # the form asks it
    asked = CollectingDispatcher()
    await ActionAskHazardPlace().run(asked, make_tracker(active_loop="hazard_form"), domain)
    assert "địa chỉ chỗ nguy hiểm" in texts(asked)[0]


@pytest.mark.parametrize(("intent", "text"), [("thank", "cảm ơn"), ("deny", "không"), ("deny", "thôi")])
async def test_short_answers_are_not_taken_as_the_place(
    action_db: str, domain: dict, intent: str, text: str
) -> None:
    tracker = make_tracker(text=text, intent=intent, active_loop="hazard_form", requested_slot="hazard_place")
    dispatcher = CollectingDispatcher()
    slots = slot_events(await ValidateHazardForm().run(dispatcher, tracker, domain))
    assert slots.get("hazard_place") in (None, "skipped")


async def test_with_the_database_down_the_advice_still_comes_first_then_the_hotline(
    outage_db: str, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", DOWN_DATABASE_URL)
    slots, dispatcher = await report(domain, "cháy dây điện trước nhà")
    first, second = texts(dispatcher)
    assert "114" in first and "Tránh xa" in first
    assert "gọi ngay Tổng đài" in second and "19001006" in second
    assert slots["hazard_place"] == "skipped"  # nothing more is asked
