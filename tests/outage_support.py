"""Helpers for the outage action tests: trackers as forms receive them, what the bot said.

The outage world itself is tests/support/outage_world.py; its fixtures (``outage_db``,
``frozen_now``) are in tests/conftest.py, ``domain`` and ``action_db`` in
tests/actions/conftest.py.
"""

from __future__ import annotations

from tests.support.outage_world import CA_MAU, CAN_THO, NOW, TAY_NINH, at

__all__ = ["CAN_THO", "CA_MAU", "NOW", "TAY_NINH", "at"]

# ---------------------------------------------------------------------- actions

DOWN_DATABASE_URL = "postgresql+psycopg2://nobody@127.0.0.1:1/nowhere?connect_timeout=2"


def entity(name: str, value: str, text: str = "") -> dict:
    return {"entity": name, "value": value, "text": text}


def make_tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict] | None = None,
    slots: dict | None = None,
    active_loop: str | None = None,
    requested_slot: str | None = None,
    sender: str = "outage-test-user",
    channel: str = "rest",
    latest_action: str = "action_listen",
    bot_said: tuple[str, ...] = (),
):
    """A rasa_sdk Tracker whose latest message is ``text``, as a form validation action
    or a custom action receives it (the form's SlotSet(requested_slot) and its
    ActionExecuted come after the user message when a form is active)."""
    from rasa_sdk import Tracker

    found = []
    for item in entities or []:
        start = text.find(item.get("text") or item["value"])
        end = start + len(item.get("text") or item["value"]) if start >= 0 else 0
        found.append({"entity": item["entity"], "value": item["value"], "start": max(start, 0), "end": end})
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": found}
    values = {"requested_slot": requested_slot, **(slots or {})}
    events: list[dict] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel},
    ]
    if active_loop:
        events += [
            {"event": "slot", "name": "requested_slot", "value": requested_slot},
            {"event": "action", "name": active_loop},
        ]
    events += [{"event": "bot", "text": said} for said in bot_said]
    loop = {"name": active_loop} if active_loop else {}
    return Tracker(sender, values, latest, events, False, None, loop, latest_action)


def slot_events(events: list[dict]) -> dict:
    """The slots an action set, last value wins."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]
