"""Customer offices (ask_office): where to go in person, and whether it is open now.

Found by a customer code (its first 6 characters name the district branch, public
information: no verification needed), by a place (the offices in its wards, then the
branches whose stations feed them, then the province's), or by its branch.
Open or closed is decided with :mod:`bot.clock` (Vietnam time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import clock
from bot.db.models import Office
from bot.db.uow import UnitOfWork
from bot.domain import places
from bot.domain.codes import normalize_code
from bot.domain.hours import HoursError, OpeningHours, OpenStatus, parse_hours

MAX_OFFICES = 3


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str
    address: str  # street part, ward and province
    hours: OpeningHours | None  # None: the stored hours could not be read
    now: OpenStatus | None


@dataclass(frozen=True)
class OfficeAnswer:
    offices: tuple[OfficeInfo, ...]  # nearest first; empty: none known
    where: str  # what was asked about, for the wording
    checked_at: datetime
    by_province: bool = False  # nothing in the place itself: the province's offices


def _info(office: Office, now: datetime) -> OfficeInfo:
    try:
        hours: OpeningHours | None = parse_hours(office.opening_hours)
    except HoursError:
        hours = None
    where = places.area_of_ward(office.province, office.ward).label
    return OfficeInfo(
        office.code,
        office.name,
        f"{office.address}, {where}",
        hours,
        hours.status(now) if hours is not None else None,
    )


def for_code(uow: UnitOfWork, code: str, now: datetime | None = None) -> OfficeAnswer | None:
    """The offices of the customer's district branch (None: no such customer)."""
    now = now or clock.now()
    customer = uow.customers.get(normalize_code(code))
    if customer is None:
        return None
    found = uow.offices.of_unit(customer.managing_unit)
    by_province = False
    if not found:
        found = uow.offices.serving_wards(customer.province, [customer.ward], MAX_OFFICES)
    if not found:
        found, by_province = uow.offices.in_province(customer.province, MAX_OFFICES), True
    return OfficeAnswer(
        tuple(_info(o, now) for o in found[:MAX_OFFICES]),
        f"khu vực mã khách hàng {customer.code}",
        now,
        by_province,
    )


def for_area(uow: UnitOfWork, area: places.Area, now: datetime | None = None) -> OfficeAnswer:
    now = now or clock.now()
    found = [] if area.whole_province else uow.offices.serving_wards(area.province, area.wards, MAX_OFFICES)
    by_province = not found and not area.whole_province
    if not found:
        found = uow.offices.in_province(area.province, MAX_OFFICES)
    return OfficeAnswer(tuple(_info(o, now) for o in found[:MAX_OFFICES]), area.label, now, by_province)
