"""Rasa store set-up from URLs, so the production profile is chosen by environment alone.

The tracker store needs nothing of ours (Rasa's SQL tracker store takes a full URL).
The lock store is `memory://` for a single Rasa process or `redis://[:password@]host:port/db`
when several Rasa instances share the conversations.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

LOCK_KEY_PREFIX = "evncskh"


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
    """`lock_store: type: bot.stores.UrlLockStore` in endpoints.yml; builds the real store."""

    def __new__(cls, endpoint_config: EndpointConfig) -> LockStore:  # type: ignore[misc]
        return lock_store_from_url(endpoint_config.url)
