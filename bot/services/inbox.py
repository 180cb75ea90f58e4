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
from datetime import timedelta

from bot.db.models import ChannelInboxEvent
from bot.db.uow import UnitOfWork
from bot.services.channel_clock import real_now

PROCESSING_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3
MAX_EVENT_ID = 160
MAX_SENDER_ID = 128
FINAL_STATUSES = ("done", "ignored", "failed")


@dataclass(frozen=True)
class InboxEvent:
    id: int
    channel: str
    event_id: str
    sender_id: str
    kind: str
    text: str | None
    attempts: int


def _event(row: ChannelInboxEvent, attempts: int | None = None) -> InboxEvent:
    return InboxEvent(
        row.id, row.channel, row.event_id, row.sender_id, row.kind, row.text,
        row.attempts if attempts is None else attempts,
    )


def record(
    uow: UnitOfWork, channel: str, event_id: str, sender_id: str, kind: str, text: str | None
) -> InboxEvent | None:
    """Record a new event, claimed for processing by the caller; None if already known."""
    if not event_id or len(event_id) > MAX_EVENT_ID or not sender_id or len(sender_id) > MAX_SENDER_ID:
        raise ValueError("event and sender ids must be 1-160 and 1-128 characters")
    row = uow.channels.record_event(channel, event_id, sender_id, kind, text, real_now())
    return _event(row) if row is not None else None


def is_known(uow: UnitOfWork, channel: str, event_id: str) -> bool:
    return uow.channels.find_event(channel, event_id) is not None


def finish(uow: UnitOfWork, inbox_id: int, status: str, error: str | None = None) -> None:
    """Close an event: ``done``, ``ignored`` or ``failed`` (with a short error, no text)."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"not a final status: {status}")
    uow.channels.finish_event(inbox_id, status, (error or None) and error[:200], real_now())


def reclaim_stale(uow: UnitOfWork, channel: str, limit: int = 20) -> list[InboxEvent]:
    """Events whose processor vanished (lease run out), claimed again for the caller.

    Each is claimed with a compare-and-set, so two sweepers never take the same event.
    After :data:`MAX_ATTEMPTS` an event is marked ``failed`` instead.
    """
    now = real_now()
    claimed: list[InboxEvent] = []
    for row in uow.channels.stale_events(channel, now - PROCESSING_LEASE, limit):
        if row.attempts >= MAX_ATTEMPTS:
            uow.channels.take_event(
                row, now, status="failed", text=None, error="gave up after repeated interruptions"
            )
        elif uow.channels.take_event(row, now, attempts=row.attempts + 1):
            claimed.append(_event(row, attempts=row.attempts + 1))
    return claimed


def counts(uow: UnitOfWork, channel: str) -> dict[str, int]:
    """Events of a channel by status (operators, tests)."""
    return uow.channels.inbox_counts(channel)


def forget_finished(uow: UnitOfWork, older_than: timedelta) -> int:
    """Forget finished events older than ``older_than`` (keep it above the replay window)."""
    return uow.channels.forget_finished_events(real_now() - older_than)
