""" "When does power come back?", with real rasa_sdk trackers over the outage world."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.outage import ActionRestoreTime, ValidateOutageRestoreForm
from actions.outage_report import ActionReportOutage
from tests.outage_support import (
    entity,
    make_tracker,
    slot_events,
    texts,
)

FORM = "outage_restore_form"


async def validate(domain: dict, **tracker_args) -> dict:
    tracker_args.setdefault("active_loop", FORM)
    events = await ValidateOutageRestoreForm().run(
        CollectingDispatcher(), make_tracker(**tracker_args), domain
    )
    return slot_events(events)


async def answer(domain: dict, **tracker_args) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionRestoreTime().run(dispatcher, make_tracker(**tracker_args), domain)
    return dispatcher


async def test_the_incident_on_the_customers_station(action_db: str, domain: dict) -> None:
    slots = await validate(
        domain,
        text="khi nào có điện PB14030000003",
        intent="ask_restore_time",
        entities=[entity("customer_code", "PB14030000003")],
    )
    assert slots["outage_location"] == "code:PB14030000003"
    dispatcher = await answer(domain, slots={"outage_location": "code:PB14030000003"})
    assert "12:25 hôm nay (27/11/2026)" in texts(dispatcher)[0]


async def test_a_ticket_number_asked_about_later_needs_no_code(action_db: str, domain: dict) -> None:
    # The customer reported earlier (a ticket) and later quotes its number.
    dispatcher = CollectingDispatcher()
    events = await ActionReportOutage().run(
        dispatcher,
        make_tracker(slots={"outage_location": "code:PB11020000102", "outage_scope": "area"}),
        domain,
    )
    number = slot_events(events)["outage_ticket"]
    text = f"phiếu {number} chừng nào có điện lại"
    slots = await validate(domain, text=text, intent="ask_restore_time", sender="someone-else")
    assert slots.get("requested_slot") is None  # nothing to ask
    dispatcher = await answer(domain, text=text, sender="someone-else")
    assert number in texts(dispatcher)[0] and "đã tiếp nhận" in texts(dispatcher)[0]


async def test_the_conversations_own_ticket_is_enough(action_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionReportOutage().run(
        dispatcher,
        make_tracker(
            slots={"outage_location": "area:Phường Tân An, Thành phố Cần Thơ", "outage_scope": "area"}
        ),
        domain,
    )
    number = slot_events(events)["outage_ticket"]
    slots = await validate(
        domain, text="khi nào có điện lại", intent="ask_restore_time", slots={"outage_ticket": number}
    )
    assert slots.get("requested_slot") is None
    dispatcher = await answer(
        domain, slots={"outage_ticket": number, "outage_location": "area:Phường Tân An, Thành phố Cần Thơ"}
    )
    assert number in texts(dispatcher)[0]


async def test_nothing_known_offers_to_report(action_db: str, domain: dict) -> None:
    dispatcher = await answer(domain, slots={"outage_location": "code:PB11020000102"})
    assert "chưa thấy sự cố" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"] == [{"title": "Báo mất điện", "payload": "/report_outage"}]


async def test_an_unknown_ticket_number(action_db: str, domain: dict) -> None:
    dispatcher = await answer(domain, text="phiếu SC2611279999 sao rồi")
    assert "không tìm thấy phiếu số SC2611279999" in texts(dispatcher)[0]
