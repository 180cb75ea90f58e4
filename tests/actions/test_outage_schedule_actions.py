"""The planned-outage form and answer, with real rasa_sdk trackers over the outage world
(27/11/2026 09:00), and the "code or place" question all outage forms share."""

from __future__ import annotations

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.outage import ActionAskOutageLocation, ActionOutageSchedule, ValidateOutageScheduleForm
from tests.outage_support import (
    DOWN_DATABASE_URL,
    entity,
    make_tracker,
    slot_events,
    texts,
)

FORM = "outage_schedule_form"


async def validate(domain: dict, **tracker_args) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker_args.setdefault("active_loop", FORM)
    events = await ValidateOutageScheduleForm().run(dispatcher, make_tracker(**tracker_args), domain)
    return slot_events(events), dispatcher


async def answer(domain: dict, **tracker_args) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionOutageSchedule().run(dispatcher, make_tracker(**tracker_args), domain)
    return dispatcher


async def test_the_code_given_when_asked_is_checked_and_ends_the_form(action_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain,
        text="PB11020000002",
        entities=[entity("customer_code", "PB11020000002")],
        requested_slot="outage_location",
    )
    assert slots["outage_location"] == "code:PB11020000002"
    assert slots["customer_code"] == "PB11020000002"
    assert slots.get("requested_slot") is None  # nothing more to ask: the form ends
    assert dispatcher.messages == []


async def test_his_planned_outage_with_date_and_times_and_no_personal_data(
    action_db: str, domain: dict
) -> None:
    dispatcher = await answer(domain, text="PB11020000002", slots={"outage_location": "code:PB11020000002"})
    [text] = texts(dispatcher)
    assert text.startswith("Dạ, lịch ngừng cung cấp điện 7 ngày tới (27/11/2026–03/12/2026)")
    assert "03/12/2026: 07:30–16:00" in text and "bảo trì, sửa chữa lưới điện" in text
    assert "Lê Văn Cường" not in text and "0939222654" not in text


async def test_the_range_asked_and_none_planned(action_db: str, domain: dict) -> None:
    dispatcher = await answer(
        domain, slots={"outage_location": "code:PB11020000002", "outage_when": ["relative_day:+1"]}
    )
    [text] = texts(dispatcher)
    assert "ngày mai (28/11/2026)" in text and "không có lịch ngừng cung cấp điện nào" in text


async def test_a_place_named_with_an_old_name_and_no_diacritics(action_db: str, domain: dict) -> None:
    slots, _ = await validate(
        domain,
        text="lich cup dien phuong an khanh ninh kieu",
        intent="ask_outage_schedule",
        entities=[entity("area", "Phường An Khánh, Ninh Kiều", "phuong an khanh ninh kieu")],
    )
    assert slots["outage_location"].startswith("area:") and slots.get("requested_slot") is None
    dispatcher = await answer(domain, slots={"outage_location": slots["outage_location"]})
    assert "03/12/2026: 07:30–16:00" in texts(dispatcher)[0]
    assert "Phường Tân An" in texts(dispatcher)[0]


async def test_an_ambiguous_place_is_asked_back_with_buttons(action_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain, text="lịch cúp điện ninh kiều", entities=[entity("area", "Ninh Kiều")], requested_slot=None
    )
    assert slots["outage_location"] is None and slots["outage_area_pending"] == "Ninh Kiều"
    [message] = dispatcher.messages
    assert "có ở nhiều nơi" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert len(payloads) == 2 and all(p.startswith("/inform{") for p in payloads)
    # The customer taps one: the payload's area resolves to exactly that place.
    chosen = json.loads(payloads[0].removeprefix("/inform"))["area"]
    slots, dispatcher = await validate(
        domain,
        text=payloads[0],
        entities=[entity("area", chosen, payloads[0])],
        requested_slot="outage_location",
        slots={"outage_area_pending": "Ninh Kiều"},
    )
    assert slots["outage_location"] == f"area:{chosen}" and slots["outage_area_pending"] is None


async def test_a_long_list_of_candidates_is_narrowed_by_province(action_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(domain, text="phường 1", entities=[entity("area", "Phường 1")])
    [message] = dispatcher.messages
    assert "tỉnh/thành phố nào" in message["text"]
    titles = {b["title"] for b in message["buttons"]}
    assert {"Tây Ninh", "Cà Mau"} <= titles
    # typed instead of tapped: "tây ninh" narrows the pending "Phường 1"
    slots, _ = await validate(
        domain,
        text="tây ninh",
        entities=[entity("area", "Tây Ninh", "tây ninh")],
        requested_slot="outage_location",
        slots={"outage_area_pending": "Phường 1"},
    )
    assert slots["outage_location"] == "area:Phường 1, Thành phố Tây Ninh, Tây Ninh"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("xóm Bờ Kè Sông Hậu", "chưa nhận ra mã khách hàng hay địa chỉ"),
        ("tui không nhớ mã", "không sao"),
        ("", None),
        ("😀😀😀", "chưa nhận ra"),
        ("a" * 10_000, "chưa nhận ra"),
        ("'; DROP TABLE customers; --", "chưa nhận ra"),
    ],
)
async def test_what_is_not_a_code_or_a_place_is_asked_again(
    action_db: str, domain: dict, text: str, said: str | None
) -> None:
    slots, dispatcher = await validate(domain, text=text, requested_slot="outage_location")
    assert slots.get("outage_location") is None
    if said:
        assert said in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("code", "reason"),
    [("PB99999999999", "không tìm thấy mã khách hàng"), ("XX11020000002", "bắt đầu bằng PB hoặc PK")],
)
async def test_a_wrong_code_says_why(action_db: str, domain: dict, code: str, reason: str) -> None:
    slots, dispatcher = await validate(
        domain, text=code, entities=[entity("customer_code", code)], requested_slot="outage_location"
    )
    assert slots["outage_location"] is None and reason in texts(dispatcher)[0]


async def test_a_code_of_the_wrong_length_is_explained(action_db: str, domain: dict) -> None:
    tracker_args = {"text": "PB1102000002", "requested_slot": "outage_location", "active_loop": FORM}
    tracker = make_tracker(**tracker_args)
    tracker.latest_message["malformed_customer_code"] = ["PB1102000002"]
    dispatcher = CollectingDispatcher()
    slots = slot_events(await ValidateOutageScheduleForm().run(dispatcher, tracker, domain))
    assert slots["outage_location"] is None and "13 ký tự" in texts(dispatcher)[0]


async def test_a_code_known_from_earlier_is_used_without_asking(action_db: str, domain: dict) -> None:
    slots, _ = await validate(domain, text="lịch cúp điện", slots={"customer_code": "PB11020000002"})
    assert slots["outage_location"] == "code:PB11020000002"


async def test_nothing_known_asks_for_a_code_or_a_place(action_db: str, domain: dict) -> None:
    slots, _ = await validate(domain, text="lịch cúp điện", intent="ask_outage_schedule")
    assert slots["outage_location"] is None  # checked: no linked customer for a REST sender
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="lịch cúp điện", active_loop=FORM, requested_slot="outage_location")
    await ActionAskOutageLocation().run(dispatcher, tracker, domain)
    assert "mã khách hàng" in texts(dispatcher)[0] and "lịch cúp điện" in texts(dispatcher)[0]
    # ... but stays quiet when the check of the answer just asked it (which place, wrong code...)
    quiet = CollectingDispatcher()
    asked = make_tracker(
        text="ninh kieu", active_loop=FORM, requested_slot="outage_location", bot_said=("Dạ, ... ở nơi nào?",)
    )
    await ActionAskOutageLocation().run(quiet, asked, domain)
    assert quiet.messages == []


async def test_an_old_pending_place_is_not_mixed_into_a_new_question(action_db: str, domain: dict) -> None:
    # "Phường 1" was asked back, the customer left; later a new question names Cần Thơ.
    slots, _ = await validate(
        domain,
        text="lịch cúp điện cần thơ",
        intent="ask_outage_schedule",
        entities=[entity("area", "Cần Thơ", "cần thơ")],
        slots={"outage_area_pending": "Phường 1"},
    )
    assert slots["outage_location"] == "area:Thành phố Cần Thơ" and slots["outage_area_pending"] is None


async def test_a_database_down_gets_an_apology_with_the_hotline(
    outage_db: str, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", DOWN_DATABASE_URL)
    slots, dispatcher = await validate(
        domain,
        text="PB11020000002",
        entities=[entity("customer_code", "PB11020000002")],
        requested_slot="outage_location",
    )
    assert slots["outage_verdict"] == "error" and slots["requested_slot"] is None  # the form ends
    assert "tạm gián đoạn" in texts(dispatcher)[0] and "19001006" in texts(dispatcher)[0]
    dispatcher = await answer(domain, slots={"outage_location": "code:PB11020000002"})
    assert "tạm gián đoạn" in texts(dispatcher)[0]
    # after a failed check the answer stays silent (the apology was given once)
    quiet = await answer(domain, slots={"outage_verdict": "error"})
    assert quiet.messages == []
