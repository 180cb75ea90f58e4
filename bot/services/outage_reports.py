"""A customer's "no power" report: what is already known, then what to record.

The checks, in order (DOMAIN.md "Supply status", "Outages"):

1. the customer's own supply suspended for unpaid bills -> say so, how to restore;
2. a planned outage under way on their station (or ward) -> its end time;
3. an open incident on their station (a place: its wards) -> known, its expected
   restoration; the report is linked to it, no duplicate is opened;
4. the same case already reported (an open ticket of this customer or conversation)
   -> its number again, no second ticket;
5. "only my house" -> check the breaker first; still dark -> a ticket for that house;
6. otherwise a new outage ticket with a number to quote. Reports of several customers
   on one station within a short window (``OUTAGE_GROUP_WINDOW_MIN``, 30 min by default)
   become one incident for the operators: the second report opens the incident, links
   the first report and its ticket to it, and later reports find it at step 3.

:func:`assess` runs checks 1-4 without writing (the report form uses it to skip
questions it no longer needs); :func:`submit` runs them again and records.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import (
    Customer,
    Incident,
    IncidentStatus,
    IncidentWard,
    OutageReport,
    PlannedOutage,
    Station,
    SupplyStatus,
    Ticket,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from bot.domain import places
from bot.services.outage import under_way_for_station, under_way_for_wards

DEFAULT_GROUP_WINDOW_MIN = 30
DUPLICATE_TICKET_HOURS = 12  # an open outage ticket this recent is "already reported"
OPEN_TICKET_STATES = (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)
DETAILS_MAX_CHARS = 500


def group_window() -> timedelta:
    """How close in time reports on one station must be to become one incident."""
    raw = os.environ.get("OUTAGE_GROUP_WINDOW_MIN", "").strip()
    minutes = int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_GROUP_WINDOW_MIN
    return timedelta(minutes=minutes)


class Scope(enum.StrEnum):
    HOUSE = "house"  # only this house
    AREA = "area"  # the street, the neighbourhood


class Breaker(enum.StrEnum):
    STILL_DARK = "still_dark"  # breaker checked, still no power
    BACK = "back"  # power back after resetting the breaker


class Verdict(enum.StrEnum):
    SUSPENDED = "suspended"
    PLANNED = "planned"
    INCIDENT = "incident"
    REPORTED = "reported"  # already reported: an open ticket
    NONE = "none"  # nothing known: ask scope, breaker, since, then record


class Outcome(enum.StrEnum):
    SUSPENDED = "suspended"
    PLANNED = "planned"
    INCIDENT = "incident"  # linked to a known incident (or was already)
    REPORTED = "reported"
    BREAKER_OK = "breaker_ok"  # power came back after the breaker: nothing recorded
    TICKET = "ticket"  # a new ticket
    GROUPED = "grouped"  # this report and earlier ones became one incident


@dataclass(frozen=True)
class Target:
    """Who reports: a customer (by code) or a place (one or more current wards)."""

    customer_code: str | None = None
    area: places.Area | None = None


@dataclass(frozen=True)
class IncidentInfo:
    code: str
    cause: str
    started_at: datetime | None
    expected_restoration_at: datetime | None
    from_reports: bool  # opened from customers' reports (no cause known yet)


@dataclass(frozen=True)
class PlannedInfo:
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class TicketInfo:
    number: str
    created_at: datetime
    status: str


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    suspended_at: datetime | None = None
    planned: PlannedInfo | None = None
    incident: IncidentInfo | None = None
    ticket: TicketInfo | None = None


@dataclass(frozen=True)
class Report:
    target: Target
    channel: str
    scope: Scope | None = None
    breaker: Breaker | None = None
    since: str | None = None  # as the customer said it, for the operators
    previous_ticket: str | None = None  # a ticket this conversation already opened


@dataclass(frozen=True)
class ReportResult:
    outcome: Outcome
    assessment: Assessment
    ticket: TicketInfo | None = None
    incident: IncidentInfo | None = None
    already_linked: bool = False  # the customer had already reported this incident


class UnknownCustomer(LookupError):
    """The customer code is not in the data (the form checks codes before this)."""


# -------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Where:
    customer: Customer | None
    station: Station | None
    province: str | None
    wards: tuple[str, ...]
    place_label: str | None


def _where(session: Session, target: Target) -> _Where:
    if target.customer_code:
        customer = queries.get_customer(session, target.customer_code)
        if customer is None:
            raise UnknownCustomer(target.customer_code)
        return _Where(customer, customer.station, customer.province, (customer.ward,), None)
    if target.area is None:
        raise ValueError("a report needs a customer code or a place")
    area = target.area
    return _Where(None, None, area.province, area.wards, area.label)


def assess(
    session: Session, target: Target, previous_ticket: str | None = None, now: datetime | None = None
) -> Assessment:
    """Checks 1-4 of the module docstring, without writing anything."""
    now = now or clock.now()
    return _assess(session, _where(session, target), previous_ticket, now)


def _assess(session: Session, where: _Where, previous_ticket: str | None, now: datetime) -> Assessment:
    customer = where.customer
    if customer is not None and customer.supply_status == SupplyStatus.SUSPENDED.value:
        return Assessment(Verdict.SUSPENDED, suspended_at=customer.suspended_at)
    planned = _planned_under_way(session, where, now)
    if planned is not None:
        return Assessment(
            Verdict.PLANNED, planned=PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        )
    incident = _open_incident(session, where)
    if incident is not None:
        return Assessment(Verdict.INCIDENT, incident=incident_info(incident))
    ticket = _open_ticket(session, where, previous_ticket, now)
    if ticket is not None:
        return Assessment(Verdict.REPORTED, ticket=ticket_info(ticket))
    return Assessment(Verdict.NONE)


def _planned_under_way(session: Session, where: _Where, now: datetime) -> PlannedOutage | None:
    if where.station is not None:
        return under_way_for_station(session, where.station.code, now)
    if where.province and where.wards:
        return under_way_for_wards(session, where.province, where.wards, now)
    return None


def _open_incident(session: Session, where: _Where) -> Incident | None:
    if where.station is not None:  # a known customer: by the station that feeds them
        incidents = queries.open_incidents_for_station(session, where.station.code)
    elif where.province and where.wards:
        incidents = queries.open_incidents_for_wards(session, where.province, where.wards)
    else:
        incidents = []
    return incidents[0] if incidents else None


def _open_ticket(
    session: Session, where: _Where, previous_ticket: str | None, now: datetime
) -> Ticket | None:
    since = now - timedelta(hours=DUPLICATE_TICKET_HOURS)
    if previous_ticket:
        ticket = queries.get_ticket(session, previous_ticket)
        if (
            ticket is not None
            and ticket.kind == TicketKind.OUTAGE.value
            and ticket.status in OPEN_TICKET_STATES
            and ticket.created_at >= since
            and (where.customer is None or ticket.customer_code in (None, where.customer.code))
        ):
            return ticket
    if where.customer is None:
        return None
    statement = (
        select(Ticket)
        .where(
            Ticket.customer_code == where.customer.code,
            Ticket.kind == TicketKind.OUTAGE.value,
            Ticket.status.in_(OPEN_TICKET_STATES),
            Ticket.created_at >= since,
        )
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return session.execute(statement).scalars().first()


def incident_info(incident: Incident) -> IncidentInfo:
    return IncidentInfo(
        code=incident.code,
        cause=incident.cause or "",
        started_at=incident.started_at,
        expected_restoration_at=incident.expected_restoration_at,
        from_reports=incident.code.startswith(REPORTS_INCIDENT_PREFIX),
    )


def ticket_info(ticket: Ticket) -> TicketInfo:
    return TicketInfo(ticket.number, ticket.created_at, ticket.status)


# ------------------------------------------------------------------------ recording


REPORTS_INCIDENT_PREFIX = "BC"  # incidents opened from customers' reports: BC + ticket digits
REPORTS_INCIDENT_CAUSE = "Nhiều khách hàng cùng báo mất điện, đang kiểm tra nguyên nhân"


def submit(session: Session, report: Report, now: datetime | None = None) -> ReportResult:
    """Run the checks again and record the report as the module docstring says."""
    now = now or clock.now()
    where = _where(session, report.target)
    assessment = _assess(session, where, report.previous_ticket, now)
    if assessment.verdict == Verdict.SUSPENDED:
        return ReportResult(Outcome.SUSPENDED, assessment)
    if assessment.verdict == Verdict.PLANNED:
        return ReportResult(Outcome.PLANNED, assessment)
    if assessment.verdict == Verdict.INCIDENT:
        incident = _open_incident(session, where)
        assert incident is not None
        linked = _link_to_incident(session, where, report, incident, now)
        return ReportResult(
            Outcome.INCIDENT, assessment, incident=assessment.incident, already_linked=not linked
        )
    if assessment.verdict == Verdict.REPORTED:
        return ReportResult(Outcome.REPORTED, assessment, ticket=assessment.ticket)
    if report.scope == Scope.HOUSE:
        if report.breaker != Breaker.STILL_DARK:
            return ReportResult(Outcome.BREAKER_OK, assessment)
        ticket = _new_ticket(session, where, report, TicketPriority.NORMAL, now)
        _add_report(session, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    return _area_report(session, where, report, assessment, now)


def _area_report(
    session: Session, where: _Where, report: Report, assessment: Assessment, now: datetime
) -> ReportResult:
    key = _group_key(where)
    if key is None:
        ticket = _new_ticket(session, where, report, TicketPriority.HIGH, now)
        _add_report(session, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    _lock(session, where)
    # Another conversation may have opened the incident while we were checking.
    incident = _open_incident(session, where)
    if incident is not None:
        linked = _link_to_incident(session, where, report, incident, now)
        info = incident_info(incident)
        return ReportResult(
            Outcome.INCIDENT,
            Assessment(Verdict.INCIDENT, incident=info),
            incident=info,
            already_linked=not linked,
        )
    earlier = _recent_ungrouped_reports(session, where, now)
    if not earlier:
        ticket = _new_ticket(session, where, report, TicketPriority.HIGH, now)
        _add_report(session, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    incident = _incident_from_reports(session, where, earlier, now)
    _add_report(session, where, report, now, incident_id=incident.id)
    return ReportResult(Outcome.GROUPED, assessment, incident=incident_info(incident))


def _group_key(where: _Where) -> tuple | None:
    if where.station is not None:
        return ("station", where.station.id)
    if where.province and len(where.wards) == 1:
        return ("ward", where.province, where.wards[0])
    return None


def _lock(session: Session, where: _Where) -> None:
    """Serialise reports on one station: a no-op update takes the row lock on PostgreSQL
    and the write lock on SQLite until the transaction ends, so two reports arriving
    together cannot both open a ticket instead of one incident. (Reports by place only
    are not serialised: at worst two of them open two tickets.)"""
    if where.station is not None:
        session.execute(
            update(Station)
            .where(Station.id == where.station.id)
            .values(code=Station.code)
            .execution_options(synchronize_session=False)
        )


def _recent_ungrouped_reports(session: Session, where: _Where, now: datetime) -> list[OutageReport]:
    """Reports in the window that opened a ticket and are not part of an incident yet."""
    conditions = [
        OutageReport.reported_at >= now - group_window(),
        OutageReport.incident_id.is_(None),
        OutageReport.ticket_id.is_not(None),
    ]
    if where.station is not None:
        same = select(Customer.id).where(Customer.station_id == where.station.id)
        conditions.append(OutageReport.customer_id.in_(same))
    else:
        conditions += [
            OutageReport.customer_id.is_(None),
            OutageReport.province == where.province,
            OutageReport.ward == where.wards[0],
        ]
    if where.customer is not None:
        conditions.append(OutageReport.customer_id != where.customer.id)
    statement = select(OutageReport).where(*conditions).order_by(OutageReport.reported_at)
    reports = list(session.execute(statement).scalars())
    # Only area reports group: a "just my house" ticket stays that house's.
    return [r for r in reports if r.ticket is not None and r.ticket.priority == int(TicketPriority.HIGH)]


def _incident_from_reports(
    session: Session, where: _Where, earlier: list[OutageReport], now: datetime
) -> Incident:
    first_ticket = earlier[0].ticket
    incident = Incident(
        code=f"{REPORTS_INCIDENT_PREFIX}{first_ticket.number[2:]}",
        cause=REPORTS_INCIDENT_CAUSE,
        area=where.station.name if where.station is not None else where.place_label,
        status=IncidentStatus.OPEN.value,
        started_at=min(r.reported_at for r in earlier),
        created_at=now,
    )
    if where.station is not None:
        incident.stations.append(where.station)
    if where.province and where.wards:
        incident.wards.append(IncidentWard(province=where.province, ward=where.wards[0]))
    session.add(incident)
    session.flush()
    for earlier_report in earlier:
        earlier_report.incident_id = incident.id
        earlier_report.ticket.incident_id = incident.id
    session.flush()
    return incident


def _link_to_incident(
    session: Session, where: _Where, report: Report, incident: Incident, now: datetime
) -> bool:
    """Add the report to the incident; False when this customer already had."""
    if where.customer is not None:
        statement = select(OutageReport.id).where(
            OutageReport.customer_id == where.customer.id, OutageReport.incident_id == incident.id
        )
        if session.execute(statement).first() is not None:
            return False
    _add_report(session, where, report, now, incident_id=incident.id)
    return True


def _add_report(
    session: Session,
    where: _Where,
    report: Report,
    now: datetime,
    ticket_id: int | None = None,
    incident_id: int | None = None,
) -> OutageReport:
    row = OutageReport(
        customer_id=where.customer.id if where.customer is not None else None,
        province=where.province,
        ward=where.wards[0] if len(where.wards) == 1 else None,
        place=where.place_label,
        channel=report.channel[:20],
        reported_at=now,
        incident_id=incident_id,
        ticket_id=ticket_id,
    )
    session.add(row)
    session.flush()
    return row


def _new_ticket(
    session: Session, where: _Where, report: Report, priority: TicketPriority, now: datetime
) -> Ticket:
    house = report.scope == Scope.HOUSE
    summary = "Mất điện một hộ (đã kiểm tra cầu dao)" if house else "Khách hàng báo mất điện khu vực"
    area = where.place_label or ", ".join(p for p in (*where.wards[:1], where.province) if p)
    details = [
        f"Khu vực: {area}",
        f"Trạm: {where.station.code} ({where.station.name})" if where.station is not None else None,
        f"Mất điện từ: {report.since}" if report.since else None,
        "Phạm vi: chỉ nhà khách hàng" if house else "Phạm vi: cả khu vực / hàng xóm cũng mất",
        f"Báo lúc: {now:%H:%M %d/%m/%Y}",
    ]
    return queries.add_ticket(
        session,
        kind=TicketKind.OUTAGE,
        summary=summary,
        priority=priority,
        customer_code=where.customer.code if where.customer is not None else None,
        channel=report.channel[:20],
        details="\n".join(line for line in details if line)[:DETAILS_MAX_CHARS],
    )
