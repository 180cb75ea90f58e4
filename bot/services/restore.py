"""When power comes back (ask_restore_time).

For a ticket number: that ticket (and the incident it belongs to), when the requester
may see it (:mod:`bot.services.ticket_access`: they opened it, or are verified for
its customer); otherwise the same answer as for a number that does not exist. For a
customer code: a planned outage under way on their station (its end); an open
incident on their station (its expected restoration); an incident on their station
restored in the last hours — facts of the area, told to anyone. Account facts only
to a requester verified for the code: their supply suspended for debt, their own open
outage ticket (or one this requester opened). For a place: a planned outage under
way or open incidents in its wards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import Incident, IncidentStatus, Station, SupplyStatus, Ticket, TicketKind
from bot.db.repositories.tickets import OPEN_STATES as OPEN_TICKET_STATES
from bot.db.uow import UnitOfWork
from bot.domain import places
from bot.services import ticket_access, verification
from bot.services.outage import under_way_for_station, under_way_for_wards
from bot.services.outage_results import IncidentInfo, PlannedInfo, TicketInfo, incident_info, ticket_info
from bot.services.verification import Requester

RECENT_TICKET_HOURS = 24
RECENTLY_RESTORED_HOURS = 6


class Status(enum.StrEnum):
    SUSPENDED = "suspended"
    PLANNED = "planned"
    INCIDENT = "incident"  # open, with or without an expected time
    RESTORED = "restored"  # the incident (or the ticket's incident) is over
    TICKET = "ticket"  # an open ticket, no incident behind it
    TICKET_CLOSED = "ticket_closed"
    NOTHING = "nothing"  # nothing known here
    UNKNOWN_TICKET = "unknown_ticket"


@dataclass(frozen=True)
class RestoreStatus:
    status: Status
    suspended_at: datetime | None = None
    planned: PlannedInfo | None = None
    incident: IncidentInfo | None = None
    restored_at: datetime | None = None
    ticket: TicketInfo | None = None
    # What was asked about, for "nothing known in ...": a customer's code or a place.
    customer_code: str | None = None
    area_label: str | None = None
    # Asked by customer code: whether account facts (suspension, own tickets) were
    # checked, i.e. the requester is verified for the code. When not, a "nothing
    # known" answer says how to have them checked.
    account_checked: bool = False


def for_ticket(
    uow: UnitOfWork, number: str, requester: Requester | None = None, now: datetime | None = None
) -> RestoreStatus:
    """The ticket's status, when the requester may see it; else UNKNOWN_TICKET."""
    now = now or clock.now()
    ticket = ticket_access.find(uow, number, requester)
    if ticket is None:
        return RestoreStatus(Status.UNKNOWN_TICKET)
    info = ticket_info(ticket)
    incident = ticket.incident
    if incident is not None:
        if incident.status == IncidentStatus.RESTORED.value:
            return RestoreStatus(
                Status.RESTORED,
                incident=incident_info(incident),
                restored_at=incident.restored_at,
                ticket=info,
            )
        return RestoreStatus(Status.INCIDENT, incident=incident_info(incident), ticket=info)
    if ticket.status in OPEN_TICKET_STATES:
        return RestoreStatus(Status.TICKET, ticket=info)
    return RestoreStatus(Status.TICKET_CLOSED, ticket=info)


def for_customer(
    uow: UnitOfWork, code: str, requester: Requester | None = None, now: datetime | None = None
) -> RestoreStatus | None:
    """None when the code is not a customer's. Account facts only when ``requester``
    is verified for the code (module docstring)."""
    now = now or clock.now()
    customer = uow.customers.get(code)
    if customer is None:
        return None
    verified = requester is not None and verification.status(uow, customer.code, requester, now).verified
    if verified and customer.supply_status == SupplyStatus.SUSPENDED.value:
        return RestoreStatus(Status.SUSPENDED, suspended_at=customer.suspended_at, account_checked=True)
    station = customer.station
    if station is None:
        area = for_area(uow, places.area_of_ward(customer.province, customer.ward), now)
        return replace(area, account_checked=verified)
    planned = under_way_for_station(uow, station.code, now)
    if planned is not None:
        return RestoreStatus(
            Status.PLANNED, planned=PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        )
    incidents = uow.outages.open_incidents_for_station(station.code)
    if incidents:
        return RestoreStatus(Status.INCIDENT, incident=incident_info(incidents[0]))
    ticket = _recent_outage_ticket(uow, customer.code, now)
    if ticket is not None and (verified or ticket_access.opened_by(ticket, requester)):
        return for_ticket(uow, ticket.number, requester, now)
    restored = _recently_restored(uow, station, now)
    if restored is not None:
        return RestoreStatus(
            Status.RESTORED, incident=incident_info(restored), restored_at=restored.restored_at
        )
    return RestoreStatus(Status.NOTHING, customer_code=customer.code, account_checked=verified)


def for_area(uow: UnitOfWork, area: places.Area, now: datetime | None = None) -> RestoreStatus:
    now = now or clock.now()
    planned = under_way_for_wards(uow, area.province, area.wards, now)
    if planned is not None:
        info = PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        return RestoreStatus(Status.PLANNED, planned=info, area_label=area.label)
    incidents = uow.outages.open_incidents_for_wards(area.province, area.wards)
    if incidents:
        return RestoreStatus(
            Status.INCIDENT, incident=incident_info(_latest_expected(incidents)), area_label=area.label
        )
    return RestoreStatus(Status.NOTHING, area_label=area.label)


def _latest_expected(incidents: list[Incident]) -> Incident:
    """Of several incidents in a place, the one expected to last longest (the cautious answer)."""
    far = datetime.max.replace(tzinfo=clock.VN_TZ)
    return max(incidents, key=lambda i: i.expected_restoration_at or far)


def _recent_outage_ticket(uow: UnitOfWork, code: str, now: datetime) -> Ticket | None:
    return uow.tickets.latest_of_customer(
        code, TicketKind.OUTAGE, since=now - timedelta(hours=RECENT_TICKET_HOURS)
    )


def _recently_restored(uow: UnitOfWork, station: Station, now: datetime) -> Incident | None:
    return uow.outages.restored_on_station_between(
        station.id, now - timedelta(hours=RECENTLY_RESTORED_HOURS), now
    )
