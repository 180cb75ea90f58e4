"""Is there power at a customer's connection ("bị cắt điện chưa", "sao nhà tôi bị cắt
điện")? Normal, a planned outage under way, an incident on their station, power just
back after an incident, or suspended for unpaid bills.

The supply of one connection is account data: only a requester verified for the code
learns about a suspension for debt (and the bills to pay, and how long reconnection
takes after paying). Anyone else gets the status of the customer's area (their
station): the same answer whether or not the connection is suspended, so nothing is
revealed. :func:`history` tells what happened on the customer's station in a past
month ("còn tháng trước thì sao").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bot import clock
from bot.db.models import Customer, IncidentStatus, SupplyStatus
from bot.db.uow import UnitOfWork
from bot.domain import places
from bot.domain.billing import InvoiceStatus
from bot.domain.periods import Month
from bot.services import verification
from bot.services.billing import invoice_view
from bot.services.outage import under_way_for_station, under_way_for_wards
from bot.services.outage_results import IncidentInfo, PlannedInfo, incident_info
from bot.services.rules import load_rules
from bot.services.verification import Requester, Status

RECENTLY_RESTORED_HOURS = 6


class Supply(enum.StrEnum):
    NORMAL = "normal"
    PLANNED = "planned"  # a planned outage under way
    INCIDENT = "incident"  # an open incident
    RESTORED = "restored"  # an incident restored in the last hours
    SUSPENDED = "suspended"  # for unpaid bills (verified requesters only)


@dataclass(frozen=True)
class Debt:
    bills: int
    overdue: int
    total: Decimal
    notices_sent: int


@dataclass(frozen=True)
class SupplyAnswer:
    state: Supply
    where: str  # "khu vực mã khách hàng PB…" is the wording's; this is the ward label
    code: str | None = None
    verified: bool = False  # a personal answer (account data may be in it)
    identity: Status | None = None  # the requester's status with the code (unverified answers)
    planned: PlannedInfo | None = None
    incident: IncidentInfo | None = None
    restored_at: datetime | None = None
    suspended_at: datetime | None = None
    debt: Debt | None = None  # verified only: bills unpaid today
    reconnection_hours: int = 24
    notices_before_suspension: int = 2
    suspension_warning_hours: int = 24


@dataclass(frozen=True)
class PastOutage:
    kind: str  # planned / incident
    starts_at: datetime | None
    ends_at: datetime | None  # planned end, or restoration
    reason: str


@dataclass(frozen=True)
class SupplyHistory:
    code: str
    month: Month
    where: str
    outages: tuple[PastOutage, ...]  # on the customer's station in that month, oldest first
    verified: bool = False
    suspended_at: datetime | None = None  # verified only: a suspension in that month
    restored_at: datetime | None = None


def _label(customer: Customer) -> str:
    return places.area_of_ward(customer.province, customer.ward).label


def _debt(uow: UnitOfWork, customer: Customer, today: date) -> Debt | None:
    unpaid = [invoice_view(i, today) for i in uow.invoices.unpaid(customer.code, today)]
    if not unpaid:
        return None
    overdue = sum(1 for v in unpaid if v.status is InvoiceStatus.OVERDUE)
    return Debt(len(unpaid), overdue, sum((v.total for v in unpaid), Decimal(0)), customer.notices_sent or 0)


def _station_state(uow: UnitOfWork, customer: Customer, now: datetime) -> dict:
    """The status of the customer's station (or ward): what anyone may be told."""
    station = customer.station
    if station is None:
        planned = under_way_for_wards(uow, customer.province, [customer.ward], now)
        incidents = uow.outages.open_incidents_for_wards(customer.province, [customer.ward])
    else:
        planned = under_way_for_station(uow, station.code, now)
        incidents = uow.outages.open_incidents_for_station(station.code)
    if planned is not None:
        return {
            "state": Supply.PLANNED,
            "planned": PlannedInfo(planned.starts_at, planned.ends_at, planned.reason),
        }
    if incidents:
        return {"state": Supply.INCIDENT, "incident": incident_info(incidents[0])}
    if station is not None:
        restored = uow.outages.restored_on_station_between(
            station.id, now - timedelta(hours=RECENTLY_RESTORED_HOURS), now
        )
        if restored is not None:
            return {
                "state": Supply.RESTORED,
                "incident": incident_info(restored),
                "restored_at": restored.restored_at,
            }
    return {"state": Supply.NORMAL}


def for_customer(
    uow: UnitOfWork, code: str, requester: Requester, now: datetime | None = None
) -> SupplyAnswer | None:
    """The supply of the connection ``code`` (None: no such customer)."""
    now = now or clock.now()
    customer = uow.customers.get(code)
    if customer is None:
        return None
    rules = load_rules().payment
    common = {
        "code": customer.code,
        "where": _label(customer),
        "reconnection_hours": rules.reconnection_hours,
        "notices_before_suspension": rules.notices_before_suspension,
        "suspension_warning_hours": rules.suspension_warning_hours,
    }
    identity = verification.status(uow, customer.code, requester, now)
    if not identity.verified:
        return SupplyAnswer(identity=identity, **common, **_station_state(uow, customer, now))
    debt = _debt(uow, customer, now.date())
    verification.disclose(uow, customer, requester, "supply status")
    if customer.supply_status == SupplyStatus.SUSPENDED.value:
        return SupplyAnswer(
            Supply.SUSPENDED, verified=True, suspended_at=customer.suspended_at, debt=debt, **common
        )
    return SupplyAnswer(verified=True, debt=debt, **common, **_station_state(uow, customer, now))


def for_area(uow: UnitOfWork, area: places.Area, now: datetime | None = None) -> SupplyAnswer:
    """The supply of a place (its wards): planned outages under way, open incidents."""
    now = now or clock.now()
    planned = under_way_for_wards(uow, area.province, area.wards, now)
    if planned is not None:
        info = PlannedInfo(planned.starts_at, planned.ends_at, planned.reason)
        return SupplyAnswer(Supply.PLANNED, area.label, planned=info)
    incidents = uow.outages.open_incidents_for_wards(area.province, area.wards)
    if incidents:
        return SupplyAnswer(Supply.INCIDENT, area.label, incident=incident_info(incidents[0]))
    return SupplyAnswer(Supply.NORMAL, area.label)


def history(
    uow: UnitOfWork, code: str, requester: Requester, month: Month, now: datetime | None = None
) -> SupplyHistory | None:
    """Outages on the customer's station during ``month``; a suspension in it only for a
    verified requester. None: no such customer."""
    now = now or clock.now()
    customer = uow.customers.get(code)
    if customer is None:
        return None
    first = datetime.combine(date(month.year, month.month, 1), time.min, tzinfo=clock.VN_TZ)
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    last = min(datetime.combine(nxt, time.min, tzinfo=clock.VN_TZ) - timedelta(microseconds=1), now)
    outages: list[PastOutage] = []
    station = customer.station
    if station is not None and first <= now:
        for planned in uow.outages.planned_for_station(station.code, first, last):
            outages.append(PastOutage("planned", planned.starts_at, planned.ends_at, planned.reason))
        for incident in uow.outages.incidents(include_restored=True, station_code=station.code, limit=200):
            started = incident.started_at or incident.created_at
            if started is not None and first <= started <= last:
                ended = incident.restored_at if incident.status == IncidentStatus.RESTORED.value else None
                outages.append(PastOutage("incident", started, ended, incident.cause or ""))
    outages.sort(key=lambda o: o.starts_at or first)
    verified = verification.status(uow, customer.code, requester, now).verified
    suspended_at = restored_at = None
    if verified:
        verification.disclose(uow, customer, requester, f"supply history {month.key}")
        if customer.suspended_at is not None and first <= customer.suspended_at <= last:
            suspended_at, restored_at = customer.suspended_at, customer.restored_at
    return SupplyHistory(
        customer.code, month, _label(customer), tuple(outages), verified, suspended_at, restored_at
    )
