"""Operators' incidents (unplanned outages): list, show, open, update, restore.

What the bot tells customers follows at once: the expected restoration they read is
the incident's, and restoring an incident resolves the tickets linked to it. Used by
``python -m bot incident`` (:mod:`bot.cli.incident`) and, later, the agent desk.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import clock
from bot.db.models import Incident, IncidentStatus, IncidentWard, TicketStatus
from bot.db.repositories.tickets import OPEN_STATES
from bot.db.uow import UnitOfWork

CODE_PREFIX = "SC"  # incidents opened by operators: SC-yymmdd-NNNN


class IncidentError(LookupError):
    """An operator's request that cannot be done; ``args[0]`` is what was asked."""


class UnknownIncident(IncidentError):
    pass


class UnknownStation(IncidentError):
    pass


class AlreadyRestored(IncidentError):
    def __init__(self, code: str, restored_at: datetime | None) -> None:
        super().__init__(code)
        self.restored_at = restored_at


@dataclass(frozen=True)
class StationRef:
    code: str
    name: str


@dataclass(frozen=True)
class IncidentView:
    code: str
    status: str
    cause: str | None
    area: str | None
    started_at: datetime | None
    expected_restoration_at: datetime | None
    restored_at: datetime | None
    stations: tuple[StationRef, ...]
    wards: tuple[tuple[str, str], ...]  # (ward, province)
    reports: int
    tickets: tuple[tuple[str, str], ...] = ()  # (number, status), shown in detail only


class Change(enum.StrEnum):
    EXPECTED = "expected"
    CAUSE = "cause"
    AREA = "area"
    RESTORED = "restored"
    REOPENED = "reopened"


@dataclass(frozen=True)
class Updated:
    incident: IncidentView
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Restored:
    incident: IncidentView
    tickets_resolved: int


def _view(incident: Incident, reports: int, tickets: Sequence = ()) -> IncidentView:
    return IncidentView(
        code=incident.code,
        status=incident.status,
        cause=incident.cause,
        area=incident.area,
        started_at=incident.started_at,
        expected_restoration_at=incident.expected_restoration_at,
        restored_at=incident.restored_at,
        stations=tuple(StationRef(s.code, s.name) for s in incident.stations),
        wards=tuple((w.ward, w.province) for w in incident.wards),
        reports=reports,
        tickets=tuple((t.number, t.status) for t in tickets),
    )


def _incident(uow: UnitOfWork, code: str) -> Incident:
    incident = uow.outages.incident(code)
    if incident is None:
        raise UnknownIncident(code)
    return incident


def list_incidents(
    uow: UnitOfWork, include_restored: bool = False, station_code: str | None = None, limit: int = 50
) -> list[IncidentView]:
    """Open incidents (all with ``include_restored``), newest first, with report counts."""
    incidents = uow.outages.incidents(include_restored, station_code, limit)
    counts = uow.outages.report_counts([i.id for i in incidents])
    return [_view(i, counts.get(i.id, 0)) for i in incidents]


def incident_detail(uow: UnitOfWork, code: str) -> IncidentView:
    """One incident with its stations, wards, report count and tickets."""
    incident = _incident(uow, code)
    reports = uow.outages.report_counts([incident.id]).get(incident.id, 0)
    return _view(incident, reports, uow.tickets.of_incident(incident.id))


def open_incident(
    uow: UnitOfWork,
    station_codes: Sequence[str],
    cause: str | None = None,
    area: str | None = None,
    started_at: datetime | None = None,
    expected_restoration_at: datetime | None = None,
    now: datetime | None = None,
) -> IncidentView:
    """A new open incident on these stations (and their wards), numbered for today."""
    now = now or clock.now()
    stations = []
    for code in station_codes:
        station = uow.customers.station(code)
        if station is None:
            raise UnknownStation(code)
        stations.append(station)
    incident = Incident(
        code=_next_code(uow, now),
        cause=cause,
        area=area or "; ".join(s.name for s in stations),
        status=IncidentStatus.OPEN.value,
        started_at=started_at or now,
        expected_restoration_at=expected_restoration_at,
        created_at=now,
    )
    incident.stations.extend(stations)
    for province, ward in dict.fromkeys((s.province, s.ward) for s in stations if s.province and s.ward):
        incident.wards.append(IncidentWard(province=province, ward=ward))
    uow.outages.add_incident(incident)
    return _view(incident, 0)


def _next_code(uow: UnitOfWork, now: datetime) -> str:
    prefix = f"{CODE_PREFIX}-{now:%y%m%d}-"
    numbers = [
        int(c[len(prefix) :])
        for c in uow.outages.incident_codes_starting(prefix)
        if c[len(prefix) :].isdecimal()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def update_incident(
    uow: UnitOfWork,
    code: str,
    *,
    expected_restoration_at: datetime | None = None,
    cause: str | None = None,
    area: str | None = None,
    status: IncidentStatus | str | None = None,
    now: datetime | None = None,
) -> Updated:
    """Change what is given; restoring resolves the linked tickets, reopening clears the time."""
    incident = _incident(uow, code)
    now = now or clock.now()
    changes: list[Change] = []
    if expected_restoration_at is not None:
        incident.expected_restoration_at = expected_restoration_at
        changes.append(Change.EXPECTED)
    if cause:
        incident.cause = cause
        changes.append(Change.CAUSE)
    if area:
        incident.area = area
        changes.append(Change.AREA)
    if status == IncidentStatus.RESTORED.value:
        _restore(uow, incident, now)
        changes.append(Change.RESTORED)
    elif status == IncidentStatus.OPEN.value and incident.status != IncidentStatus.OPEN.value:
        incident.status, incident.restored_at = IncidentStatus.OPEN.value, None
        changes.append(Change.REOPENED)
    uow.flush()
    return Updated(incident_detail(uow, incident.code), tuple(changes))


def restore_incident(uow: UnitOfWork, code: str, at: datetime | None = None) -> Restored:
    """Mark the incident restored at ``at`` (default now) and resolve its open tickets."""
    incident = _incident(uow, code)
    if incident.status == IncidentStatus.RESTORED.value:
        raise AlreadyRestored(incident.code, incident.restored_at)
    resolved = _restore(uow, incident, at or clock.now())
    uow.flush()
    return Restored(incident_detail(uow, incident.code), resolved)


def _restore(uow: UnitOfWork, incident: Incident, at: datetime) -> int:
    incident.status = IncidentStatus.RESTORED.value
    incident.restored_at = at
    tickets = uow.tickets.of_incident(incident.id, OPEN_STATES)
    for ticket in tickets:
        ticket.status = TicketStatus.RESOLVED.value
    return len(tickets)
