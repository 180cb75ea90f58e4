"""Supervisors' figures of the desk: waiting, active, callbacks, average wait and handling
time today, ratings, who is online; and the canned replies of an agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.config import load_settings
from bot.db.models import HandoffStatus, TicketPriority
from bot.db.uow import UnitOfWork
from bot.services import desk_auth
from bot.services.desk_auth import AgentInfo
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


def desk_stats(uow: UnitOfWork, now: datetime | None = None) -> DeskStats:
    now = now or clock.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = uow.handoffs.count_by_status(
        (HandoffStatus.WAITING.value, HandoffStatus.ACTIVE.value, HandoffStatus.CALLBACK.value)
    )
    closed = uow.handoffs.closed_since(midnight)
    scores = uow.handoffs.scores_since(midnight)
    return DeskStats(
        waiting=counts.get(HandoffStatus.WAITING.value, 0),
        urgent_waiting=uow.handoffs.count_waiting_with_priority(int(TicketPriority.URGENT)),
        active=counts.get(HandoffStatus.ACTIVE.value, 0),
        callbacks_pending=counts.get(HandoffStatus.CALLBACK.value, 0),
        average_wait=_mean(uow.handoffs.waits_taken_since(midnight)),
        average_handling=_mean([c - t for t, c in closed if t is not None and c >= t]),
        closed_today=len(closed),
        average_rating=round(sum(scores) / len(scores), 2) if scores else None,
        ratings_today=len(scores),
        online=desk_auth.online_agents(uow, now),
    )


def canned_replies(agent_name: str) -> list[tuple[str, str]]:
    """(title, text) of the configured canned replies, for this agent."""
    hotline = load_settings().hotline  # the desk shows one number; replies to customers name both
    return [(r.title, r.text.format(agent=agent_name, hotline=hotline)) for r in load_config().canned_replies]
