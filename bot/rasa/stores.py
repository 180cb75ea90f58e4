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
``redis://[:password@]host:port/db`` when several Rasa instances share conversations:
:class:`AtomicRedisLockStore`, Rasa's Redis lock store with every change of a lock in one
Redis transaction. Rasa's own reads the lock, changes it and writes it back in three
commands, so two instances taking a ticket for the same conversation at the same moment
both got ticket 0 and processed two messages of one conversation at once (events lost
from the tracker store), or one's ``SET`` dropped the other's ticket (an apology for a
"lock that no longer exists"); see tests/test_stores.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import AllSlotsReset, Event, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.redaction import VERIFY_SLOT, VerificationWatch, redact_slot_event, redact_user_event

LOCK_KEY_PREFIX = "evncskh"
# A message waiting for its conversation's lock (another message of the same customer is
# being processed, maybe by another instance) looks again this often; Rasa's default is 1 s.
LOCK_WAIT_S = 0.05

T = TypeVar("T")


# ------------------------------------------------------------------- lock store


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis ticket lock, safe across processes: each read-modify-write of a lock
    (take a ticket, drop expired tickets, finish, clean up) is one optimistic Redis
    transaction (``WATCH`` the key, read, ``MULTI``/``SET``; retried if another instance
    changed the key in between). Same keys and JSON as Rasa's store."""

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]
    ) -> T:
        key = self.key_prefix + conversation_id

        def apply(pipe: Any) -> T:
            raw = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            pipe.multi()
            if lock is None or not lock.is_someone_waiting():
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(apply, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as error:  # as Rasa's: the message handling guard answers the apology
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finish_serving deletes the key in the same transaction when nobody waits.
        self.finish_serving(conversation_id, ticket_number)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = LOCK_WAIT_S,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as lock:
            yield lock


def lock_store_from_url(url: str | None) -> LockStore:
    if not url or url.strip() in ("memory://", "in_memory"):
        return InMemoryLockStore()
    parts = urlsplit(url.strip())
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"LOCK_STORE_URL must be memory:// or redis://host:port/db, not {parts.scheme}://")
    db = int(parts.path.lstrip("/") or 1)
    return AtomicRedisLockStore(
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
