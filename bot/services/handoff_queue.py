"""Queue arithmetic of the handoff service: position, recent handling time, estimated wait,
and why agents cannot take a chat now (so a callback is offered instead)."""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Handoff, HandoffStatus
from bot.services import desk_auth
from bot.services.handoff_config import DeskConfig, working_hours

RECENT_DAYS = 7


class CallbackReason(enum.StrEnum):
    OUT_OF_HOURS = "out_of_hours"
    NOBODY_ONLINE = "nobody_online"
    LONG_WAIT = "long_wait"
    CHANNEL = "channel"  # the channel cannot receive an agent's messages


def queue_position(session: Session, handoff: Handoff) -> int:
    """1 + the waiting handoffs served before this one (priority, then time queued, then id)."""
    ahead = session.execute(
        select(Handoff.id).where(
            Handoff.status == HandoffStatus.WAITING.value,
            Handoff.id != handoff.id,
            or_(
                Handoff.priority < handoff.priority,
                and_(
                    Handoff.priority == handoff.priority,
                    or_(
                        Handoff.queued_at < handoff.queued_at,
                        and_(Handoff.queued_at == handoff.queued_at, Handoff.id < handoff.id),
                    ),
                ),
            ),
        )
    ).all()
    return len(ahead) + 1


def average_handling(session: Session, config: DeskConfig, now: datetime) -> timedelta:
    """Mean time from taken to closed of the recent handoffs (the configured default without any)."""
    rows = session.execute(
        select(Handoff.taken_at, Handoff.closed_at)
        .where(
            Handoff.status == HandoffStatus.CLOSED.value,
            Handoff.taken_at.is_not(None),
            Handoff.closed_at >= now - timedelta(days=RECENT_DAYS),
        )
        .order_by(Handoff.closed_at.desc())
        .limit(config.recent_handled)
    ).all()
    spans = [(closed - taken).total_seconds() for taken, closed in rows if closed >= taken]
    if not spans:
        return timedelta(minutes=config.default_handling_minutes)
    return timedelta(seconds=sum(spans) / len(spans))


def estimate_wait(session: Session, position: int, config: DeskConfig, now: datetime) -> timedelta:
    """(position × average handling time) / agents online, in whole minutes, at least one."""
    handling = average_handling(session, config, now).total_seconds()
    online = max(1, desk_auth.online_count(session, now))
    return timedelta(minutes=max(1, math.ceil(position * handling / online / 60)))


def callback_reason(
    session: Session, channel: str, config: DeskConfig, now: datetime
) -> tuple[CallbackReason | None, datetime | None]:
    """Why agents cannot take a chat now (and when the desk opens next), or (None, None)."""
    hours = working_hours(session, config)
    if not hours.is_open(now):
        return CallbackReason.OUT_OF_HOURS, hours.next_opening(now)
    if channel not in config.live_channels:
        return CallbackReason.CHANNEL, None
    if desk_auth.online_count(session, now) == 0:
        return CallbackReason.NOBODY_ONLINE, None
    return None, None
