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

How it stores (measured: docs/benchmarks.md, "Conversation load"): Rasa's own
``save`` read the whole conversation back from the database to find the events to
publish, published each event in its own transaction, and did all of it synchronously
on the event loop, which every conversation shares. Here each save counts the stored
events once, publishes the new ones in one batch (:mod:`bot.rasa.event_broker`) and
writes them in one transaction, in one writer thread per store (writes stay in order;
the event loop goes on serving other conversations); reads run in a worker thread too.
SQLite files get a pool of connections (not one per save), WAL journaling and
``synchronous=NORMAL`` (a commit survives a crash of the process; a power loss may lose
the last few turns, never corrupt the file); see :func:`sqlite_engine`.

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

import asyncio
import concurrent.futures
import json
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import AllSlotsReset, Event, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.rasa.redaction import VERIFY_SLOT, VerificationWatch, redact_slot_event, redact_user_event

LOCK_KEY_PREFIX = "evncskh"
# A message waiting for its conversation's lock (another message of the same customer is
# being processed, maybe by another instance) looks again this often; Rasa's default is 1 s.
LOCK_WAIT_S = 0.05

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 5000
# Set on the trackers this store returns (and on those it saved): how many of their
# leading events are stored, so a save writes the rest without counting them again.
STORED_EVENTS_ATTRIBUTE = "_evncskh_stored_events"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def sqlite_engine(url: str | sa.engine.URL) -> Engine:
    """An engine for one of Rasa's SQLite files (tracker store, event broker): pooled
    connections usable from worker threads, WAL, ``synchronous=NORMAL``, a busy timeout.
    (SQLAlchemy 1.4 would open and close a connection per session on a file database.)"""
    engine = sa.create_engine(
        url, poolclass=QueuePool, pool_size=4, max_overflow=4,
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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


def _watched(event: Event) -> dict[str, Any] | None:
    """The little the watch needs of an event (None: nothing)."""
    if isinstance(event, SlotSet):
        return {"event": "slot", "name": event.key, "value": event.value}
    if isinstance(event, Restarted | SessionStarted | AllSlotsReset):
        return {"event": event.type_name}
    return None


def redacted_events(events: Iterable[Event], start: int = 0) -> list[Any]:
    """The events from index ``start`` on as they may be stored: user messages and the
    verification slot redacted, every other event unchanged (the same object). The ones
    before ``start`` are only watched (whether a question was pending)."""
    watch = VerificationWatch()
    stored: list[Any] = []
    for index, event in enumerate(events):
        if index < start:
            pass
        elif isinstance(event, UserUttered):
            stored.append(_StoredEvent(event, redact_user_event(event.as_dict(), watch.answering)))
        elif isinstance(event, SlotSet) and event.key == VERIFY_SLOT and event.value is not None:
            stored.append(_StoredEvent(event, redact_slot_event(event.as_dict())))
        else:
            stored.append(event)
        if (seen := _watched(event)) is not None:
            watch.observe(seen)
    return stored


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store that stores (and publishes) redacted events, off the event
    loop, one transaction per save (see the module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            old, self.engine = self.engine, sqlite_engine(self.engine.url)
            old.dispose()
            self.sessionmaker = sessionmaker(bind=self.engine)
        # One writer per store: saves are written in the order they were made.
        self._writer = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="tracker-store"
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)  # the writer reads a snapshot, not the live deque
        stored = getattr(tracker, STORED_EVENTS_ATTRIBUTE, None)
        loop = asyncio.get_running_loop()
        unpublished = await loop.run_in_executor(
            self._writer, self._write, tracker.sender_id, events, stored
        )
        setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(events))
        for body in unpublished:  # a broker that lives on the event loop (RabbitMQ)
            self.event_broker.publish(body)  # type: ignore[union-attr]

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        tracker = super().init_tracker(sender_id)
        setattr(tracker, STORED_EVENTS_ATTRIBUTE, 0)
        return tracker

    def _write(
        self, sender_id: str, events: Sequence[Event], stored: int | None = None
    ) -> list[dict[str, Any]]:
        """Publish and store, redacted, the events not stored yet (writer thread); returns
        what is left to publish on the event loop. ``stored``: how many of the leading
        ``events`` are known to be stored (None: count them in the database, as Rasa does)."""
        with self.session_scope() as session:
            if stored is None:
                stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
            new = redacted_events(events, start=stored) if stored < len(events) else []
            if not new:
                return []
            bodies = [{"sender_id": sender_id, **event.as_dict()} for event in new]
            unpublished: list[dict[str, Any]] = []
            if self.event_broker is not None:
                publish_many = getattr(self.event_broker, "publish_many", None)
                if publish_many is not None:
                    publish_many(bodies)
                else:
                    unpublished = bodies
            rows = [self._row(sender_id, event, body) for event, body in zip(new, bodies, strict=True)]
            session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        return unpublished

    def _row(self, sender_id: str, event: Any, body: dict[str, Any]) -> dict[str, Any]:
        data = {key: value for key, value in body.items() if key != "sender_id"}
        parse_data = data.get("parse_data")
        intent = parse_data.get("intent", {}).get(INTENT_NAME_KEY) if isinstance(parse_data, dict) else None
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": intent,
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        events = await asyncio.to_thread(self._load, sender_id, fetch_events_from_all_sessions)
        if self.domain and events:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions:  # what the count in the database would say
                setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(events))
            return tracker
        return None

    def _load(self, sender_id: str, fetch_events_from_all_sessions: bool) -> list[dict[str, Any]]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            return [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
