import asyncio
import collections
import socket
import threading
import time
import uuid

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.stores import AtomicRedisLockStore, UrlLockStore, lock_store_from_url


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize("url", [None, "", "memory://", "in_memory"])
def test_memory_lock_store_by_default(url) -> None:
    assert isinstance(lock_store_from_url(url), InMemoryLockStore)


def test_other_schemes_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        lock_store_from_url("mysql://db/1")


def test_endpoint_config_type_builds_the_real_store() -> None:
    store = UrlLockStore(EndpointConfig(url="memory://", type="bot.rasa.stores.UrlLockStore"))
    assert isinstance(store, LockStore)


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
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
needs_redis = pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")


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
