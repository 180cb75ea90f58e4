"""A customer's "no power" report: what is already known, then what to record.

The checks, in order (DOMAIN.md "Supply status", "Outages"):

1. the customer's own supply suspended for unpaid bills -> say so, how to restore
   (an account fact: only when the requester is verified for the code; otherwise the
   report goes on like any other and the staff see the suspension on the ticket);
2. a planned outage under way on their station (or ward) -> its end time;
3. an open incident on their station (a place: its wards) -> known, its expected
   restoration; the report is linked to it, no duplicate is opened;
4. the same case already reported (an open ticket of this conversation, or of this
   customer when the requester opened it or is verified for the code) -> its number
   again, no second ticket;
5. "only my house" -> check the breaker first; still dark -> a ticket for that house;
6. otherwise a new outage ticket with a number to quote, where the crew goes (the
   address or landmark the customer wrote, or the code's registered address: no ticket
   without one, :class:`bot.services.crew_tickets.MissingLocation`), the number to call
   back and since when (:mod:`bot.services.crew_tickets`). Reports of several customers
   on one station within a short window (``OUTAGE_GROUP_WINDOW_MIN``, 30 min by default)
   become one incident for the operators: the second report opens the incident, links
   the first report and its ticket to it, and later reports find it at step 3.

:func:`assess` runs checks 1-4 without writing (the report form uses it to skip
questions it no longer needs); :func:`submit` runs them again and records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.config import load_settings
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
)
from bot.db.repositories.tickets import OPEN_STATES
from bot.db.uow import UnitOfWork
from bot.services import crew_tickets, outage_results, ticket_access, verification
from bot.services.outage import under_way_for_station, under_way_for_wards
from bot.services.outage_results import (
    Assessment,
    Breaker,
    Outcome,
    PlannedInfo,
    Report,
    ReportResult,
    Scope,
    Target,
    Verdict,
    incident_info,
    ticket_info,
)
from bot.services.verification import Requester

DUPLICATE_TICKET_HOURS = 12  # an open outage ticket this recent is "already reported"
OPEN_TICKET_STATES = OPEN_STATES


def group_window() -> timedelta:
    """How close in time reports on one station must be to become one incident
    (``OUTAGE_GROUP_WINDOW_MIN`` in bot.config, 30 minutes by default)."""
    return timedelta(minutes=load_settings().outage_group_window_min)


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
    verified: bool = False  # the requester is verified for the customer's code
    requester: Requester | None = None


def _where(uow: UnitOfWork, target: Target, requester: Requester | None, now: datetime) -> _Where:
    if target.customer_code:
        customer = uow.customers.get(target.customer_code)
        if customer is None:
            raise UnknownCustomer(target.customer_code)
        verified = requester is not None and verification.status(uow, customer.code, requester, now).verified
        return _Where(
            customer, customer.station, customer.province, (customer.ward,), None, verified, requester
        )
    if target.area is None:
        if target.place:  # an address or landmark in no known ward: recorded as written
            return _Where(None, None, None, (), target.place)
        raise ValueError("a report needs a customer code or a place")
    area = target.area
    return _Where(None, None, area.province, area.wards, area.label)


def assess(
    uow: UnitOfWork,
    target: Target,
    previous_ticket: str | None = None,
    now: datetime | None = None,
    requester: Requester | None = None,
) -> Assessment:
    """Checks 1-4 of the module docstring, without writing anything. The suspension
    (check 1) only for a ``requester`` verified for the code."""
    now = now or clock.now()
    return _assess(uow, _where(uow, target, requester, now), previous_ticket, now)


def _assess(uow: UnitOfWork, where: _Where, previous_ticket: str | None, now: datetime) -> Assessment:
    customer = where.customer
    suspended = customer is not None and customer.supply_status == SupplyStatus.SUSPENDED.value
    if suspended and where.verified:
        return Assessment(Verdict.SUSPENDED, suspended_at=customer.suspended_at)
    planned = _planned_under_way(uow, where, now)
    if planned is not None:
        return Assessment(
            Verdict.PLANNED, planned=PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        )
    incident = _open_incident(uow, where)
    if incident is not None:
        return Assessment(Verdict.INCIDENT, incident=incident_info(incident))
    ticket = _open_ticket(uow, where, previous_ticket, now)
    if ticket is not None:
        return Assessment(Verdict.REPORTED, ticket=ticket_info(ticket))
    return Assessment(Verdict.NONE)


def _planned_under_way(uow: UnitOfWork, where: _Where, now: datetime) -> PlannedOutage | None:
    if where.station is not None:
        return under_way_for_station(uow, where.station.code, now)
    if where.province and where.wards:
        return under_way_for_wards(uow, where.province, where.wards, now)
    return None


def _open_incident(uow: UnitOfWork, where: _Where) -> Incident | None:
    if where.station is not None:  # a known customer: by the station that feeds them
        incidents = uow.outages.open_incidents_for_station(where.station.code)
    elif where.province and where.wards:
        incidents = uow.outages.open_incidents_for_wards(where.province, where.wards)
    else:
        incidents = []
    return incidents[0] if incidents else None


def _open_ticket(uow: UnitOfWork, where: _Where, previous_ticket: str | None, now: datetime) -> Ticket | None:
    since = now - timedelta(hours=DUPLICATE_TICKET_HOURS)
    if previous_ticket:
        ticket = uow.tickets.get(previous_ticket)
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
    ticket = uow.tickets.latest_of_customer(
        where.customer.code, TicketKind.OUTAGE, since=since, states=OPEN_TICKET_STATES
    )
    # The customer's ticket is theirs: told only to its opener or a verified requester
    # (anyone else opens their own report; staff see both on the same customer).
    if ticket is not None and (where.verified or ticket_access.opened_by(ticket, where.requester)):
        return ticket
    return None


# ------------------------------------------------------------------------ recording


REPORTS_INCIDENT_PREFIX = outage_results.REPORTS_INCIDENT_PREFIX
REPORTS_INCIDENT_CAUSE = "Nhiều khách hàng cùng báo mất điện, đang kiểm tra nguyên nhân"


def submit(uow: UnitOfWork, report: Report, now: datetime | None = None) -> ReportResult:
    """Run the checks again and record the report as the module docstring says."""
    now = now or clock.now()
    where = _where(uow, report.target, report.requester, now)
    assessment = _assess(uow, where, report.previous_ticket, now)
    if assessment.verdict == Verdict.SUSPENDED:
        return ReportResult(Outcome.SUSPENDED, assessment)
    if assessment.verdict == Verdict.PLANNED:
        return ReportResult(Outcome.PLANNED, assessment)
    if assessment.verdict == Verdict.INCIDENT:
        incident = _open_incident(uow, where)
        assert incident is not None
        linked = _link_to_incident(uow, where, report, incident, now)
        return ReportResult(
            Outcome.INCIDENT, assessment, incident=assessment.incident, already_linked=not linked
        )
    if assessment.verdict == Verdict.REPORTED:
        return ReportResult(Outcome.REPORTED, assessment, ticket=assessment.ticket)
    if report.scope == Scope.HOUSE:
        if report.breaker != Breaker.STILL_DARK:
            return ReportResult(Outcome.BREAKER_OK, assessment)
        ticket = _new_ticket(uow, where, report, TicketPriority.NORMAL, now)
        _add_report(uow, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    return _area_report(uow, where, report, assessment, now)


def _area_report(
    uow: UnitOfWork, where: _Where, report: Report, assessment: Assessment, now: datetime
) -> ReportResult:
    key = _group_key(where)
    if key is None:
        ticket = _new_ticket(uow, where, report, TicketPriority.HIGH, now)
        _add_report(uow, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    _lock(uow, where)
    # Another conversation may have opened the incident while we were checking.
    incident = _open_incident(uow, where)
    if incident is not None:
        linked = _link_to_incident(uow, where, report, incident, now)
        info = incident_info(incident)
        return ReportResult(
            Outcome.INCIDENT,
            Assessment(Verdict.INCIDENT, incident=info),
            incident=info,
            already_linked=not linked,
        )
    earlier = _recent_ungrouped_reports(uow, where, now)
    if not earlier:
        ticket = _new_ticket(uow, where, report, TicketPriority.HIGH, now)
        _add_report(uow, where, report, now, ticket_id=ticket.id)
        return ReportResult(Outcome.TICKET, assessment, ticket=ticket_info(ticket))
    incident = _incident_from_reports(uow, where, earlier, now)
    _add_report(uow, where, report, now, incident_id=incident.id)
    return ReportResult(Outcome.GROUPED, assessment, incident=incident_info(incident))


def _group_key(where: _Where) -> tuple | None:
    if where.station is not None:
        return ("station", where.station.id)
    if where.province and len(where.wards) == 1:
        return ("ward", where.province, where.wards[0])
    return None


def _lock(uow: UnitOfWork, where: _Where) -> None:
    """Serialise reports on one station: a no-op update takes the row lock on PostgreSQL
    and the write lock on SQLite until the transaction ends, so two reports arriving
    together cannot both open a ticket instead of one incident. (Reports by place only
    are not serialised: at worst two of them open two tickets.)"""
    if where.station is not None:
        uow.outages.lock_station(where.station.id)


def _recent_ungrouped_reports(uow: UnitOfWork, where: _Where, now: datetime) -> list[OutageReport]:
    """Reports in the window that opened a ticket and are not part of an incident yet."""
    reports = uow.outages.ungrouped_reports_since(
        now - group_window(),
        station_id=where.station.id if where.station is not None else None,
        province=where.province,
        ward=where.wards[0] if where.wards else None,
        except_customer_id=where.customer.id if where.customer is not None else None,
    )
    # Only area reports group: a "just my house" ticket stays that house's.
    return [r for r in reports if r.ticket is not None and r.ticket.priority == int(TicketPriority.HIGH)]


def _incident_from_reports(
    uow: UnitOfWork, where: _Where, earlier: list[OutageReport], now: datetime
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
    uow.outages.add_incident(incident)
    for earlier_report in earlier:
        earlier_report.incident_id = incident.id
        earlier_report.ticket.incident_id = incident.id
    uow.flush()
    return incident


def _link_to_incident(
    uow: UnitOfWork, where: _Where, report: Report, incident: Incident, now: datetime
) -> bool:
    """Add the report to the incident; False when this customer already had."""
    if where.customer is not None and uow.outages.has_customer_report(where.customer.id, incident.id):
        return False
    _add_report(uow, where, report, now, incident_id=incident.id)
    return True


def _add_report(
    uow: UnitOfWork,
    where: _Where,
    report: Report,
    now: datetime,
    ticket_id: int | None = None,
    incident_id: int | None = None,
) -> OutageReport:
    return uow.outages.add_report(
        OutageReport(
            customer_id=where.customer.id if where.customer is not None else None,
            province=where.province,
            ward=where.wards[0] if len(where.wards) == 1 else None,
            place=where.place_label,
            channel=report.channel[:20],
            reported_at=now,
            incident_id=incident_id,
            ticket_id=ticket_id,
        )
    )


def _new_ticket(
    uow: UnitOfWork, where: _Where, report: Report, priority: TicketPriority, now: datetime
) -> Ticket:
    house = report.scope == Scope.HOUSE
    summary = "Mất điện một hộ (đã kiểm tra cầu dao)" if house else "Khách hàng báo mất điện khu vực"
    written_only = where.customer is None and not where.wards  # an address in no known ward
    area = (
        None
        if written_only
        else where.place_label or ", ".join(p for p in (*where.wards[:1], where.province) if p)
    )
    since = report.since
    if report.started_at is not None:
        moment = f"{report.started_at:%H:%M %d/%m/%Y}"
        since = f"{since} (khoảng {moment})" if since else moment
    details = [
        f"Khu vực: {area}" if area else None,
        f"Trạm: {where.station.code} ({where.station.name})" if where.station is not None else None,
        f"Mất điện từ: {since}" if since else None,
        "Phạm vi: chỉ nhà khách hàng" if house else "Phạm vi: cả khu vực / hàng xóm cũng mất",
        f"Báo lúc: {now:%H:%M %d/%m/%Y}",
    ]
    return crew_tickets.open_ticket(
        uow,
        kind=TicketKind.OUTAGE,
        priority=priority,
        summary=summary,
        details=details,
        channel=report.channel,
        location=report.location or (where.place_label if written_only else None),
        customer_code=where.customer.code if where.customer is not None else None,
        callback_phone=report.callback_phone,
        started_at=report.started_at,
        requester=report.requester,
    )
