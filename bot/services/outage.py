"""Planned outages (lịch ngừng cung cấp điện) for a customer's station or for a place.

Schedules are public: no verification. A customer known by code is matched by the
transformer station that feeds them (by their ward if the station is not known); a
place by its current ward(s). The range comes from the ``date`` / ``period`` entity
values of the NLU (docs/nlu.md), kept relative there and resolved here with the
clock; without one it is the next 7 days. A range says how it was asked
(:class:`RangeKind`); :mod:`bot.wording.outage` names it ("ngày mai", "tuần sau").
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import clock
from bot.db.models import Customer, OutageStatus, PlannedOutage
from bot.db.uow import UnitOfWork
from bot.domain import places
from bot.services import verification

DEFAULT_DAYS = 7
MAX_DAYS = 62  # a longer range is cut (two months is already a long list)
PAST_YEAR_SLACK = timedelta(days=60)  # "5/1" asked in November is next January


# -------------------------------------------------------------------- date ranges


class RangeKind(enum.StrEnum):
    """How a range was asked, so it can be named back the same way."""

    NEXT_DAYS = "next_days"  # the default: ``offset`` days from today
    RELATIVE_DAY = "relative_day"  # today + ``offset`` days ("ngày mai")
    WEEK = "week"  # this week + ``offset`` weeks ("tuần sau")
    WEEKDAY = "weekday"  # a named day of the week ("thứ Bảy")
    RELATIVE_MONTH = "relative_month"  # this month + ``offset`` months ("tháng sau")
    MONTH = "month"  # a month by number ("tháng 12")
    DATES = "dates"  # plain dates, nothing to name


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive
    kind: RangeKind = RangeKind.DATES
    offset: int = 0  # see RangeKind

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, end 23:59:59.999999] in Vietnam time."""
        return (
            datetime.combine(self.start, time.min, tzinfo=clock.VN_TZ),
            datetime.combine(self.end, time.max, tzinfo=clock.VN_TZ),
        )


def next_days(today: date, days: int = DEFAULT_DAYS) -> DateRange:
    return DateRange(today, today + timedelta(days=days - 1), RangeKind.NEXT_DAYS, days)


def resolve_range(values: Iterable[str] | str | None, today: date | None = None) -> DateRange:
    """The range named by ``date`` / ``period`` entity values (several: from the first
    day of any to the last day of any); the next 7 days when there is none or none
    makes sense."""
    today = today or clock.today()
    if isinstance(values, str):
        values = [values]
    ranges = [r for r in (_one_range(str(v), today) for v in values or ()) if r is not None]
    if not ranges:
        return next_days(today)
    if len(ranges) == 1:
        found = ranges[0]
    else:
        found = DateRange(min(r.start for r in ranges), max(r.end for r in ranges))
    if found.days > MAX_DAYS:
        found = DateRange(found.start, found.start + timedelta(days=MAX_DAYS - 1), found.kind, found.offset)
    return found


def _one_range(value: str, today: date) -> DateRange | None:
    value = value.strip().lower()
    try:
        if m := re.fullmatch(r"relative_day:([+-]?\d{1,3})", value):
            offset = int(m.group(1))
            day = today + timedelta(days=offset)
            return DateRange(day, day, RangeKind.RELATIVE_DAY, offset)
        if m := re.fullmatch(r"week:([+-]?\d{1,2})", value):
            return _week(today, int(m.group(1)))
        if m := re.fullmatch(r"weekday:([1-7])(?:,week:([+-]?\d{1,2}))?", value):
            return _weekday(today, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        if m := re.fullmatch(r"day:(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?)?", value):
            return _day(today, int(m.group(1)), m.group(2), m.group(3))
        if m := re.fullmatch(r"relative:([+-]?\d{1,2})", value):
            offset = int(m.group(1))
            year, month = _shift_month(today.year, today.month, offset)
            return _month(today, year, month, RangeKind.RELATIVE_MONTH, offset)
        if m := re.fullmatch(r"month:(\d{1,2})", value):
            month = int(m.group(1))
            year = (
                today.year
                if date(today.year, month, 1) >= today.replace(day=1) - PAST_YEAR_SLACK
                else today.year + 1
            )
            return _month(today, year, month)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return _month(today, int(m.group(1)), int(m.group(2)))
    except ValueError:  # 31/2, month 13...
        return None
    return None


def _week(today: date, offset: int) -> DateRange:
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    sunday = monday + timedelta(days=6)
    start = max(monday, today) if offset == 0 else monday  # this week: what is left of it
    return DateRange(start, sunday, RangeKind.WEEK, offset)


def _weekday(today: date, weekday: int, week: int | None) -> DateRange:
    target = weekday - 1  # 1 = Monday ... 7 = Sunday
    if week is None:
        day = today + timedelta(days=(target - today.weekday()) % 7)
    else:
        day = today - timedelta(days=today.weekday()) + timedelta(weeks=week, days=target)
    return DateRange(day, day, RangeKind.WEEKDAY)


def _day(today: date, day: int, month: str | None, year: str | None) -> DateRange:
    if year:
        found = date(int(year), int(month or 0), day)
    elif month:
        found = date(today.year, int(month), day)
        if found < today - PAST_YEAR_SLACK:
            found = date(today.year + 1, int(month), day)
    else:
        year_, month_ = today.year, today.month
        if day < today.day:  # "ngày 5" asked on the 27th: next month's 5th
            year_, month_ = _shift_month(year_, month_, 1)
        found = date(year_, month_, day)
    return DateRange(found, found)


def _month(
    today: date, year: int, month: int, kind: RangeKind = RangeKind.MONTH, offset: int = 0
) -> DateRange:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    if first <= today <= last:
        first = today  # this month: what is left of it
    return DateRange(first, last, kind, offset)


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


# ---------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class OutageItem:
    code: str
    starts_at: datetime
    ends_at: datetime
    area: str
    reason: str
    under_way: bool


@dataclass(frozen=True)
class Schedule:
    range: DateRange
    items: tuple[OutageItem, ...]
    customer_code: str | None = None  # asked for a customer's station...
    area_label: str | None = None  # ...or for a place ("Phường Tân An, Thành phố Cần Thơ")


def as_item(outage: PlannedOutage, now: datetime | None = None) -> OutageItem:
    now = now or clock.now()
    return OutageItem(
        code=outage.code,
        starts_at=outage.starts_at,
        ends_at=outage.ends_at,
        area=outage.area or "",
        reason=outage.reason,
        under_way=outage.starts_at <= now < outage.ends_at and outage.status == OutageStatus.SCHEDULED.value,
    )


def _items(outages: Iterable[PlannedOutage]) -> tuple[OutageItem, ...]:
    now = clock.now()
    return tuple(as_item(o, now) for o in outages if o.status != OutageStatus.CANCELLED.value)


def schedule_for_customer(uow: UnitOfWork, customer: Customer, dates: DateRange) -> Schedule:
    """Planned outages cutting the customer's station (their ward when the station is unknown)."""
    start, end = dates.bounds()
    if customer.station is not None:
        outages = uow.outages.planned_for_station(customer.station.code, start, end)
    else:
        outages = uow.outages.planned_for_wards(customer.province, [customer.ward], start, end)
    return Schedule(dates, _items(outages), customer_code=customer.code)


def schedule_for_code(uow: UnitOfWork, code: str, dates: DateRange) -> Schedule | None:
    """:func:`schedule_for_customer` by customer code; None when no customer has it."""
    customer = uow.customers.get(code)
    return schedule_for_customer(uow, customer, dates) if customer is not None else None


def schedule_for_area(uow: UnitOfWork, area: places.Area, dates: DateRange) -> Schedule:
    """Planned outages announced for any ward of the area."""
    start, end = dates.bounds()
    outages = uow.outages.planned_for_wards(area.province, area.wards, start, end)
    return Schedule(dates, _items(outages), area_label=area.label)


def under_way_for_station(uow: UnitOfWork, station_code: str, now: datetime) -> PlannedOutage | None:
    """A planned outage cutting this station right now (not cancelled, not ended early)."""
    return _first_scheduled(uow.outages.planned_for_station(station_code, now, now))


def under_way_for_wards(
    uow: UnitOfWork, province: str, wards: Iterable[str], now: datetime
) -> PlannedOutage | None:
    return _first_scheduled(uow.outages.planned_for_wards(province, list(wards), now, now))


def _first_scheduled(outages: list[PlannedOutage]) -> PlannedOutage | None:
    return next((o for o in outages if o.status == OutageStatus.SCHEDULED.value), None)


# ------------------------------------------------------------------ known customers


def known_code(uow: UnitOfWork, requester: verification.Requester) -> str | None:
    """The one customer code this requester is linked or verified to (Zalo, Messenger, a
    signed web user, or this conversation's verification), if there is exactly one."""
    codes = verification.verified_codes(uow, requester)
    return codes[0] if len(codes) == 1 else None
