"""action_converse with real rasa-sdk Trackers, as the action server receives them:
the tracker read into the engine's Turn and State, replies rendered, slots written back,
one error policy."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import converse
from actions.converse import ActionConverse
from actions.kit import read_state, read_turn
from bot.dialogue import Message, Outcome, State
from bot.dialogue.state import SLOT_NAMES
from tests.dialogue.conftest import BICH, DIGITS


def parse(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    found = []
    for item in entities or []:
        start = text.find(item["typed"])
        found.append(
            {
                "entity": item["entity"],
                "value": item["value"],
                "start": start,
                "end": start + len(item["typed"]),
            }
        )
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.93},
        "entities": found,
        "intent_ranking": [{"name": intent, "confidence": 0.93}, {"name": "ask_debt", "confidence": 0.04}],
        **extra,
    }


class Conversation:
    """Messages through the action, the slots it sets fed back as Rasa would."""

    def __init__(
        self, sender: str = "action-test", channel: str = "rest", metadata: dict | None = None
    ) -> None:
        identity = {"kind": "platform" if channel in ("zalo", "facebook") else "session", "key": sender}
        self.sender, self.channel = sender, channel
        self.metadata = metadata if metadata is not None else {"identity": identity}
        self.slots: dict[str, Any] = {name: None for name in SLOT_NAMES}
        self.events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]

    def tracker(self, latest: dict[str, Any]) -> Tracker:
        latest = {**latest, "metadata": self.metadata}
        user = {"event": "user", "text": latest["text"], "parse_data": latest, "input_channel": self.channel}
        self.events.append(user)
        return Tracker(
            self.sender, dict(self.slots), latest, list(self.events), False, None, {}, "action_listen"
        )

    async def say(self, latest: dict[str, Any]) -> tuple[list[dict], list[dict]]:
        dispatcher = CollectingDispatcher()
        events = await ActionConverse().run(dispatcher, self.tracker(latest), {})
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.events += [*events, *({"event": "bot", "text": m.get("text")} for m in dispatcher.messages)]
        return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


# ----------------------------------------------------------------- reading the tracker


def test_the_turn_splits_combined_intents_and_keeps_what_was_typed() -> None:
    tracker = Conversation(channel="zalo", sender="zalo-42").tracker(
        parse(
            "tiền điện tháng trước với lịch cúp điện",
            "ask_bill+ask_outage_schedule",
            [{"entity": "period", "value": "relative:-1", "typed": "tháng trước"}],
            malformed_customer_code=["PB050100000"],
        )
    )
    turn = read_turn(tracker)
    assert turn.intents == ("ask_bill", "ask_outage_schedule")
    assert turn.entities[0].name == "period" and turn.entities[0].typed == "tháng trước"
    assert turn.malformed_codes == ("PB050100000",) and turn.ranking == ("ask_bill", "ask_outage_schedule")
    assert turn.channel == "zalo" and turn.requester.persistent and turn.requester.user_id == "zalo-42"


def test_a_rest_session_is_no_persistent_identity_and_odd_parse_data_is_ignored() -> None:
    tracker = Conversation().tracker({"text": None, "intent": None, "entities": [{"entity": "x"}, "junk"]})
    turn = read_turn(tracker)
    assert turn.text == "" and turn.intents == () and turn.entities == ()
    assert turn.requester.persistent is False and turn.requester.verifiable


def test_a_message_without_a_channel_identity_can_never_be_verified() -> None:
    turn = read_turn(
        Conversation(metadata={}).tracker({"text": "xem hóa đơn", "intent": {"name": "ask_bill"}})
    )
    assert turn.requester.verifiable is False


def test_the_state_is_read_from_the_slots() -> None:
    conversation = Conversation()
    conversation.slots.update(
        {"topic": "bill", "period_shown": "2026-10", "awaiting": {"kind": "digits", "code": BICH}}
    )
    state = read_state(conversation.tracker(parse("x", "inform")))
    assert state.topic == "bill" and state.period_shown == "2026-10" and state.awaiting.code == BICH


# ------------------------------------------------------------ a whole conversation


async def test_a_bill_conversation_through_the_action(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_db)
    conversation = Conversation(sender="action-bill")
    messages, events = await conversation.say(
        parse(
            "tiền điện tháng 10/2026 mã PB05010000001",
            "ask_bill",
            [
                {"entity": "period", "value": "2026-10", "typed": "tháng 10/2026"},
                {"entity": "customer_code", "value": BICH, "typed": "PB05010000001"},
            ],
        )
    )
    assert "4 số cuối" in texts(messages) and conversation.slots["awaiting"]["kind"] == "digits"
    messages, events = await conversation.say(
        parse("1321", "inform", [{"entity": "digits", "value": "1321", "typed": "1321"}])
    )
    assert "798.660 đ" in texts(messages)
    assert any(b["payload"] == "/ask_bill_detail" for m in messages for b in m.get("buttons") or [])
    assert {e["name"] for e in events} >= {"topic", "period_shown", "awaiting"}
    assert DIGITS[BICH] not in json.dumps([e.get("value") for e in events], ensure_ascii=False)
    messages, events = await conversation.say(
        parse(
            "thế tháng trước?",
            "inform",
            [{"entity": "period", "value": "relative:-1", "typed": "tháng trước"}],
        )
    )
    assert "474.876 đ" in texts(messages)
    assert [e["name"] for e in events] == ["period_shown"]  # only what changed


async def test_one_bubble_per_message_with_its_quick_replies(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_db)
    messages, _ = await Conversation().say(parse("hôm nay trời đẹp", "out_of_scope"))
    assert len(messages) == 1 and messages[0]["text"].startswith("Dạ")
    assert {"title": "Xem hóa đơn tiền điện", "payload": "/ask_bill"} in messages[0]["buttons"]


# -------------------------------------------------------------------- error policy


async def test_anything_failing_gets_the_one_apology_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    phone = "0908111321"

    def broken(turn, state):
        raise RuntimeError(f"{phone} said something")

    monkeypatch.setattr(converse, "run_turn", broken)
    with caplog.at_level(logging.ERROR):
        messages, events = await Conversation().say(parse("xem hóa đơn", "ask_bill"))
    assert (
        len(messages) == 1 and "sự cố tạm thời" in messages[0]["text"] and "19001006" in messages[0]["text"]
    )
    assert events == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "broken" in caplog.text and phone not in caplog.text


async def test_a_human_taking_over_pauses_the_conversation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        converse,
        "run_turn",
        lambda turn, state: Outcome((Message("Dạ, em chuyển anh/chị..."),), State(handoff="H1"), True),
    )
    _, events = await Conversation().say(parse("gặp nhân viên", "request_human"))
    assert {"event": "pause"} in [{"event": e["event"]} for e in events]
    assert any(e.get("name") == "handoff" and e.get("value") == "H1" for e in events)


async def test_a_database_failure_escaping_the_engine_gets_the_data_apology(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.services import DataUnavailable

    def down(turn, state):
        raise DataUnavailable("OperationalError")

    monkeypatch.setattr(converse, "run_turn", down)
    messages, events = await Conversation().say(parse("xem hóa đơn", "ask_bill"))
    assert len(messages) == 1 and "tạm gián đoạn" in messages[0]["text"] and events == []
