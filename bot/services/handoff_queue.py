"""The queue of the handoff service: what agents see (waiting in serving order, active,
callbacks), each one's position, the recent handling time, the estimated wait, and why
agents cannot take a chat now (so a callback is offered instead)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import Handoff, HandoffStatus
from bot.db.uow import UnitOfWork
from bot.services import desk_auth
from bot.services.handoff_config import DeskConfig, working_hours
from bot.services.handoff_summary import HandoffSummary

RECENT_DAYS = 7


class CallbackReason(enum.StrEnum):
    OUT_OF_HOURS = "out_of_hours"
    NOBODY_ONLINE = "nobody_online"
    LONG_WAIT = "long_wait"
    CHANNEL = "channel"  # the channel cannot receive an agent's messages


def queue_position(uow: UnitOfWork, handoff: Handoff) -> int:
    """1 + the waiting handoffs served before this one (priority, then time queued, then id)."""
    return uow.handoffs.waiting_ahead_of(handoff) + 1


def average_handling(uow: UnitOfWork, config: DeskConfig, now: datetime) -> timedelta:
    """Mean time from taken to closed of the recent handoffs (the configured default without any)."""
    rows = uow.handoffs.recent_handling(now - timedelta(days=RECENT_DAYS), config.recent_handled)
    spans = [(closed - taken).total_seconds() for taken, closed in rows if closed >= taken]
    if not spans:
        return timedelta(minutes=config.default_handling_minutes)
    return timedelta(seconds=sum(spans) / len(spans))


def estimate_wait(uow: UnitOfWork, position: int, config: DeskConfig, now: datetime) -> timedelta:
    """(position × average handling time) / agents online, in whole minutes, at least one."""
    handling = average_handling(uow, config, now).total_seconds()
    online = max(1, desk_auth.online_count(uow, now))
    return timedelta(minutes=max(1, math.ceil(position * handling / online / 60)))


def callback_reason(
    uow: UnitOfWork, channel: str, config: DeskConfig, now: datetime
) -> tuple[CallbackReason | None, datetime | None]:
    """Why agents cannot take a chat now (and when the desk opens next), or (None, None)."""
    hours = working_hours(uow, config)
    if not hours.is_open(now):
        return CallbackReason.OUT_OF_HOURS, hours.next_opening(now)
    if channel not in config.live_channels:
        return CallbackReason.CHANNEL, None
    if desk_auth.online_count(uow, now) == 0:
        return CallbackReason.NOBODY_ONLINE, None
    return None, None


# ---------------------------------------------------------------- what agents see


@dataclass(frozen=True)
class QueueItem:
    id: int
    conversation_id: str
    channel: str
    customer_code: str | None
    verified: bool
    reason: str
    priority: int
    status: str
    queued_at: datetime | None
    waited: timedelta
    agent_id: int | None
    agent_name: str | None
    last_customer_text: str | None
    intents: list[str]


@dataclass(frozen=True)
class CallbackItem:
    handoff_id: int
    customer_code: str | None
    reason: str
    priority: int
    phone: str | None  # None: the customer has not given a number yet
    window_start: datetime | None
    window_end: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class QueueSnapshot:
    waiting: list[QueueItem]
    active: list[QueueItem]
    callbacks: list[CallbackItem]


def _queue_item(handoff: Handoff, now: datetime, last: dict[int, str]) -> QueueItem:
    summary = HandoffSummary.from_json(handoff.summary)
    started = handoff.queued_at or handoff.created_at
    fallback = next((m["text"] for m in reversed(summary.last_messages) if m["speaker"] == "customer"), None)
    return QueueItem(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        customer_code=handoff.customer_code,
        verified=bool(handoff.verified),
        reason=handoff.reason,
        priority=handoff.priority,
        status=handoff.status,
        queued_at=handoff.queued_at,
        waited=max(timedelta(0), now - started),
        agent_id=handoff.assigned_agent_id,
        agent_name=handoff.agent.display_name if handoff.agent is not None else None,
        last_customer_text=last.get(handoff.id, fallback),
        intents=summary.intents[:3],
    )


def callback_item(handoff: Handoff) -> CallbackItem:
    callback = handoff.callback
    return CallbackItem(
        handoff_id=handoff.id,
        customer_code=handoff.customer_code,
        reason=handoff.reason,
        priority=handoff.priority,
        phone=callback.phone if callback is not None else None,
        window_start=callback.window_start if callback is not None else None,
        window_end=callback.window_end if callback is not None else None,
        created_at=handoff.created_at,
    )


def queue_snapshot(uow: UnitOfWork, now: datetime | None = None) -> QueueSnapshot:
    """Waiting handoffs in serving order (priority, then waiting time), active ones, callbacks."""
    now = now or clock.now()
    rows = uow.handoffs.in_queue()
    last = uow.handoffs.last_customer_texts(h.id for h in rows)
    items = [_queue_item(h, now, last) for h in rows]
    ordered = sorted(
        (callback_item(h) for h in uow.handoffs.with_callbacks()),
        key=lambda c: (c.window_start is None, c.window_start or c.created_at, c.priority),
    )
    return QueueSnapshot(
        waiting=[i for i in items if i.status == HandoffStatus.WAITING.value],
        active=[i for i in items if i.status == HandoffStatus.ACTIVE.value],
        callbacks=ordered,
    )


def pending_callbacks(uow: UnitOfWork) -> list[CallbackItem]:
    """Callbacks arranged (a number and a window), soonest first."""
    items = [callback_item(h) for h in uow.handoffs.with_callbacks(only_arranged=True)]
    return sorted(items, key=lambda c: c.window_start)
