"""The redacting tracker store: verification answers and phone numbers never reach the
database or the event broker; everything else is stored as Rasa stores it."""

from __future__ import annotations

import json

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa import redaction
from bot.rasa.stores import RedactingSQLTrackerStore, redacted_events

SECRETS = ("1321", "0908111321", "0908 111 321", "111 321", "13 21", "482913")
DOMAIN = Domain.from_dict(
    {
        "slots": {
            name: {"type": "any", "mappings": [{"type": "custom"}]}
            for name in ("verify_answer", "customer_code", "awaiting")
        },
        "forms": {"account_form": {"required_slots": ["customer_code", "verify_answer"]}},
    }
)


class Broker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def user(text: str, entities: list[dict] | None = None, intent: str = "inform") -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return UserUttered(
        text, parse["intent"], entities or [], parse, input_channel="rest", metadata={"a": "b"}
    )


def conversation() -> list:
    """The account form asks for the digits; later the dialogue engine does."""
    return [
        ActionExecuted("action_listen"),
        user(
            "hóa đơn tháng 10/2026 mã PB05010000001, sđt tui 0908 111 321",
            [{"entity": "customer_code", "value": "PB05010000001", "start": 24, "end": 37}],
            intent="ask_bill",
        ),
        ActiveLoop("account_form"),
        SlotSet("requested_slot", "verify_answer"),
        BotUttered("Anh/chị vui lòng nhập 4 số cuối..."),
        ActionExecuted("action_listen"),
        user("13 21", [{"entity": "digits", "value": "1321", "start": 0, "end": 5}]),
        SlotSet("verify_answer", "1321"),
        SlotSet("verify_answer", "verified"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
        user("còn tháng 9/2026 thì sao", intent="ask_bill"),
        SlotSet("awaiting", {"kind": "digits", "code": "PB11020000002"}),
        ActionExecuted("action_listen"),
        user("4 số cuối là 1321 nha, mã PB11020000002"),
        SlotSet("awaiting", {"kind": "one_time_code", "code": "PB11020000002"}),
        ActionExecuted("action_listen"),
        user("482913"),
        SlotSet("awaiting", None),
    ]


@pytest.fixture
def store(tmp_path) -> tuple[RedactingSQLTrackerStore, Broker, str]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    broker = Broker()
    return RedactingSQLTrackerStore(domain=DOMAIN, host=url, event_broker=broker), broker, url


def stored_rows(url: str) -> list[dict]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = [json.loads(r[0]) for r in connection.execute(text("SELECT data FROM events ORDER BY id"))]
    engine.dispose()
    return rows


async def test_verification_answers_and_phone_numbers_are_never_stored(store) -> None:
    tracker_store, broker, url = store
    tracker = DialogueStateTracker.from_events("s1", conversation(), slots=DOMAIN.slots)
    await tracker_store.save(tracker)
    rows = stored_rows(url)
    raw = json.dumps(rows, ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in raw], raw
    users = [r for r in rows if r["event"] == "user"]
    assert [u["text"] for u in users] == [
        "hóa đơn tháng 10/2026 mã PB05010000001, sđt tui **** *** ***",  # only the phone
        "** **",
        "còn tháng 9/2026 thì sao",  # not an answer: kept
        "* số cuối là **** nha, mã PB11020000002",  # the engine's question; the code stays
        "******",  # a one-time code
    ]
    assert users[1]["parse_data"]["entities"][0] == {
        "entity": "digits",
        "value": "****",
        "start": 0,
        "end": 5,
    }
    assert users[0]["parse_data"]["entities"][0]["value"] == "PB05010000001"
    assert users[0]["parse_data"]["intent"]["name"] == "ask_bill" and users[0]["metadata"] == {"a": "b"}
    slots = [r["value"] for r in rows if r["event"] == "slot" and r["name"] == "verify_answer"]
    assert slots == ["****", "verified"]
    # The broker (the desk, analytics) gets the same redacted events.
    published = json.dumps(broker.published, ensure_ascii=False)
    assert len(broker.published) == len(rows) and not [s for s in SECRETS if s in published]
    # The tracker in memory, which the action server receives this turn, is untouched.
    assert tracker.events[6].text == "13 21"
    # Rasa reads the conversation back as usual.
    again = await tracker_store.retrieve("s1")
    assert len(again.events) == len(tracker.events) and again.get_slot("verify_answer") == "verified"


async def test_later_saves_add_only_new_events_redacted_by_what_came_before(store) -> None:
    tracker_store, broker, url = store
    events = conversation()
    tracker = DialogueStateTracker.from_events("s2", events[:6], slots=DOMAIN.slots)
    await tracker_store.save(tracker)
    tracker.update(events[6])  # the answer arrives in the next turn
    tracker.update(events[7])
    await tracker_store.save(tracker)
    rows = stored_rows(url)
    assert len(rows) == 8 and rows[6]["text"] == "** **" and rows[7]["value"] == "****"
    assert len(broker.published) == 8


def test_a_restart_or_new_session_ends_the_question() -> None:
    events = [SlotSet("requested_slot", "verify_answer"), Restarted(), user("1321")]
    assert redacted_events(events)[-1].as_dict()["text"] == "1321"  # no question pending: kept
    events = [SlotSet("awaiting", {"kind": "digits"}), SessionStarted(), user("0908111321")]
    assert redacted_events(events)[-1].as_dict()["text"] == "**********"  # a phone number anyway


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("0908111321", "**********"),
        ("+84 908 111 321", "+** *** *** ***"),
        ("gọi 0939.222.654 nha", "gọi ****.***.*** nha"),
        ("mã PB05010000001", "mã PB05010000001"),  # a customer code is no phone number
        ("300 kWh tháng 10", "300 kWh tháng 10"),
        ("", ""),
    ],
)
def test_phone_numbers(text: str, masked: str) -> None:
    assert redaction.mask_phones(text) == masked


def test_odd_parse_data_never_breaks_the_store() -> None:
    odd = {
        "event": "user",
        "text": None,
        "parse_data": {"entities": "not a list", "x": [1, None, {"y": "0908111321"}]},
    }
    stored = redaction.redact_user_event(odd, answers_verification=False)
    assert stored["parse_data"]["x"][2]["y"] == "**********" and stored["text"] is None


async def test_after_the_purge_rasa_still_loads_the_current_session(store) -> None:
    from bot import clock
    from bot.db import migrate
    from bot.services import privacy, unit_of_work

    tracker_store, _, url = store
    migrate.upgrade(url)  # the tracker store may share the utility database
    now = clock.now().timestamp()
    old, recent = now - 40 * 86_400, now - 3_600

    def session(at: float, text: str) -> list:
        return [
            ActionExecuted("action_session_start", timestamp=at),
            SessionStarted(timestamp=at + 1),
            ActionExecuted("action_listen", timestamp=at + 2),
            UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=at + 3),
        ]

    tracker = DialogueStateTracker.from_events("s3", session(old, "cũ"), slots=DOMAIN.slots)
    await tracker_store.save(tracker)
    for event in session(recent, "mới"):
        tracker.update(event)
    await tracker_store.save(tracker)
    with unit_of_work(url) as conversations:
        report = privacy.purge(conversations, conversations, privacy.Retention(30, 30, 180))
    kept = remaining_rows(url)
    assert report.conversation_events > 0 and all(row[2] >= recent for row in kept)
    assert [row[0] for row in kept] == ["action", "session_started", "action", "user"]
    loaded = await tracker_store.retrieve("s3")
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["mới"]
    assert loaded.events[-1].timestamp == recent + 3


def remaining_rows(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, action_name, timestamp FROM events ORDER BY id")
        ).all()
    engine.dispose()
    return rows
