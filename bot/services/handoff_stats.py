"""Supervisors' figures of the desk: waiting, active, callbacks, average wait and handling
time today, ratings, who is online; and the canned replies of an agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot import clock
from bot.config import load_settings
from bot.db.models import Handoff, HandoffRating, HandoffStatus
from bot.services import desk_auth
from bot.services.desk_auth import AgentInfo
from bot.services.handoff import unit_session
from bot.services.handoff_config import load_config


@dataclass(frozen=True)
class DeskStats:
    waiting: int
    urgent_waiting: int
    active: int
    callbacks_pending: int
    average_wait: timedelta | None  # queued -> taken, handoffs taken today
    average_handling: timedelta | None  # taken -> closed, closed today
    closed_today: int
    average_rating: float | None  # today
    ratings_today: int
    online: list[AgentInfo]


def _mean(spans: list[timedelta]) -> timedelta | None:
    return sum(spans, timedelta(0)) / len(spans) if spans else None


def desk_stats(uow: Any, now: datetime | None = None) -> DeskStats:
    session = unit_session(uow)
    now = now or clock.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = dict(
        session.execute(
            select(Handoff.status, func.count(Handoff.id))
            .where(Handoff.status.in_(("waiting", "active", "callback")))
            .group_by(Handoff.status)
        ).all()
    )
    urgent = session.execute(
        select(func.count(Handoff.id)).where(Handoff.status == "waiting", Handoff.priority == 1)
    ).scalar_one()
    taken = session.execute(
        select(Handoff.queued_at, Handoff.taken_at).where(
            Handoff.taken_at >= midnight, Handoff.queued_at.is_not(None)
        )
    ).all()
    closed = session.execute(
        select(Handoff.taken_at, Handoff.closed_at).where(
            Handoff.status == HandoffStatus.CLOSED.value, Handoff.closed_at >= midnight
        )
    ).all()
    scores = (
        session.execute(select(HandoffRating.score).where(HandoffRating.created_at >= midnight))
        .scalars()
        .all()
    )
    return DeskStats(
        waiting=int(counts.get("waiting", 0)),
        urgent_waiting=int(urgent),
        active=int(counts.get("active", 0)),
        callbacks_pending=int(counts.get("callback", 0)),
        average_wait=_mean([t - q for q, t in taken if t >= q]),
        average_handling=_mean([c - t for t, c in closed if t is not None and c >= t]),
        closed_today=len(closed),
        average_rating=round(sum(scores) / len(scores), 2) if scores else None,
        ratings_today=len(scores),
        online=desk_auth.online_agents(session, now),
    )


def canned_replies(agent_name: str) -> list[tuple[str, str]]:
    """(title, text) of the configured canned replies, for this agent."""
    hotline = load_settings().hotline
    return [(r.title, r.text.format(agent=agent_name, hotline=hotline)) for r in load_config().canned_replies]
