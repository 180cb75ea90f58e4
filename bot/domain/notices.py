"""When outage notices go out, and which a platform lets us send (pure rules, no data).

Planned outages (DOMAIN.md "Outages"): customers must be told at least 5 days ahead.
The first notice is sent ``lead_days`` (default 7, never less than 5) before the day of
the outage, at ``send_at`` (08:00; a day earlier when that would leave less than 5 days
before the start); an outage created later than that is announced at once. A reminder
goes the day before at ``send_at``, unless the first notice itself is that late.
Corrections (a cancelled or moved outage) go at once. Notices about planned work that
fall due in the quiet hours (21:00–07:00 by default) wait for the morning, unless the
outage starts too soon for that. Incidents and restorations are news about the
customer's supply right now: they go at once, day or night.

Platforms: Zalo lets an Official Account send consultation messages ("tin tư vấn") only
within 48 hours after the user's last interaction with the OA, at most 8 of them per
interaction (the count starts again when the user writes); Messenger allows messages
within 24 hours of the user's last message (``messaging_type`` UPDATE), later only with
a message tag. What a platform does not allow is refused with a reason, never sent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MIN_LEAD_DAYS = 5  # what the rules require for planned outages
SOON_MARGIN = timedelta(hours=2)  # an outage starting within this after the quiet hours: send now


class NoticeKind(enum.StrEnum):
    PLANNED = "planned"  # a planned outage is announced
    REMINDER = "reminder"  # the day before
    MOVED = "moved"  # correction: new times (or a new area)
    CANCELLED = "cancelled"  # correction: the outage will not happen (here)
    INCIDENT = "incident"  # an emergency outage hit the area
    RESTORED = "restored"  # power is back after an incident


PLANNED_KINDS = frozenset({NoticeKind.PLANNED, NoticeKind.REMINDER, NoticeKind.MOVED, NoticeKind.CANCELLED})
INCIDENT_KINDS = frozenset({NoticeKind.INCIDENT, NoticeKind.RESTORED})
# What the customer believes about a planned outage comes from these notices.
TELLING_KINDS = frozenset({NoticeKind.PLANNED, NoticeKind.REMINDER, NoticeKind.MOVED})


@dataclass(frozen=True)
class Timing:
    lead_days: int = 7
    send_at: time = time(8, 0)
    quiet_start: time | None = time(21, 0)  # None: no quiet hours
    quiet_end: time | None = time(7, 0)

    def __post_init__(self) -> None:
        if self.lead_days < MIN_LEAD_DAYS:
            object.__setattr__(self, "lead_days", MIN_LEAD_DAYS)


def _at(day: date, moment: time, like: datetime) -> datetime:
    return datetime.combine(day, moment, tzinfo=like.tzinfo)


def in_quiet_hours(moment: datetime, timing: Timing) -> bool:
    start, end = timing.quiet_start, timing.quiet_end
    if start is None or end is None or start == end:
        return False
    now = moment.timetz().replace(tzinfo=None)
    return (start <= now or now < end) if start > end else (start <= now < end)


def after_quiet_hours(moment: datetime, starts_at: datetime, timing: Timing) -> datetime:
    """``moment``, or the end of the quiet hours it falls in when the outage starting at
    ``starts_at`` leaves time for that (a message at 23:00 about work at 05:00 goes now)."""
    if not in_quiet_hours(moment, timing) or timing.quiet_end is None:
        return moment
    morning = _at(moment.date(), timing.quiet_end, moment)
    if morning <= moment:
        morning = _at(moment.date() + timedelta(days=1), timing.quiet_end, moment)
    return morning if morning + SOON_MARGIN <= starts_at else moment


def first_notice_due(starts_at: datetime, now: datetime, timing: Timing) -> datetime:
    """When subscribers first hear of a planned outage starting at ``starts_at``."""
    planned = _at(starts_at.date() - timedelta(days=timing.lead_days), timing.send_at, starts_at)
    if starts_at - planned < timedelta(days=MIN_LEAD_DAYS):  # work before send_at: a day earlier
        planned -= timedelta(days=1)
    if planned >= now:
        return planned
    return after_quiet_hours(now, starts_at, timing)


def reminder_due(starts_at: datetime, first_due: datetime, timing: Timing) -> datetime | None:
    """The day before at ``send_at``; None when the first notice is not earlier than that
    (an outage created the day before is announced once)."""
    day_before = _at(starts_at.date() - timedelta(days=1), timing.send_at, starts_at)
    due = after_quiet_hours(day_before, starts_at, timing)
    return due if first_due < due < starts_at else None


def correction_due(starts_at: datetime, now: datetime, timing: Timing) -> datetime:
    """A cancelled or moved outage is corrected at once (quiet hours permitting)."""
    return after_quiet_hours(now, starts_at, timing)


def is_late(first_due: datetime, starts_at: datetime) -> bool:
    """Announced with less than the 5 days the rules require (created too late)."""
    return starts_at - first_due < timedelta(days=MIN_LEAD_DAYS)


def expired(kind: NoticeKind, now: datetime, starts_at: datetime | None, ends_at: datetime | None) -> bool:
    """A notice that would only confuse if it went now."""
    if kind is NoticeKind.REMINDER:
        return starts_at is not None and now >= starts_at
    if kind in (NoticeKind.PLANNED, NoticeKind.MOVED):
        return ends_at is not None and now >= ends_at
    if kind is NoticeKind.CANCELLED:
        return starts_at is not None and now >= starts_at  # the cancelled times
    if kind is NoticeKind.RESTORED:
        return ends_at is not None and now - ends_at > timedelta(hours=24)
    return False


# ------------------------------------------------------------------- platform windows


class Refusal(enum.StrEnum):
    ZALO_WINDOW_CLOSED = "zalo_window_closed"
    ZALO_WINDOW_FULL = "zalo_window_full"
    FACEBOOK_WINDOW_CLOSED = "facebook_window_closed"
    CHANNEL_CANNOT_PUSH = "channel_cannot_push"


REFUSAL_REASONS = {
    Refusal.ZALO_WINDOW_CLOSED: (
        "Zalo: no interaction with the OA in the last {hours} h; consultation messages are "
        "allowed only within that window"
    ),
    Refusal.ZALO_WINDOW_FULL: (
        "Zalo: {count} messages already sent since the user's last interaction (at most {limit})"
    ),
    Refusal.FACEBOOK_WINDOW_CLOSED: (
        "Messenger: the user's last message is older than 24 h and no message tag is configured "
        "(NOTICE_FACEBOOK_TAG)"
    ),
    Refusal.CHANNEL_CANNOT_PUSH: "the {channel} channel cannot receive messages the user did not ask for",
}

FACEBOOK_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Window:
    """What a platform allows for one more message to a user."""

    refusal: Refusal | None = None
    reason: str = ""
    messaging_type: str | None = None  # Messenger: UPDATE or MESSAGE_TAG
    tag: str | None = None


def zalo_window(
    last_interaction: datetime | None,
    sent_since: int,
    now: datetime,
    window_hours: int = 48,
    max_per_window: int = 8,
) -> Window:
    """May the OA send one more consultation message to this user now?"""
    if window_hours <= 0:
        return Window()
    if last_interaction is None or now - last_interaction > timedelta(hours=window_hours):
        return Window(
            Refusal.ZALO_WINDOW_CLOSED,
            REFUSAL_REASONS[Refusal.ZALO_WINDOW_CLOSED].format(hours=window_hours),
        )
    if max_per_window > 0 and sent_since >= max_per_window:
        return Window(
            Refusal.ZALO_WINDOW_FULL,
            REFUSAL_REASONS[Refusal.ZALO_WINDOW_FULL].format(count=sent_since, limit=max_per_window),
        )
    return Window()


def facebook_window(last_message: datetime | None, now: datetime, tag: str = "") -> Window:
    """UPDATE within 24 h of the user's last message; MESSAGE_TAG with ``tag`` later."""
    if last_message is not None and now - last_message <= FACEBOOK_WINDOW:
        return Window(messaging_type="UPDATE")
    if tag:
        return Window(messaging_type="MESSAGE_TAG", tag=tag)
    return Window(Refusal.FACEBOOK_WINDOW_CLOSED, REFUSAL_REASONS[Refusal.FACEBOOK_WINDOW_CLOSED])


def cannot_push(channel: str) -> Window:
    return Window(
        Refusal.CHANNEL_CANNOT_PUSH, REFUSAL_REASONS[Refusal.CHANNEL_CANNOT_PUSH].format(channel=channel)
    )


# -------------------------------------------------------------------------- retries


def retry_delay(attempts: int, first: timedelta = timedelta(seconds=30)) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most 30 min between tries."""
    return min(first * (2 ** max(attempts - 1, 0)), timedelta(minutes=30))
