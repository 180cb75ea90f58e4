"""Rasa's tracker and lock stores, set up from URLs (the production profile is chosen by
environment alone), and the tracker store that never keeps verification answers.

endpoints.yml::

    tracker_store:
      type: bot.rasa.stores.RedactingSQLTrackerStore
      url: ${TRACKER_STORE_URL}      # sqlite:///var/tracker.db, postgresql://...
    lock_store:
      type: bot.rasa.stores.UrlLockStore
      url: ${LOCK_STORE_URL}         # memory:// or redis://host:port/db

:class:`RedactingSQLTrackerStore` is Rasa's SQL tracker store, except that the events
it writes (and publishes to the event broker) go through :mod:`bot.rasa.redaction`
first: the digits of verification answers and any phone number are masked in user
text and parse data. The tracker in memory (what the action server receives this turn)
is left as it was.

The lock store is ``memory://`` for a single Rasa process or
``redis://[:password@]host:port/db`` when several Rasa instances share conversations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import AllSlotsReset, Event, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.redaction import VERIFY_SLOT, VerificationWatch, redact_slot_event, redact_user_event

LOCK_KEY_PREFIX = "evncskh"


# ------------------------------------------------------------------- lock store


def lock_store_from_url(url: str | None) -> LockStore:
    if not url or url.strip() in ("memory://", "in_memory"):
        return InMemoryLockStore()
    parts = urlsplit(url.strip())
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"LOCK_STORE_URL must be memory:// or redis://host:port/db, not {parts.scheme}://")
    db = int(parts.path.lstrip("/") or 1)
    return RedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=db,
        password=parts.password,
        use_ssl=parts.scheme == "rediss",
        key_prefix=LOCK_KEY_PREFIX,
    )


class UrlLockStore:
    """`lock_store: type: bot.rasa.stores.UrlLockStore` in endpoints.yml; builds the real store."""

    def __new__(cls, endpoint_config: EndpointConfig) -> LockStore:  # type: ignore[misc]
        return lock_store_from_url(endpoint_config.url)


# ---------------------------------------------------------------- tracker store


class _StoredEvent:
    """An event as it is stored: its type and its (redacted) dictionary."""

    def __init__(self, event: Event, data: dict[str, Any]) -> None:
        self.type_name = event.type_name
        self._data = data

    def as_dict(self) -> dict[str, Any]:
        return self._data


class _StoredTracker:
    """What SQLTrackerStore.save reads of a tracker: its sender and its events."""

    def __init__(self, sender_id: str, events: Sequence[Any]) -> None:
        self.sender_id = sender_id
        self.events = events


def _watched(event: Event) -> dict[str, Any] | None:
    """The little the watch needs of an event (None: nothing)."""
    if isinstance(event, SlotSet):
        return {"event": "slot", "name": event.key, "value": event.value}
    if isinstance(event, Restarted | SessionStarted | AllSlotsReset):
        return {"event": event.type_name}
    return None


def redacted_events(events: Iterable[Event]) -> list[Any]:
    """The events as they may be stored: user messages and the verification slot
    redacted, every other event unchanged (the same object)."""
    watch = VerificationWatch()
    stored: list[Any] = []
    for event in events:
        if isinstance(event, UserUttered):
            stored.append(_StoredEvent(event, redact_user_event(event.as_dict(), watch.answering)))
        elif isinstance(event, SlotSet) and event.key == VERIFY_SLOT and event.value is not None:
            stored.append(_StoredEvent(event, redact_slot_event(event.as_dict())))
        else:
            stored.append(event)
        if (seen := _watched(event)) is not None:
            watch.observe(seen)
    return stored


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store that stores (and publishes) redacted events."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(_StoredTracker(tracker.sender_id, redacted_events(tracker.events)))  # type: ignore[arg-type]
