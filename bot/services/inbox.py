"""The webhook inbox: each platform event is answered once, and none is lost.

A webhook handler records the event under the platform's own id before it answers the
platform. The unique key (channel, event id) makes a retried or replayed delivery a
duplicate, whichever instance receives it and even after a restart. The recording
instance processes the event at once (status ``processing``); if it dies first, the
event stays ``processing`` and :func:`reclaim_stale` hands it to a sweeper once its
lease has run out. The message text is cleared when the event is finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import ChannelInboxEvent
from bot.db.session import session_scope
from bot.services.channel_clock import real_now

PROCESSING_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3
MAX_EVENT_ID = 160
MAX_SENDER_ID = 128


@dataclass(frozen=True)
class InboxEvent:
    id: int
    channel: str
    event_id: str
    sender_id: str
    kind: str
    text: str | None
    attempts: int


def _event(row: ChannelInboxEvent) -> InboxEvent:
    return InboxEvent(row.id, row.channel, row.event_id, row.sender_id, row.kind, row.text, row.attempts)


def record(
    channel: str, event_id: str, sender_id: str, kind: str, text: str | None, database_url: str | None = None
) -> InboxEvent | None:
    """Record a new event, claimed for processing by the caller; None if already known."""
    if not event_id or len(event_id) > MAX_EVENT_ID or not sender_id or len(sender_id) > MAX_SENDER_ID:
        raise ValueError("event and sender ids must be 1-160 and 1-128 characters")
    now = real_now()
    try:
        with session_scope(database_url) as session:
            row = ChannelInboxEvent(
                channel=channel,
                event_id=event_id,
                sender_id=sender_id,
                kind=kind,
                text=text,
                status="processing",
                attempts=1,
                received_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return _event(row)
    except IntegrityError:
        return None


def is_known(channel: str, event_id: str, database_url: str | None = None) -> bool:
    with session_scope(database_url) as session:
        found = session.execute(
            select(ChannelInboxEvent.id).where(
                ChannelInboxEvent.channel == channel, ChannelInboxEvent.event_id == event_id
            )
        ).first()
        return found is not None


def finish(event_id: int, status: str, error: str | None = None, database_url: str | None = None) -> None:
    """Close an event: ``done``, ``ignored`` or ``failed`` (with a short error, no text)."""
    if status not in ("done", "ignored", "failed"):
        raise ValueError(f"not a final status: {status}")
    with session_scope(database_url) as session:
        session.execute(
            update(ChannelInboxEvent)
            .where(ChannelInboxEvent.id == event_id)
            .values(status=status, text=None, error=(error or None) and error[:200], updated_at=real_now())
        )


def reclaim_stale(channel: str, limit: int = 20, database_url: str | None = None) -> list[InboxEvent]:
    """Events whose processor vanished (lease run out), claimed again for the caller.

    Each row is claimed with a compare-and-set on its ``updated_at``, so two sweepers
    never take the same event. After :data:`MAX_ATTEMPTS` an event is marked ``failed``.
    """
    now = real_now()
    claimed: list[InboxEvent] = []
    with session_scope(database_url) as session:
        rows = session.execute(
            select(ChannelInboxEvent)
            .where(
                ChannelInboxEvent.channel == channel,
                ChannelInboxEvent.status == "processing",
                ChannelInboxEvent.updated_at < now - PROCESSING_LEASE,
            )
            .order_by(ChannelInboxEvent.id)
            .limit(limit)
        ).scalars().all()
        for row in rows:
            give_up = row.attempts >= MAX_ATTEMPTS
            values = (
                {"status": "failed", "text": None, "error": "gave up after repeated interruptions"}
                if give_up
                else {"attempts": row.attempts + 1}
            )
            changed = session.execute(
                update(ChannelInboxEvent)
                .where(ChannelInboxEvent.id == row.id, ChannelInboxEvent.updated_at == row.updated_at)
                .values(updated_at=now, **values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed and not give_up:
                claimed.append(
                    InboxEvent(row.id, row.channel, row.event_id, row.sender_id, row.kind, row.text,
                               row.attempts + 1)
                )
    return claimed


def counts(channel: str, database_url: str | None = None) -> dict[str, int]:
    """Events of a channel by status (operators, tests)."""
    from sqlalchemy import func

    with session_scope(database_url) as session:
        rows = session.execute(
            select(ChannelInboxEvent.status, func.count())
            .where(ChannelInboxEvent.channel == channel)
            .group_by(ChannelInboxEvent.status)
        ).all()
        return {status: count for status, count in rows}


def purge(session: Session, older_than: timedelta) -> int:
    """Forget finished events older than ``older_than`` (keep it above the replay window)."""
    cutoff: datetime = real_now() - older_than
    return session.execute(
        delete(ChannelInboxEvent).where(
            ChannelInboxEvent.status.in_(("done", "ignored", "failed")),
            ChannelInboxEvent.updated_at < cutoff,
        )
    ).rowcount


def forget_finished(older_than: timedelta, database_url: str | None = None) -> int:
    with session_scope(database_url) as session:
        return purge(session, older_than)
