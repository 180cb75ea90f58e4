"""Incident updates by supervisors: expected restoration, restored, reopened.

The bot reads incidents straight from the ``incidents`` table (restore times, outage
reports), so an update here is what the next customer reads. Restoring resolves the
tickets linked to the incident; ``python -m bot incident restore`` uses the same rule
(:func:`restore_incident`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot import clock
from bot.db.models import Incident, IncidentStatus, OutageReport, Ticket, TicketStatus
from bot.services.handoff import unit_session


class IncidentError(ValueError):
    """An update refused (unknown incident, time in the past...); the message is Vietnamese."""


@dataclass(frozen=True)
class IncidentLine:
    code: str
    status: str
    cause: str | None
    area: str | None
    started_at: datetime | None
    expected_restoration_at: datetime | None
    restored_at: datetime | None
    stations: list[str]
    reports: int
    open_tickets: int


def restore_incident(session: Session, incident: Incident, at: datetime) -> int:
    """Mark restored at ``at`` and resolve its open tickets; returns how many were resolved."""
    incident.status = IncidentStatus.RESTORED.value
    incident.restored_at = at
    tickets = session.execute(
        select(Ticket).where(
            Ticket.incident_id == incident.id,
            Ticket.status.in_((TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)),
        )
    ).scalars()
    count = 0
    for ticket in tickets:
        ticket.status = TicketStatus.RESOLVED.value
        count += 1
    return count


def _counts(session: Session, model: Any, ids: list[int], *where: Any) -> dict[int, int]:
    if not ids:
        return {}
    statement = (
        select(model.incident_id, func.count(model.id))
        .where(model.incident_id.in_(ids), *where)
        .group_by(model.incident_id)
    )
    return dict(session.execute(statement).all())


def list_incidents(uow: Any, include_restored_since: datetime | None = None) -> list[IncidentLine]:
    """Open incidents (and those restored since the given time), newest first."""
    session = unit_session(uow)
    condition = Incident.status == IncidentStatus.OPEN.value
    if include_restored_since is not None:
        condition = condition | (Incident.restored_at >= include_restored_since)
    incidents = list(
        session.execute(
            select(Incident)
            .where(condition)
            .options(selectinload(Incident.stations))
            .order_by(Incident.created_at.desc())
        ).scalars()
    )
    ids = [i.id for i in incidents]
    reports = _counts(session, OutageReport, ids)
    tickets = _counts(
        session, Ticket, ids, Ticket.status.in_((TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value))
    )
    return [
        IncidentLine(
            code=i.code,
            status=i.status,
            cause=i.cause,
            area=i.area,
            started_at=i.started_at,
            expected_restoration_at=i.expected_restoration_at,
            restored_at=i.restored_at,
            stations=[s.code for s in i.stations],
            reports=reports.get(i.id, 0),
            open_tickets=tickets.get(i.id, 0),
        )
        for i in incidents
    ]


def _incident(session: Session, code: str) -> Incident:
    incident = (
        session.execute(select(Incident).where(Incident.code == (code or "").strip())).scalars().first()
    )
    if incident is None:
        raise IncidentError("Không có sự cố này.")
    return incident


def update_incident(
    uow: Any,
    code: str,
    *,
    expected_restoration_at: datetime | None = None,
    restored: bool = False,
    reopen: bool = False,
    now: datetime | None = None,
) -> tuple[IncidentLine, int]:
    """Set the expected restoration, mark restored (resolving its tickets) or reopen.
    Returns the incident as it now is and how many tickets were resolved."""
    session = unit_session(uow)
    now = now or clock.now()
    incident = _incident(session, code)
    resolved = 0
    if expected_restoration_at is not None:
        if restored:
            raise IncidentError("Sự cố đã có điện lại thì không cần giờ dự kiến.")
        if expected_restoration_at <= now:
            raise IncidentError("Giờ dự kiến có điện phải sau thời điểm hiện tại.")
        incident.expected_restoration_at = expected_restoration_at
    if restored:
        if incident.status == IncidentStatus.RESTORED.value:
            raise IncidentError("Sự cố này đã được đánh dấu có điện lại.")
        resolved = restore_incident(session, incident, now)
    elif reopen:
        incident.status, incident.restored_at = IncidentStatus.OPEN.value, None
    if expected_restoration_at is None and not restored and not reopen:
        raise IncidentError("Chưa có gì để cập nhật.")
    session.flush()
    line = next(
        line for line in list_incidents(session, include_restored_since=now) if line.code == incident.code
    )
    return line, resolved
