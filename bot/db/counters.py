"""Shared sliding-window counters for rate limits, in the database or in Redis.

Every Rasa and action-server instance must see the same counts, so they live outside
the process: in the utility database (``security_rate_events``, part of the unit of
work's transaction) by default, or in Redis when ``RATE_LIMIT_URL`` is
``redis://host:port/db`` (the production profile; counts survive the database being
busy and cost no database write per message).

A counter is a bucket name (never a raw sender id, phone number or address: callers
hash them) and a window: :meth:`hit` records one event at ``now`` and returns how many
events the bucket holds in ``(now - window, now]``. Time is the caller's ``now`` (the
frozen test clock works the same with both back ends).

Redis failing must not stop the conversation: the Redis counters then count nothing
(every limit is open), log a warning at most once a minute, and work again as soon as
Redis answers. The verification lock itself never depends on these counters.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.db.models import RateEvent

log = logging.getLogger(__name__)

REDIS_KEY_PREFIX = "evncskh:rate:"
WARN_EVERY_S = 60.0


class Counters(Protocol):
    def hit(self, bucket: str, window: timedelta, now: datetime) -> int:
        """Record one event; the number of events in the window, this one included."""

    def count(self, bucket: str, window: timedelta, now: datetime) -> int:
        """The number of events in the window (nothing recorded)."""

    def oldest(self, bucket: str, window: timedelta, now: datetime) -> datetime | None:
        """The oldest event still in the window (when it leaves, one more is allowed)."""


class DatabaseCounters:
    """Counters in ``security_rate_events``, in the unit of work's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, bucket: str, window: timedelta, now: datetime) -> int:
        # Counted before the insert, which is then the transaction's last statement until
        # the caller commits: on SQLite a write holds the database's one write lock until
        # the transaction ends (two writers of one bucket at the same instant may both
        # count one short: harmless for a rate).
        count = self.count(bucket, window, now) + 1
        self.session.execute(insert(RateEvent).values(bucket=bucket[:80], at=now))
        return count

    def count(self, bucket: str, window: timedelta, now: datetime) -> int:
        statement = select(func.count(RateEvent.id)).where(
            RateEvent.bucket == bucket[:80], RateEvent.at > now - window, RateEvent.at <= now
        )
        return int(self.session.execute(statement).scalar_one())

    def oldest(self, bucket: str, window: timedelta, now: datetime) -> datetime | None:
        statement = select(func.min(RateEvent.at)).where(
            RateEvent.bucket == bucket[:80], RateEvent.at > now - window, RateEvent.at <= now
        )
        return self.session.execute(statement).scalar_one()


class RedisCounters:
    """Counters as Redis sorted sets (score = event time), one key per bucket."""

    def __init__(self, client: object) -> None:
        self.client = client
        self._warned_at = 0.0

    def _key(self, bucket: str) -> str:
        return REDIS_KEY_PREFIX + bucket[:80]

    def hit(self, bucket: str, window: timedelta, now: datetime) -> int:
        score = now.timestamp()
        key = self._key(bucket)
        try:
            pipe = self.client.pipeline(transaction=True)
            pipe.zremrangebyscore(key, "-inf", score - window.total_seconds())
            pipe.zadd(key, {f"{score:.6f}:{secrets.token_hex(6)}": score})
            pipe.zcount(key, f"({score - window.total_seconds()}", score)
            pipe.expire(key, int(window.total_seconds()) + 60)
            return int(pipe.execute()[2])
        except Exception as error:  # redis.RedisError, OSError: fail open
            self._warn(error)
            return 0

    def count(self, bucket: str, window: timedelta, now: datetime) -> int:
        score = now.timestamp()
        try:
            return int(self.client.zcount(self._key(bucket), f"({score - window.total_seconds()}", score))
        except Exception as error:
            self._warn(error)
            return 0

    def oldest(self, bucket: str, window: timedelta, now: datetime) -> datetime | None:
        score = now.timestamp()
        try:
            found = self.client.zrangebyscore(
                self._key(bucket),
                f"({score - window.total_seconds()}",
                score,
                start=0,
                num=1,
                withscores=True,
            )
        except Exception as error:
            self._warn(error)
            return None
        if not found:
            return None
        return datetime.fromtimestamp(found[0][1], tz=now.tzinfo)

    def _warn(self, error: BaseException) -> None:
        if time.monotonic() - self._warned_at >= WARN_EVERY_S:
            self._warned_at = time.monotonic()
            log.warning(
                "rate counters: Redis unavailable (%s); limits are open until it returns",
                type(error).__name__,
            )


_lock = threading.Lock()
_redis: dict[str, RedisCounters] = {}


def redis_counters(url: str) -> RedisCounters:
    """The Redis counters for ``redis://[:password@]host:port/db`` (one client per URL)."""
    with _lock:
        counters = _redis.get(url)
        if counters is None:
            import redis  # the production profile's client (already a Rasa dependency)

            parts = urlsplit(url)
            if parts.scheme not in ("redis", "rediss"):
                raise ValueError(f"RATE_LIMIT_URL must be redis://host:port/db, not {parts.scheme}://")
            client = redis.Redis(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 6379,
                db=int(parts.path.lstrip("/") or 0),
                password=parts.password,
                ssl=parts.scheme == "rediss",
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
            )
            counters = _redis[url] = RedisCounters(client)
        return counters


def counters_for(session: Session, rate_limit_url: str) -> Counters:
    """Redis counters when ``rate_limit_url`` is set, else the database's."""
    if rate_limit_url.strip():
        return redis_counters(rate_limit_url.strip())
    return DatabaseCounters(session)
