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
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.db.models import ChannelOutboxMessage
from bot.db.session import session_scope
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


def retry_delay(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, 2 min ... capped at 30 min."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), timedelta(minutes=30))


def enqueue(
    channel: str, recipient_id: str, body: dict[str, Any], database_url: str | None = None
) -> tuple[int, bool]:
    """Write a message down; returns its id and whether older ones to this recipient still wait
    (then it must wait behind them, to keep the order)."""
    now = real_now()
    with session_scope(database_url) as session:
        waiting = session.execute(
            select(func.count())
            .select_from(ChannelOutboxMessage)
            .where(
                ChannelOutboxMessage.channel == channel,
                ChannelOutboxMessage.recipient_id == recipient_id,
                ChannelOutboxMessage.status == "pending",
            )
        ).scalar_one()
        row = ChannelOutboxMessage(
            channel=channel,
            recipient_id=recipient_id,
            body=json.dumps(body, ensure_ascii=False),
            status="pending",
            attempts=0,
            created_at=now,
            # Claimed by the caller for an immediate attempt unless it must queue.
            next_attempt_at=now + (SEND_LEASE if not waiting else timedelta(0)),
        )
        session.add(row)
        session.flush()
        return row.id, waiting > 0


def mark_sent(message_id: int, platform_message_id: str | None, database_url: str | None = None) -> None:
    with session_scope(database_url) as session:
        session.execute(
            update(ChannelOutboxMessage)
            .where(ChannelOutboxMessage.id == message_id)
            .values(
                status="sent",
                body=None,
                sent_at=real_now(),
                platform_message_id=(platform_message_id or None) and str(platform_message_id)[:128],
                attempts=ChannelOutboxMessage.attempts + 1,
            )
        )


def mark_unsent(message_id: int, error: str, permanent: bool, database_url: str | None = None) -> str:
    """Record a failed attempt; returns the new status (``pending`` to retry, or ``failed``)."""
    with session_scope(database_url) as session:
        row = session.get(ChannelOutboxMessage, message_id)
        if row is None:
            return "failed"
        row.attempts += 1
        row.last_error = error[:300]
        if permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
        else:
            row.next_attempt_at = real_now() + retry_delay(row.attempts)
        return row.status


def claim_due(channel: str, limit: int = 50, database_url: str | None = None) -> list[OutboxMessage]:
    """The next message of each recipient whose time has come, with a lease (compare-and-set).

    Only the oldest pending message of a recipient may go: a newer one waits behind it,
    so a customer never reads the answers out of order.
    """
    now = real_now()
    claimed: list[OutboxMessage] = []
    with session_scope(database_url) as session:
        rows = session.execute(
            select(ChannelOutboxMessage)
            .where(ChannelOutboxMessage.channel == channel, ChannelOutboxMessage.status == "pending")
            .order_by(ChannelOutboxMessage.id)
            .limit(limit * 10)
        ).scalars().all()
        heads: dict[str, ChannelOutboxMessage] = {}
        for row in rows:
            heads.setdefault(row.recipient_id, row)
        for row in sorted(heads.values(), key=lambda r: r.id)[:limit]:
            if row.next_attempt_at > now:
                continue
            changed = session.execute(
                update(ChannelOutboxMessage)
                .where(
                    ChannelOutboxMessage.id == row.id,
                    ChannelOutboxMessage.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=now + SEND_LEASE)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed:
                claimed.append(
                    OutboxMessage(row.id, row.channel, row.recipient_id, json.loads(row.body or "{}"),
                                  row.attempts)
                )
    return claimed


def counts(channel: str, database_url: str | None = None) -> dict[str, int]:
    with session_scope(database_url) as session:
        rows = session.execute(
            select(ChannelOutboxMessage.status, func.count())
            .where(ChannelOutboxMessage.channel == channel)
            .group_by(ChannelOutboxMessage.status)
        ).all()
        return {status: count for status, count in rows}


def failed(channel: str, limit: int = 100, database_url: str | None = None) -> list[dict[str, Any]]:
    """Messages we gave up on, newest first (what an operator looks at)."""
    with session_scope(database_url) as session:
        rows = session.execute(
            select(ChannelOutboxMessage)
            .where(ChannelOutboxMessage.channel == channel, ChannelOutboxMessage.status == "failed")
            .order_by(ChannelOutboxMessage.id.desc())
            .limit(limit)
        ).scalars().all()
        return [
            {"id": r.id, "recipient_id": r.recipient_id, "attempts": r.attempts, "error": r.last_error,
             "created_at": r.created_at}
            for r in rows
        ]


def purge_sent(session: Session, older_than: timedelta) -> int:
    cutoff = real_now() - older_than
    return session.execute(
        delete(ChannelOutboxMessage).where(
            ChannelOutboxMessage.status == "sent", ChannelOutboxMessage.sent_at < cutoff
        )
    ).rowcount


def forget_sent(older_than: timedelta, database_url: str | None = None) -> int:
    with session_scope(database_url) as session:
        return purge_sent(session, older_than)
