"""Helpers for the billing action tests: real rasa-sdk trackers and what the bot said.

The fixtures (``demo_db``, ``demo_db_url``, ``domain``) come from tests/conftest.py and
tests/actions/conftest.py; the demo data's constants from tests/support/demo.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from tests.support.demo import BICH, CUONG, DIGITS, DUNG, NOW, PHONES, TODAY, reset_identity

__all__ = ["BICH", "CUONG", "DIGITS", "DUNG", "NOW", "PHONES", "TODAY", "reset_identity"]


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value), "extractor": "test"}


def channel_identity(channel: str, sender: str) -> dict[str, str]:
    """What our channels attach to a message (bot/channels): platform ids for Zalo and
    Messenger, a session key for the others (here the sender id stands in for it)."""
    from bot.services.verification import LINKING_CHANNELS, identity

    return identity("platform" if channel in LINKING_CHANNELS else "session", sender)


def make_tracker(
    text: str = "",
    intent: str = "inform",
    *,
    sender: str = "test-user",
    channel: str = "rest",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
    metadata: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    slot_events: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` (parsed as ``intent``), as Rasa sends it.

    ``slot_events`` are appended after the message, the way a form passes the slots it
    extracted to its validation action; ``history`` are earlier events.
    """
    metadata = {"identity": channel_identity(channel, sender), **(metadata or {})}
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.9)])],
        "metadata": metadata or {},
        **(extra or {}),
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": parse,
        "input_channel": channel,
        "metadata": metadata or {},
    }
    values = dict(slots or {})
    values.update(slot_events or {})
    events = [*(history or []), user_event]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (slot_events or {}).items()]
    return Tracker(
        sender,
        values,
        parse,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: Any) -> str:
    return "\n".join(message.get("text") or "" for message in dispatcher.messages)


def buttons(dispatcher: Any) -> list[dict[str, str]]:
    return [b for message in dispatcher.messages for b in message.get("buttons") or []]


def slot_sets(events: list[Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
