"""When power comes back (ask_restore_time).

For a ticket number: that ticket (and the incident it belongs to). For a customer:
their supply suspended for debt; a planned outage under way on their station (its
end); an open incident on their station (its expected restoration); their open outage
ticket; an incident on their station restored in the last hours. For a place: a
planned outage under way or open incidents in its wards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import (
    Incident,
    IncidentStatus,
    Station,
    SupplyStatus,
    Ticket,
    TicketKind,
    incident_stations,
)
from bot.domain import places
from bot.services.outage import under_way_for_station, under_way_for_wards
from bot.services.outage_reports import (
    OPEN_TICKET_STATES,
    IncidentInfo,
    PlannedInfo,
    TicketInfo,
    incident_info,
    ticket_info,
)

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
    where: str = ""  # the place asked about, for "nothing known in ..."


def for_ticket(session: Session, number: str, now: datetime | None = None) -> RestoreStatus:
    now = now or clock.now()
    ticket = queries.get_ticket(session, number)
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


def for_customer(session: Session, code: str, now: datetime | None = None) -> RestoreStatus | None:
    """None when the code is not a customer's."""
    now = now or clock.now()
    customer = queries.get_customer(session, code)
    if customer is None:
        return None
    if customer.supply_status == SupplyStatus.SUSPENDED.value:
        return RestoreStatus(Status.SUSPENDED, suspended_at=customer.suspended_at)
    station = customer.station
    if station is None:
        return for_area(session, places.area_of_ward(customer.province, customer.ward), now)
    planned = under_way_for_station(session, station.code, now)
    if planned is not None:
        return RestoreStatus(
            Status.PLANNED, planned=PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        )
    incidents = queries.open_incidents_for_station(session, station.code)
    if incidents:
        return RestoreStatus(Status.INCIDENT, incident=incident_info(incidents[0]))
    ticket = _recent_outage_ticket(session, customer.code, now)
    if ticket is not None:
        return for_ticket(session, ticket.number, now)
    restored = _recently_restored(session, station, now)
    if restored is not None:
        return RestoreStatus(
            Status.RESTORED, incident=incident_info(restored), restored_at=restored.restored_at
        )
    return RestoreStatus(Status.NOTHING, where=f"khu vực mã khách hàng {customer.code}")


def for_area(session: Session, area: places.Area, now: datetime | None = None) -> RestoreStatus:
    now = now or clock.now()
    planned = under_way_for_wards(session, area.province, area.wards, now)
    if planned is not None:
        info = PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        return RestoreStatus(Status.PLANNED, planned=info, where=area.label)
    incidents = queries.open_incidents_for_wards(session, area.province, area.wards)
    if incidents:
        return RestoreStatus(
            Status.INCIDENT, incident=incident_info(_latest_expected(incidents)), where=area.label
        )
    return RestoreStatus(Status.NOTHING, where=area.label)


def _latest_expected(incidents: list[Incident]) -> Incident:
    """Of several incidents in a place, the one expected to last longest (the cautious answer)."""
    far = datetime.max.replace(tzinfo=clock.VN_TZ)
    return max(incidents, key=lambda i: i.expected_restoration_at or far)


def _recent_outage_ticket(session: Session, code: str, now: datetime) -> Ticket | None:
    statement = (
        select(Ticket)
        .where(
            Ticket.customer_code == code,
            Ticket.kind == TicketKind.OUTAGE.value,
            Ticket.created_at >= now - timedelta(hours=RECENT_TICKET_HOURS),
        )
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return session.execute(statement).scalars().first()


def _recently_restored(session: Session, station: Station, now: datetime) -> Incident | None:
    statement = (
        select(Incident)
        .join(incident_stations, incident_stations.c.incident_id == Incident.id)
        .where(
            incident_stations.c.station_id == station.id,
            Incident.status == IncidentStatus.RESTORED.value,
            Incident.restored_at >= now - timedelta(hours=RECENTLY_RESTORED_HOURS),
            Incident.restored_at <= now,
        )
        .order_by(Incident.restored_at.desc())
        .limit(1)
    )
    return session.execute(statement).scalars().first()
