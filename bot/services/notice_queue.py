"""The pieces every notice synchronisation shares: what it reports, the timing from the
settings, event fingerprints, and the queue of one event's notices (stored at once,
insert-or-ignore on the outbox's unique key)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from bot.config import NoticeSettings
from bot.db.uow import UnitOfWork
from bot.domain.notices import NoticeKind, Timing
from bot.services.channel_clock import real_now
from bot.services.notices import UPCOMING_DAYS

TOLD = ("sent", "sending")  # the customer has (or is getting) this notice

Subscriber = tuple[str, str]  # (channel, conversation id)


@dataclass(frozen=True)
class EventSync:
    """What one event's synchronisation queued."""

    kind: str  # "planned" or "incident"
    ref: str
    version: int
    queued: dict[str, int] = field(default_factory=dict)  # notice kind -> notices queued
    superseded: int = 0
    first_due: datetime | None = None  # planned: when the announcement goes
    reminder_due: datetime | None = None
    late: bool = False  # announced with less than the 5 days the rules require

    @property
    def total(self) -> int:
        return sum(self.queued.values())


@dataclass(frozen=True)
class SyncReport:
    events: tuple[EventSync, ...] = ()

    @property
    def queued(self) -> int:
        return sum(event.total for event in self.events)


def _clock_time(text: str, default: time) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        return default


def timing_from(settings: NoticeSettings) -> Timing:
    quiet = settings.quiet_hours.strip().lower()
    start = end = None
    if quiet and quiet not in ("off", "none", "0") and "-" in quiet:
        first, second = quiet.split("-", 1)
        start, end = _clock_time(first, time(21, 0)), _clock_time(second, time(7, 0))
    return Timing(
        lead_days=min(settings.lead_days, UPCOMING_DAYS),
        send_at=_clock_time(settings.send_at, time(8, 0)),
        quiet_start=start,
        quiet_end=end,
    )


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


class NoticeQueue:
    """Notices of one event being decided; stored together at the end."""

    def __init__(self, ref: str, version: int) -> None:
        self.ref, self.version = ref, version
        self.rows: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()
        self.moment = real_now()

    def add(
        self,
        subscriber: Subscriber,
        code: str,
        kind: NoticeKind,
        due: datetime,
        *,
        area: str | None,
        reason: str | None,
        starts_at: datetime | None,
        ends_at: datetime | None,
        previous: tuple[datetime | None, datetime | None] = (None, None),
        told_in_reply: bool = False,
    ) -> None:
        channel, conversation = subscriber
        self.rows.append(
            {
                "channel": channel,
                "conversation_id": conversation,
                "customer_code": code,
                "kind": kind.value,
                "event_ref": self.ref,
                "version": self.version,
                "status": "sent" if told_in_reply else "pending",
                "due_at": due,
                "area": area,
                "reason": reason,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "previous_starts_at": previous[0],
                "previous_ends_at": previous[1],
                "attempts": 0,
                "next_attempt_at": self.moment,
                "claim_token": None,
                "lease_until": None,
                "last_error": None,
                "platform_message_id": "subscription-reply" if told_in_reply else None,
                "created_at": self.moment,
                "updated_at": self.moment,
                "sent_at": self.moment if told_in_reply else None,
            }
        )
        if not told_in_reply:
            self.counts[kind.value] += 1

    def store(self, uow: UnitOfWork) -> None:
        uow.notices.enqueue(self.rows)


def by_subscriber(matches: list[tuple]) -> dict[Subscriber, tuple[str, datetime]]:
    """One entry per subscriber (their first matching code): one notice per person."""
    found: dict[Subscriber, tuple[str, datetime]] = {}
    for _id, channel, conversation, code, created_at in matches:
        found.setdefault((channel, conversation), (code, created_at))
    return found


