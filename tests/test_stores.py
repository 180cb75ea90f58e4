import asyncio
import collections
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, text

from bot.rasa.event_broker import BatchSQLEventBroker
from bot.rasa.stores import (
    STORED_EVENTS_ATTRIBUTE,
    AtomicRedisLockStore,
    RedactingSQLTrackerStore,
    UrlLockStore,
    lock_store_from_url,
)
from tests.support.services import redis_up


@pytest.mark.parametrize("url", [None, "", "memory://", "in_memory"])
def test_memory_lock_store_by_default(url) -> None:
    assert isinstance(lock_store_from_url(url), InMemoryLockStore)


def test_other_schemes_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        lock_store_from_url("mysql://db/1")


def test_endpoint_config_type_builds_the_real_store() -> None:
    store = UrlLockStore(EndpointConfig(url="memory://", type="bot.rasa.stores.UrlLockStore"))
    assert isinstance(store, LockStore)


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_redis_lock_store_locks_across_instances() -> None:
    first = lock_store_from_url("redis://127.0.0.1:6379/3")
    second = lock_store_from_url("redis://127.0.0.1:6379/3")
    assert isinstance(first, RedisLockStore)
    conversation = "conversation-under-test"
    first.delete_lock(conversation)
    serving = first.issue_ticket(conversation)
    waiting = second.issue_ticket(conversation)
    try:
        lock = second.get_lock(conversation)
        assert not lock.is_locked(serving), "the first ticket is served"
        assert lock.is_locked(waiting), "a second Rasa instance must wait for the first"
    finally:
        first.delete_lock("conversation-under-test")


REDIS_TEST_URL = "redis://127.0.0.1:6379/3"
needs_redis = pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")


@needs_redis
def test_the_redis_lock_store_is_the_atomic_one() -> None:
    assert isinstance(lock_store_from_url(REDIS_TEST_URL), AtomicRedisLockStore)


def _take_ticket(store: LockStore, conversation: str, barrier: threading.Barrier, tickets: list[int]) -> None:
    barrier.wait()
    tickets.append(store.issue_ticket(conversation))


@needs_redis
def test_instances_taking_tickets_at_once_get_distinct_tickets() -> None:
    """Rasa's own RedisLockStore (GET, change, SET) gave 8 racing instances the same
    ticket and kept one of their tickets in every one of 200 trials; one transaction each
    must give 8 different tickets, all of them kept."""
    stores = [lock_store_from_url(REDIS_TEST_URL) for _ in range(8)]
    for _trial in range(30):
        conversation = f"race-{uuid.uuid4().hex}"
        barrier = threading.Barrier(len(stores))
        tickets: list[int] = []
        threads = [
            threading.Thread(target=_take_ticket, args=(store, conversation, barrier, tickets))
            for store in stores
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        try:
            assert sorted(tickets) == list(range(len(stores))), collections.Counter(tickets)
            assert len(stores[0].get_lock(conversation).tickets) == len(stores)
        finally:
            stores[0].delete_lock(conversation)


@needs_redis
def test_two_instances_never_hold_a_conversation_at_once() -> None:
    """Two lock stores in two threads (two Rasa instances), each with its own event loop,
    process 40 messages of one conversation: never two at a time, every one served, and
    the lock is gone afterwards."""
    conversation = f"mutex-{uuid.uuid4().hex}"
    holding: list[int] = []
    overlaps: list[int] = []
    served: list[str] = []

    async def handle(store: LockStore, name: str) -> None:
        async with store.lock(conversation):
            holding.append(1)
            if len(holding) > 1:
                overlaps.append(len(holding))
            await asyncio.sleep(0.005)
            served.append(name)
            holding.pop()

    def instance(index: int) -> None:
        store = lock_store_from_url(REDIS_TEST_URL)

        async def messages() -> None:
            await asyncio.gather(*(handle(store, f"{index}-{n}") for n in range(20)))

        asyncio.run(messages())

    started = time.monotonic()
    threads = [threading.Thread(target=instance, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    store = lock_store_from_url(REDIS_TEST_URL)
    assert not overlaps, f"two messages of one conversation were processed at once {len(overlaps)} time(s)"
    assert len(served) == 40
    assert store.get_lock(conversation) is None
    assert time.monotonic() - started < 30


# ------------------------------------------------------------ tracker store writes
# RedactingSQLTrackerStore knows how many leading events of a tracker are stored from
# STORED_EVENTS_ATTRIBUTE (set when it returns or saves a tracker) and writes the rest.

TRACKER_DOMAIN = Domain.from_dict({"slots": {"awaiting": {"type": "any", "mappings": [{"type": "custom"}]}}})


class Conversation:
    """Store, broker and the events a conversation should have stored, in order."""

    def __init__(self, store: RedactingSQLTrackerStore, store_url: str, broker_url: str) -> None:
        self.store, self.store_url, self.broker_url = store, store_url, broker_url
        self.expected: dict[str, list[Event]] = collections.defaultdict(list)
        self._clock = itertools.count(int(time.time()) + 10)  # after anything stamped now

    def add(self, tracker: DialogueStateTracker, events: list[Event]) -> None:
        for event in events:
            tracker.update(event)
            self.expected[tracker.sender_id].append(event)

    def turn(self, user_text: str, answer: str) -> list[Event]:
        at = self._clock
        return [
            UserUttered(user_text, {"name": "greet", "confidence": 1.0}, timestamp=next(at)),
            ActionExecuted("action_converse", timestamp=next(at)),
            BotUttered(answer, timestamp=next(at)),
            SlotSet("awaiting", None, timestamp=next(at)),
            ActionExecuted("action_listen", timestamp=next(at)),
        ]

    def new_session(self) -> list[Event]:
        at = self._clock
        return [
            ActionExecuted("action_session_start", timestamp=next(at)),
            SessionStarted(timestamp=next(at)),
            ActionExecuted("action_listen", timestamp=next(at)),
        ]

    def stored(self, sender_id: str) -> list[tuple[str, dict]]:
        query = "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"
        return [(kind, json.loads(data)) for kind, data in _rows(self.store_url, query, s=sender_id)]

    def published(self, sender_id: str) -> list[dict]:
        query = "SELECT data FROM events WHERE sender_id = :s ORDER BY id"
        return [json.loads(data) for (data,) in _rows(self.broker_url, query, s=sender_id)]

    def assert_each_event_stored_and_published_once(self, sender_id: str) -> None:
        expected = [_as_stored(event) for event in self.expected[sender_id]]
        stored = self.stored(sender_id)
        assert [kind for kind, _ in stored] == [event.type_name for event in self.expected[sender_id]]
        assert [data for _, data in stored] == expected
        assert self.published(sender_id) == [{"sender_id": sender_id, **data} for data in expected]


def _as_stored(event: Event) -> dict:
    return json.loads(json.dumps(event.as_dict()))


def _rows(url: str, query: str, **params: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).all()
    finally:
        engine.dispose()


@pytest.fixture
def conversation(tmp_path) -> Iterator[Conversation]:
    store_url, broker_url = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'events.db'}"
    broker = BatchSQLEventBroker(host=broker_url)
    store = RedactingSQLTrackerStore(domain=TRACKER_DOMAIN, host=store_url, event_broker=broker)
    yield Conversation(store, store_url, broker_url)
    store._writer.shutdown()
    store.engine.dispose()
    broker.engine.dispose()


def _stored_count(tracker: DialogueStateTracker) -> int | None:
    return getattr(tracker, STORED_EVENTS_ATTRIBUTE, None)


async def test_a_conversation_over_many_saves_and_two_sessions_is_stored_once_in_order(conversation) -> None:
    c, store = conversation, conversation.store
    tracker = await store.get_or_create_tracker("c1")  # new: init_tracker, action_listen, saved
    c.expected["c1"].extend(tracker.events)
    assert _stored_count(tracker) == len(tracker.events) == 1

    c.add(tracker, c.new_session() + c.turn("xin chào", "Dạ, em chào anh/chị"))
    await store.save(tracker)
    assert _stored_count(tracker) == len(tracker.events)

    other = await store.get_or_create_tracker("other")  # another conversation in between
    c.expected["other"].extend(other.events)
    c.add(other, c.turn("alo", "Dạ"))
    await store.save(other)

    tracker = await store.retrieve("c1")
    assert _stored_count(tracker) == len(tracker.events)
    c.add(tracker, c.turn("cảm ơn", "Dạ, không có gì ạ"))
    await store.save(tracker)

    # A later message starts a new session; the same tracker is saved again afterwards (the
    # rows of the current session are now fewer than the events stored before them).
    tracker = await store.retrieve("c1")
    c.add(tracker, c.new_session() + c.turn("cho hỏi lịch cúp điện", "Dạ, lịch cúp điện tuần này..."))
    await store.save(tracker)
    c.add(tracker, c.turn("còn ngày mai thì sao", "Dạ, ngày mai không có lịch"))
    await store.save(tracker)
    assert _stored_count(tracker) == len(tracker.events)

    tracker = await store.retrieve("c1")  # the new session only
    session = c.expected["c1"][-12:]
    assert isinstance(session[0], SessionStarted)
    assert [e.as_dict() for e in tracker.events] == [e.as_dict() for e in session]
    assert _stored_count(tracker) == len(session)
    c.add(tracker, c.turn("tạm biệt", "Dạ, chào anh/chị"))
    await store.save(tracker)
    await store.save(tracker)  # nothing new

    c.assert_each_event_stored_and_published_once("c1")
    c.assert_each_event_stored_and_published_once("other")
    assert len(c.expected["c1"]) == 1 + 3 + 5 + 5 + 3 + 5 + 5 + 5


async def test_saving_a_tracker_again_writes_nothing(conversation) -> None:
    c, store = conversation, conversation.store
    tracker = DialogueStateTracker.from_events("c2", [], slots=TRACKER_DOMAIN.slots)
    c.add(tracker, c.new_session() + c.turn("xin chào", "Dạ"))
    await store.save(tracker)
    before = (c.stored("c2"), c.published("c2"))
    assert len(before[0]) == len(before[1]) == 8
    await store.save(tracker)
    retrieved = await store.retrieve("c2")
    await store.save(retrieved)
    assert (c.stored("c2"), c.published("c2")) == before
    c.assert_each_event_stored_and_published_once("c2")


@pytest.mark.parametrize("session_start", [False, True])
async def test_a_tracker_the_store_did_not_give_stores_only_its_new_events(
    conversation, session_start
) -> None:
    """Built from events (Rasa's PUT .../tracker/events, a copy): the stored events of the
    current session are counted in the database, as Rasa counts them. (Like Rasa's, the
    count only holds for a tracker of the current session: one that also holds events
    from before its last SessionStarted would have some stored again.)"""
    c, store = conversation, conversation.store
    first = DialogueStateTracker.from_events("c3", [], slots=TRACKER_DOMAIN.slots)
    c.add(first, (c.new_session()[1:] if session_start else []) + c.turn("xin chào", "Dạ"))
    await store.save(first)
    more = c.turn("cảm ơn", "Dạ, không có gì ạ")
    c.expected["c3"].extend(more)
    rebuilt = DialogueStateTracker.from_events("c3", [*first.events, *more], slots=TRACKER_DOMAIN.slots)
    assert _stored_count(rebuilt) is None
    await store.save(rebuilt)
    assert _stored_count(rebuilt) == len(rebuilt.events)
    c.assert_each_event_stored_and_published_once("c3")


async def test_a_full_tracker_is_returned_without_the_count(conversation) -> None:
    c, store = conversation, conversation.store
    tracker = DialogueStateTracker.from_events("c4", [], slots=TRACKER_DOMAIN.slots)
    c.add(tracker, c.new_session() + c.turn("xin chào", "Dạ") + c.new_session() + c.turn("alo", "Dạ"))
    await store.save(tracker)
    full = await store.retrieve_full_tracker("c4")
    assert len(full.events) == len(c.expected["c4"]) == 16
    assert _stored_count(full) is None
    current = await store.retrieve("c4")
    assert _stored_count(current) == len(current.events) == 7  # from the last SessionStarted on


async def test_a_tracker_begun_by_the_store_counts_nothing_stored(conversation) -> None:
    tracker = conversation.store.init_tracker("c5")
    assert _stored_count(tracker) == 0 and len(tracker.events) == 0
