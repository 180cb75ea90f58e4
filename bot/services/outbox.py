"""The outbox: every message to a platform is written down before it is sent.

A message is ``pending`` until the platform accepts it (``sent``: the body is cleared,
the platform's message id kept) or we give up (``failed``: body and error kept for the
operator). A sender that cannot deliver now leaves it ``pending`` with the time of the
next attempt; a sweeper (:func:`claim_due`) retries with backoff, in order per
recipient, across restarts and instances.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db.models import ChannelOutboxMessage
from bot.db.uow import UnitOfWork
from bot.services.channel_clock import real_now

SEND_LEASE = timedelta(minutes=2)  # a claimed message is not claimed again before this
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=15)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    channel: str
    recipient_id: str
    body: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class FailedMessage:
    id: int
    recipient_id: str
    attempts: int
    error: str | None
    created_at: datetime


def retry_delay(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, 2 min ... capped at 30 min."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), timedelta(minutes=30))


def enqueue(uow: UnitOfWork, channel: str, recipient_id: str, body: dict[str, Any]) -> tuple[int, bool]:
    """Write a message down; its id, and whether older ones to this recipient still wait
    (then it waits behind them, to keep the order)."""
    now = real_now()
    waiting = uow.channels.pending_for(channel, recipient_id) > 0
    row = uow.channels.add_message(
        ChannelOutboxMessage(
            channel=channel,
            recipient_id=recipient_id,
            body=json.dumps(body, ensure_ascii=False),
            status="pending",
            attempts=0,
            created_at=now,
            # Leased to the caller for an immediate attempt, unless it must queue.
            next_attempt_at=now if waiting else now + SEND_LEASE,
        )
    )
    return row.id, waiting


def mark_sent(uow: UnitOfWork, message_id: int, platform_message_id: str | None) -> None:
    row = uow.channels.message(message_id)
    if row is None:
        return
    row.status = "sent"
    row.body = None
    row.sent_at = real_now()
    row.attempts += 1
    row.platform_message_id = str(platform_message_id)[:128] if platform_message_id else None


def mark_unsent(uow: UnitOfWork, message_id: int, error: str, permanent: bool) -> str:
    """Record a failed attempt; the new status (``pending`` to retry, or ``failed``)."""
    row = uow.channels.message(message_id)
    if row is None:
        return "failed"
    row.attempts += 1
    row.last_error = error[:300]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.next_attempt_at = real_now() + retry_delay(row.attempts)
    return row.status


def claim_due(uow: UnitOfWork, channel: str, limit: int = 50) -> list[OutboxMessage]:
    """The next message of each recipient whose time has come, leased to the caller.

    Only the oldest pending message of a recipient may go: a newer one waits behind it,
    so a customer never reads the answers out of order.
    """
    now = real_now()
    heads: dict[str, ChannelOutboxMessage] = {}
    for row in uow.channels.pending_messages(channel, limit * 10):
        heads.setdefault(row.recipient_id, row)
    claimed = []
    for row in sorted(heads.values(), key=lambda r: r.id)[:limit]:
        if row.next_attempt_at <= now and uow.channels.lease_message(row, now + SEND_LEASE):
            body = json.loads(row.body or "{}")
            claimed.append(OutboxMessage(row.id, row.channel, row.recipient_id, body, row.attempts))
    return claimed


def counts(uow: UnitOfWork, channel: str) -> dict[str, int]:
    return uow.channels.outbox_counts(channel)


def failed(uow: UnitOfWork, channel: str, limit: int = 100) -> list[FailedMessage]:
    """Messages we gave up on, newest first (what an operator looks at)."""
    return [
        FailedMessage(r.id, r.recipient_id, r.attempts, r.last_error, r.created_at)
        for r in uow.channels.failed_messages(channel, limit)
    ]


def forget_sent(uow: UnitOfWork, older_than: timedelta) -> int:
    return uow.channels.forget_sent_messages(real_now() - older_than)
