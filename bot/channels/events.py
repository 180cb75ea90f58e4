"""What a platform user did, as our webhook parsers read it (pure: no Rasa, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT, FOLLOW, UNSUPPORTED, IGNORED = "text", "follow", "unsupported", "ignored"
MAX_EVENT_ID = 160


@dataclass(frozen=True)
class PlatformEvent:
    kind: str  # TEXT, FOLLOW, UNSUPPORTED or IGNORED
    event_id: str = ""  # the platform's message id (or a key derived from the event)
    user_id: str = ""  # the platform's user id, always a string (19-digit ids stay exact)
    text: str | None = None
    timestamp_ms: int | None = None


IGNORE = PlatformEvent(IGNORED)


def platform_id(value: Any) -> str | None:
    """A platform id as an exact string (ints stay exact; floats, bools, blanks are refused)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, str):
        value = value.strip()
        if value and len(value) <= 128 and value.isprintable():
            return value
    return None


def timestamp_ms(value: Any) -> int | None:
    """A millisecond timestamp given as a number or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**16 else None
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 16:
        return int(value.strip())
    return None


def bounded_event_id(*parts: str) -> str:
    """An inbox key from the parts (platform ids are short; this only guards the column)."""
    key = ":".join(parts)
    if len(key) <= MAX_EVENT_ID:
        return key
    import hashlib

    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
