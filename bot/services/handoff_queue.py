"""The queue of the handoff service: what agents see (waiting in serving order, active,
callbacks), each one's position, the recent handling time, the estimated wait, and why
agents cannot take a chat now (so a callback is offered instead)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot import clock
from bot.db.models import Handoff, HandoffCallback, HandoffMessage, HandoffStatus, MessageDirection
from bot.services import desk_auth
from bot.services.handoff_config import DeskConfig, working_hours
from bot.services.handoff_summary import HandoffSummary

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


def _last_customer_texts(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    latest = (
        select(func.max(HandoffMessage.id))
        .where(
            HandoffMessage.handoff_id.in_(ids), HandoffMessage.direction == MessageDirection.CUSTOMER.value
        )
        .group_by(HandoffMessage.handoff_id)
    )
    rows = session.execute(
        select(HandoffMessage.handoff_id, HandoffMessage.text).where(HandoffMessage.id.in_(latest))
    ).all()
    return {handoff_id: text for handoff_id, text in rows}


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


def queue_snapshot(uow: Any, now: datetime | None = None) -> QueueSnapshot:
    """Waiting handoffs in serving order (priority, then waiting time), active ones, callbacks."""
    session = uow if isinstance(uow, Session) else uow.session
    now = now or clock.now()
    rows = (
        session.execute(
            select(Handoff)
            .where(Handoff.status.in_((HandoffStatus.WAITING.value, HandoffStatus.ACTIVE.value)))
            .options(selectinload(Handoff.agent))
            .order_by(Handoff.priority, Handoff.queued_at, Handoff.id)
        )
        .scalars()
        .all()
    )
    last = _last_customer_texts(session, [h.id for h in rows])
    items = [_queue_item(h, now, last) for h in rows]
    callbacks = (
        session.execute(
            select(Handoff)
            .where(Handoff.status == HandoffStatus.CALLBACK.value)
            .options(selectinload(Handoff.callback))
            .order_by(Handoff.priority, Handoff.created_at, Handoff.id)
        )
        .scalars()
        .all()
    )
    ordered = sorted(
        (callback_item(h) for h in callbacks),
        key=lambda c: (c.window_start is None, c.window_start or c.created_at, c.priority),
    )
    return QueueSnapshot(
        waiting=[i for i in items if i.status == HandoffStatus.WAITING.value],
        active=[i for i in items if i.status == HandoffStatus.ACTIVE.value],
        callbacks=ordered,
    )


def pending_callbacks(uow: Any) -> list[CallbackItem]:
    session = uow if isinstance(uow, Session) else uow.session
    rows = session.execute(
        select(Handoff)
        .join(HandoffCallback, HandoffCallback.handoff_id == Handoff.id)
        .where(Handoff.status == HandoffStatus.CALLBACK.value)
        .order_by(HandoffCallback.window_start)
    ).scalars()
    return [callback_item(h) for h in rows]
