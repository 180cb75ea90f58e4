"""Rate limits shared by every Rasa and action-server instance (issue 9, item 4).

What is limited (defaults in :mod:`bot.config`, each an environment variable):

* messages of one requester: ``RATE_MESSAGES_PER_MINUTE`` (20) —
  :func:`note_message`, called once per user turn by the dialogue engine;
* wrong verification answers of one requester over all codes:
  ``RATE_SENDER_FAILURES_PER_HOUR`` (6);
* wrong answers from one client network (IPv4 address, IPv6 /64):
  ``RATE_NETWORK_FAILURES_PER_HOUR`` (30);
* wrong answers from everyone: ``RATE_GLOBAL_FAILURES_PER_5MIN`` (200): verification
  pauses for all (an attack on the whole base), operators are alerted far earlier
  (``ALERT_GLOBAL_FAILURES_PER_5MIN``, 30).

:func:`failure_block` says whether a requester may try an answer now;
:mod:`bot.services.verification` asks it before checking an answer and calls
:func:`record_failure` after a wrong one. The counts live in the database or in
Redis (:mod:`bot.db.counters`); buckets hold hashes, never sender ids or addresses.

The client network is a server fact: a channel that knows the client's address puts
:func:`network_key` of it in the message metadata under :data:`NETWORK_METADATA_KEY`
(a client-sent value never passes the channels' metadata allowlist), and
:func:`bot.services.verification.requester_for` carries it in ``Requester.network``.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import clock
from bot.config import load_settings
from bot.db.uow import UnitOfWork
from bot.services import security_alerts
from bot.services.security_alerts import AlertKind

if TYPE_CHECKING:  # verification imports this module
    from bot.services.verification import Requester

log = logging.getLogger(__name__)

NETWORK_METADATA_KEY = "client_network"
MESSAGE_WINDOW = timedelta(minutes=1)
FAILURE_WINDOW = timedelta(hours=1)
GLOBAL_WINDOW = timedelta(minutes=5)


class LimitScope(enum.StrEnum):
    MESSAGES = "messages"  # this requester writes too fast
    SENDER = "sender"  # this requester's wrong answers, all codes
    NETWORK = "network"  # wrong answers from this client network
    GLOBAL = "global"  # wrong answers from everyone


@dataclass(frozen=True)
class Limited:
    """A limit was reached: what, and from when the requester may go on."""

    scope: LimitScope
    retry_at: datetime


@dataclass(frozen=True)
class _Rule:
    bucket: str
    limit: int
    window: timedelta
    scope: LimitScope


# ------------------------------------------------------------------ identities


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:24]


def network_key(address: str | None) -> str | None:
    """The opaque key of a client address: IPv4 as is, IPv6 by its /64 (one customer's
    line), hashed. None for what is not an IP address."""
    try:
        ip = ipaddress.ip_address(str(address or "").strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        network = str(mapped) if mapped else str(ipaddress.IPv6Network((ip, 64), strict=False))
    else:
        network = str(ip)
    return "net:" + _digest(network)


def network_of(metadata: Mapping[str, Any] | None) -> str | None:
    """The network key a channel put in the message metadata (None when absent)."""
    value = metadata.get(NETWORK_METADATA_KEY) if isinstance(metadata, Mapping) else None
    if isinstance(value, str) and value.startswith("net:") and 4 < len(value) <= 40:
        return value
    return None


def _sender_bucket(requester: Requester) -> str:
    return _digest(f"{requester.channel}:{requester.user_id}")


# ---------------------------------------------------------------------- rules


def _failure_rules(requester: Requester) -> list[_Rule]:
    settings = load_settings()
    rules = [
        _Rule(
            f"fail:s:{_sender_bucket(requester)}",
            settings.rate_sender_failures_per_hour,
            FAILURE_WINDOW,
            LimitScope.SENDER,
        ),
        _Rule("fail:g", settings.rate_global_failures_per_5min, GLOBAL_WINDOW, LimitScope.GLOBAL),
    ]
    if requester.network:
        rules.insert(
            1,
            _Rule(
                f"fail:{requester.network}",
                settings.rate_network_failures_per_hour,
                FAILURE_WINDOW,
                LimitScope.NETWORK,
            ),
        )
    return rules


def _blocked(uow: UnitOfWork, rule: _Rule, count: int, now: datetime) -> Limited | None:
    if count < rule.limit:
        return None
    oldest = uow.counters.oldest(rule.bucket, rule.window, now)
    return Limited(rule.scope, (oldest or now) + rule.window)


# -------------------------------------------------------------------- service


def note_message(uow: UnitOfWork, requester: Requester, now: datetime | None = None) -> Limited | None:
    """Count one message of the requester; :class:`Limited` when it is over the rate
    (answer it with :func:`bot.wording.security.rate_limited_text`, nothing else)."""
    now = now or clock.now()
    rule = _Rule(
        f"msg:{_sender_bucket(requester)}",
        load_settings().rate_messages_per_minute,
        MESSAGE_WINDOW,
        LimitScope.MESSAGES,
    )
    count = uow.counters.hit(rule.bucket, rule.window, now)
    if count <= rule.limit:
        return None
    if count == rule.limit + 1:
        log.info("messages limited for a requester of %s", requester.channel)
    oldest = uow.counters.oldest(rule.bucket, rule.window, now)
    return Limited(LimitScope.MESSAGES, (oldest or now) + rule.window)


def failure_block(uow: UnitOfWork, requester: Requester, now: datetime | None = None) -> Limited | None:
    """Whether this requester may not try a verification answer now, and until when."""
    now = now or clock.now()
    for rule in _failure_rules(requester):
        limited = _blocked(uow, rule, uow.counters.count(rule.bucket, rule.window, now), now)
        if limited is not None:
            return limited
    return None


def record_failure(uow: UnitOfWork, requester: Requester, now: datetime | None = None) -> None:
    """Count a wrong answer in every bucket; alert operators on spikes."""
    now = now or clock.now()
    settings = load_settings()
    for rule in _failure_rules(requester):
        count = uow.counters.hit(rule.bucket, rule.window, now)
        if rule.scope is LimitScope.GLOBAL and count >= settings.alert_global_failures_per_5min:
            security_alerts.raise_alert(uow, AlertKind.FAILURE_SPIKE, "global", count, now)
        elif rule.scope is LimitScope.NETWORK and count >= rule.limit:
            security_alerts.raise_alert(uow, AlertKind.NETWORK_LIMITED, requester.network or "?", count, now)
