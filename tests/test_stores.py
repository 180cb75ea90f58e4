import socket

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.stores import UrlLockStore, lock_store_from_url


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
