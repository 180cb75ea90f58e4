"""The outage report form and its answer, with real rasa_sdk trackers over the outage
world (27/11/2026 09:00): what is asked, what is skipped, what is recorded."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.outage import ActionAskOutageLocation
from actions.outage_report import (
    ActionAskOutageBreaker,
    ActionAskOutageScope,
    ActionReportOutage,
    ValidateOutageReportForm,
)
from bot.db.models import Incident, OutageReport, Ticket
from bot.db.session import session_scope
from tests.outage_support import (
    DOWN_DATABASE_URL,
    entity,
    make_tracker,
    slot_events,
    texts,
)

FORM = "outage_report_form"


async def validate(domain: dict, **tracker_args) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker_args.setdefault("active_loop", FORM)
    events = await ValidateOutageReportForm().run(dispatcher, make_tracker(**tracker_args), domain)
    return slot_events(events), dispatcher


async def submit(
    domain: dict, slots: dict, sender: str = "outage-test-user"
) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionReportOutage().run(dispatcher, make_tracker(slots=slots, sender=sender), domain)
    return slot_events(events), dispatcher


ORDER = ("outage_location", "outage_scope", "outage_breaker", "outage_since")  # domain.yml


def asked(slots: dict, state: dict | None = None) -> str | None:
    """The slot the form asks next: set by the validation action when it changed the
    list, otherwise the first empty one in the domain's order (Rasa's own choice)."""
    if "requested_slot" in slots:
        return slots["requested_slot"]
    merged = {**(state or {}), **slots}
    return next((name for name in ORDER if merged.get(name) is None), None)


def count(url: str, model) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


async def test_no_code_asks_for_a_code_or_a_place_with_sympathy(action_db: str, domain: dict) -> None:
    slots, _ = await validate(domain, text="mất điện rồi", intent="report_outage")
    assert slots.get("outage_location") is None and asked(slots) == "outage_location"
    dispatcher = CollectingDispatcher()
    await ActionAskOutageLocation().run(
        dispatcher, make_tracker(active_loop=FORM, requested_slot="outage_location"), domain
    )
    assert texts(dispatcher)[0].startswith("Dạ, em rất tiếc vì nhà mình đang bị mất điện")


async def test_a_known_incident_ends_the_form_and_is_told_without_a_duplicate(
    action_db: str, domain: dict
) -> None:
    slots, dispatcher = await validate(
        domain,
        text="PB14030000003",
        entities=[entity("customer_code", "PB14030000003")],
        requested_slot="outage_location",
    )
    assert slots["outage_verdict"] == "incident" and asked(slots) is None
    assert dispatcher.messages == []  # scope, breaker and since are not asked
    incidents = count(action_db, Incident)
    events, dispatcher = await submit(domain, {"outage_location": "code:PB14030000003", **slots})
    [text] = texts(dispatcher)
    assert "SC-261127-0001" in text and "12:25 hôm nay (27/11/2026)" in text and "không cần báo lại" in text
    assert "Nguyễn Hoàng Dũng" not in text and "0918333987" not in text
    assert count(action_db, Incident) == incidents and count(action_db, Ticket) == 0
    assert count(action_db, OutageReport) == 1
    assert events["outage_verdict"] is None and "outage_ticket" not in events


async def test_nothing_known_asks_scope_then_since_then_opens_a_ticket(action_db: str, domain: dict) -> None:
    slots, _ = await validate(
        domain,
        text="PB11020000102",
        entities=[entity("customer_code", "PB11020000102")],
        requested_slot="outage_location",
    )
    assert slots["outage_verdict"] == "none" and asked(slots) == "outage_scope"
    state = {"outage_location": "code:PB11020000102", "outage_verdict": "none"}
    dispatcher = CollectingDispatcher()
    await ActionAskOutageScope().run(dispatcher, make_tracker(slots=state), domain)
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["Chỉ nhà tôi", "Hàng xóm cũng mất"]

    slots, _ = await validate(domain, text="cả xóm cũng mất điện", requested_slot="outage_scope", slots=state)
    assert slots["outage_scope"] == "area" and asked(slots, state) == "outage_since"  # no breaker question
    state["outage_scope"] = "area"
    slots, _ = await validate(domain, text="từ 7h sáng", requested_slot="outage_since", slots=state)
    assert slots["outage_since"] == "từ 7h sáng" and asked(slots, state) is None
    state["outage_since"] = "từ 7h sáng"

    events, dispatcher = await submit(domain, state)
    assert events["outage_ticket"] == "SC2611270001"
    assert "SC2611270001" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/ask_restore_time"
    assert all(events[name] is None for name in ("outage_scope", "outage_since", "outage_verdict"))


async def test_one_house_checks_the_breaker_and_nothing_is_recorded_when_it_helps(
    action_db: str, domain: dict
) -> None:
    text = "chỉ nhà tui mất điện, hàng xóm vẫn có, mã PB11020000102"
    slots, _ = await validate(
        domain, text=text, intent="report_outage", entities=[entity("customer_code", "PB11020000102")]
    )
    assert slots["outage_scope"] == "house" and asked(slots) == "outage_breaker"
    dispatcher = CollectingDispatcher()
    await ActionAskOutageBreaker().run(dispatcher, make_tracker(), domain)
    assert "cầu dao" in texts(dispatcher)[0]
    state = {"outage_location": "code:PB11020000102", "outage_verdict": "none", "outage_scope": "house"}
    slots, _ = await validate(domain, text="có điện lại rồi", requested_slot="outage_breaker", slots=state)
    assert slots["outage_breaker"] == "back" and asked(slots, state) is None  # since is not asked
    _, dispatcher = await submit(domain, {**state, "outage_breaker": "back"})
    assert "tốt quá" in texts(dispatcher)[0]
    assert count(action_db, Ticket) == 0


async def test_one_house_still_dark_gets_a_ticket(action_db: str, domain: dict) -> None:
    state = {"outage_location": "code:PB11020000102", "outage_verdict": "none", "outage_scope": "house"}
    slots, _ = await validate(domain, text="vẫn mất điện", requested_slot="outage_breaker", slots=state)
    assert slots["outage_breaker"] == "still_dark" and asked(slots, state) == "outage_since"
    events, dispatcher = await submit(
        domain, {**state, "outage_breaker": "still_dark", "outage_since": "vừa mới"}
    )
    assert events["outage_ticket"] == "SC2611270001"


async def test_the_same_customer_reporting_again_gets_the_same_ticket(action_db: str, domain: dict) -> None:
    state = {"outage_location": "code:PB11020000102", "outage_scope": "area", "outage_since": "8h"}
    first, _ = await submit(domain, state)
    slots, _ = await validate(
        domain,
        text="lại mất điện nữa rồi",
        intent="report_outage",
        slots={"outage_location": "code:PB11020000102", "outage_ticket": first["outage_ticket"]},
    )
    assert slots["outage_verdict"] == "reported" and asked(slots) is None
    _, dispatcher = await submit(domain, {**state, "outage_ticket": first["outage_ticket"]})
    assert first["outage_ticket"] in texts(dispatcher)[0] and "không tạo phiếu mới" in texts(dispatcher)[0]
    assert count(action_db, Ticket) == 1


async def test_suspended_supply_is_said_at_once(action_db: str, domain: dict) -> None:
    slots, _ = await validate(
        domain,
        text="nhà tui không có điện, mã PB05010000104",
        intent="report_outage",
        entities=[entity("customer_code", "PB05010000104")],
    )
    assert slots["outage_verdict"] == "suspended" and asked(slots) is None
    _, dispatcher = await submit(domain, {"outage_location": "code:PB05010000104"})
    text = texts(dispatcher)[0]
    assert "tạm ngừng cung cấp" in text and "đóng điện lại" in text  # how to get it back
    assert "20/11/2026" not in text  # account detail: not for an unverified sender


async def test_a_place_needs_one_ward(action_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain,
        text="mất điện ở Ninh Kiều",
        intent="report_outage",
        entities=[entity("area", "Quận Ninh Kiều, Cần Thơ", "Ninh Kiều")],
    )
    assert slots["outage_location"] is None and slots["outage_area_pending"] == "Quận Ninh Kiều, Cần Thơ"
    assert "gồm nhiều phường/xã" in texts(dispatcher)[0] and dispatcher.messages[0]["buttons"]
    slots, _ = await validate(
        domain,
        text="phường 5 cà mau",
        entities=[entity("area", "Phường 5, Cà Mau", "phường 5 cà mau")],
        requested_slot="outage_location",
        slots={"outage_area_pending": "Quận Ninh Kiều, Cần Thơ"},
    )
    assert slots["outage_location"] == "area:Phường 5, Thành phố Cà Mau, Cà Mau"
    assert slots["outage_verdict"] == "incident"


@pytest.mark.parametrize("slot", ["outage_location", "outage_scope", "outage_since"])
async def test_the_customer_can_stop(action_db: str, domain: dict, slot: str) -> None:
    state = (
        {"outage_location": "code:PB11020000102", "outage_verdict": "none"}
        if slot != "outage_location"
        else {}
    )
    slots, dispatcher = await validate(
        domain, text="thôi khỏi", intent="deny", requested_slot=slot, slots=state
    )
    assert slots["outage_verdict"] == "stopped" and asked(slots, state) is None
    assert texts(dispatcher) == ["Dạ vâng ạ. Khi cần, anh/chị nhắn em bất cứ lúc nào nha."]
    _, dispatcher = await submit(domain, {**state, "outage_verdict": "stopped"})
    assert dispatcher.messages == [] and count(action_db, Ticket) == 0


async def test_a_hazard_or_a_person_asked_for_is_not_taken_as_an_answer(action_db: str, domain: dict) -> None:
    for intent, text in (("report_hazard", "có người bị điện giật"), ("request_human", "cho gặp nhân viên")):
        slots, _ = await validate(domain, text=text, intent=intent, requested_slot="outage_location")
        assert "outage_location" not in slots  # nothing extracted: the form rejects, the rules answer


async def test_an_unclear_scope_answer_is_asked_again(action_db: str, domain: dict) -> None:
    state = {"outage_location": "code:PB11020000102", "outage_verdict": "none"}
    slots, dispatcher = await validate(domain, text="hả", requested_slot="outage_scope", slots=state)
    assert slots["outage_scope"] is None and asked(slots, state) == "outage_scope"
    assert texts(dispatcher) == ["Dạ, em chưa hiểu ý anh/chị ạ."]


async def test_a_database_down_gets_an_apology(
    outage_db: str, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", DOWN_DATABASE_URL)
    _, dispatcher = await submit(domain, {"outage_location": "code:PB11020000102", "outage_scope": "area"})
    assert "tạm gián đoạn" in texts(dispatcher)[0] and "19001006 hoặc 19009000" in texts(dispatcher)[0]
