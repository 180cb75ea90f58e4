"""The one action kit: read the tracker, render replies, one error policy.

- :func:`read_turn` / :func:`read_state`: the tracker as the engine's plain data (the
  customer's message with its intents split, entities with what was typed, channel and
  requester; the conversation state slots);
- :func:`render`: the engine's messages and quick replies, one chat bubble each;
- :func:`state_events`: ``SlotSet`` for each state slot that changed;
- :func:`apologise`: anything failing in an action gets the one apology with the
  hotline, logged once (the kind of error only: messages may quote the customer).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import SLOT_NAMES, Entity, Message, State, Turn, from_slots, split_intents, to_slots
from bot.faults import database_failed, is_database_error, technical_apology
from bot.services.verification import requester_for
from bot.wording.common import database_unavailable

log = logging.getLogger(__name__)

MIN_RANKED_CONFIDENCE = 0.05
RECENT_MESSAGES = 6
MALFORMED_CODE_PROPERTY = "malformed_customer_code"


def read_turn(tracker: Tracker) -> Turn:
    latest: dict[str, Any] = tracker.latest_message or {}
    text = latest.get("text") if isinstance(latest.get("text"), str) else ""
    intent = latest.get("intent") or {}
    channel = tracker.get_latest_input_channel() or "unknown"
    malformed = latest.get(MALFORMED_CODE_PROPERTY)
    return Turn(
        text=text,
        intents=split_intents(intent.get("name")),
        confidence=float(intent.get("confidence") or 0.0),
        entities=tuple(_entities(latest.get("entities"), text)),
        ranking=tuple(
            name
            for item in latest.get("intent_ranking") or []
            if (item.get("confidence") or 0) >= MIN_RANKED_CONFIDENCE
            for name in split_intents(item.get("name"))
        ),
        channel=channel,
        requester=requester_for(channel, tracker.sender_id, latest.get("metadata")),
        malformed_codes=tuple(str(code) for code in malformed) if isinstance(malformed, list) else (),
        recent=tuple(_recent(tracker)),
        conversation_id=tracker.sender_id,
    )


def _entities(found: Any, text: str) -> Iterable[Entity]:
    for item in found if isinstance(found, list) else []:
        if not isinstance(item, dict) or not item.get("entity") or item.get("value") is None:
            continue
        start, end = item.get("start"), item.get("end")
        typed = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
        yield Entity(str(item["entity"]), str(item["value"]), typed)


def _recent(tracker: Tracker) -> list[str]:
    """The last messages before this one, oldest first ("khách: ...", "bot: ...")."""
    said: list[str] = []
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        kind = event.get("event")
        if kind in ("user", "bot") and isinstance(event.get("text"), str) and event.get("text"):
            said.append(("khách: " if kind == "user" else "bot: ") + event["text"][:300])
            if len(said) >= RECENT_MESSAGES:
                break
    return list(reversed(said))


def read_state(tracker: Tracker) -> State:
    return from_slots({name: tracker.get_slot(name) for name in SLOT_NAMES})


def state_events(before: State, after: State) -> list[EventType]:
    old, new = to_slots(before), to_slots(after)
    return [SlotSet(name, value) for name, value in new.items() if old.get(name) != value]


def render(dispatcher: CollectingDispatcher, messages: Iterable[Message]) -> None:
    for message in messages:
        dispatcher.utter_message(text=message.text, buttons=[b.as_dict() for b in message.buttons])


def apologise(dispatcher: CollectingDispatcher, error: BaseException, action: str) -> None:
    """The one apology: the data one when the database failed (logged once per incident,
    bot.faults), the technical one otherwise (where it failed is logged: the traceback's
    frames, never the error's message, which may quote the customer)."""
    if is_database_error(error):
        database_failed(error)
        text = database_unavailable()
    else:
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("%s failed (%s)\n%s", action, type(error).__name__, frames)
        text = technical_apology()
    dispatcher.utter_message(text=text, buttons=[{"title": "Số tổng đài", "payload": "/ask_contact"}])
