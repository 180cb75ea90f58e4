"""What the tracker store must not keep: verification answers and phone numbers.

Pure functions over Rasa's event dictionaries (``event.as_dict()``), so they can be
tested without a tracker store and reused by anything that stores or forwards events.

* Any phone number (``0908 111 321``, ``+84908111321``) in a user message's text or
  parse data: its digits become ``*``.
* A user message that answers the verification question (the 4 last phone digits, a
  whole phone number, or a one-time code): every digit of it becomes ``*`` (customer
  codes typed in the same message are kept). A message answers it when the bot was
  waiting for it at that point of the conversation: the form's ``requested_slot`` was
  ``verify_answer``, or the dialogue engine's ``awaiting`` slot had a kind of
  :data:`VERIFICATION_AWAITING_KINDS`.
* Entities that carry a secret (:data:`SECRET_ENTITIES`) lose their digits wherever
  they appear, and so does a ``verify_answer`` slot value.

Everything else (intent, other entities, metadata, timestamps, the message id) is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "*"
VERIFY_SLOT = "verify_answer"
AWAITING_SLOT = "awaiting"
VERIFICATION_AWAITING_KINDS = frozenset({"digits", "one_time_code"})
SECRET_ENTITIES = frozenset({"digits", "phone", "one_time_code", "verify_answer"})
PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){9}(?!\d)")
_CUSTOMER_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{11}(?!\d)")


def mask_phones(text: str) -> str:
    """Phone numbers with their digits masked; nothing else changes."""
    return PHONE_PATTERN.sub(lambda m: re.sub(r"\d", MASK, m.group()), text)


def mask_digits(text: str) -> str:
    """Every digit masked, except inside customer codes (``PB05010000001`` stays)."""
    kept, last = [], 0
    for match in _CUSTOMER_CODE.finditer(text):
        kept.append(re.sub(r"\d", MASK, text[last : match.start()]))
        kept.append(match.group())
        last = match.end()
    kept.append(re.sub(r"\d", MASK, text[last:]))
    return "".join(kept)


def _strings(value: Any, change: Any) -> Any:
    """``value`` with ``change`` applied to every string inside it (keys untouched)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {k: _strings(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(v, change) for v in value]
    return value


def _entities(entities: Any) -> Any:
    if not isinstance(entities, list):
        return entities
    cleaned = []
    for item in entities:
        if isinstance(item, Mapping) and item.get("entity") in SECRET_ENTITIES:
            item = {**item, **{k: _strings(item[k], mask_digits) for k in ("value", "text") if k in item}}
        cleaned.append(item)
    return cleaned


def redact_user_event(data: Mapping[str, Any], answers_verification: bool) -> dict[str, Any]:
    """A user event's dictionary as it may be stored (a new dictionary)."""
    change = mask_digits if answers_verification else mask_phones
    stored = dict(data)
    if isinstance(stored.get("text"), str):
        stored["text"] = change(stored["text"])
    parse_data = stored.get("parse_data")
    if isinstance(parse_data, Mapping):
        parse_data = _strings(parse_data, change)
        parse_data["entities"] = _entities(parse_data.get("entities"))
        stored["parse_data"] = parse_data
    return stored


def redact_slot_event(data: Mapping[str, Any]) -> dict[str, Any]:
    """A ``SlotSet`` of the verification answer, without its digits."""
    stored = dict(data)
    stored["value"] = _strings(stored.get("value"), mask_digits)
    return stored


class VerificationWatch:
    """Follows a conversation's events to know whether the bot awaits a verification answer."""

    def __init__(self) -> None:
        self.requested_slot: Any = None
        self.awaiting: Any = None

    @property
    def answering(self) -> bool:
        """Whether the next user message answers the verification question."""
        if self.requested_slot == VERIFY_SLOT:
            return True
        kind = self.awaiting.get("kind") if isinstance(self.awaiting, Mapping) else self.awaiting
        return kind in VERIFICATION_AWAITING_KINDS

    def observe(self, data: Mapping[str, Any]) -> None:
        """Take one event (its dictionary) into account."""
        kind = data.get("event")
        if kind == "slot":
            if data.get("name") == "requested_slot":
                self.requested_slot = data.get("value")
            elif data.get("name") == AWAITING_SLOT:
                self.awaiting = data.get("value")
        elif kind in ("restart", "session_started", "reset_slots"):
            self.requested_slot = self.awaiting = None
