"""Planned outages (lịch ngừng cung cấp điện) for a customer's station or for a place.

Schedules are public: no verification. A customer known by code is matched by the
transformer station that feeds them (by their ward if the station is not known); a
place by its current ward(s). The range comes from the ``date`` / ``period`` entity
values of the NLU (docs/nlu.md), kept relative there and resolved here with the
clock; without one it is the next 7 days.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import Customer, OutageStatus, PlannedOutage
from bot.domain import places
from bot.services import verification
from bot.services.formatting import format_date

DEFAULT_DAYS = 7
MAX_DAYS = 62  # a longer range is cut (two months is already a long list)
PAST_YEAR_SLACK = timedelta(days=60)  # "5/1" asked in November is next January


# -------------------------------------------------------------------- date ranges


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive
    name: str  # "7 ngày tới", "ngày mai", "tuần này"... ("" for a plain date)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """``"7 ngày tới (27/11/2026–03/12/2026)"``, ``"ngày mai (28/11/2026)"``."""
        span = (
            format_date(self.start)
            if self.start == self.end
            else (f"{format_date(self.start)}–{format_date(self.end)}")
        )
        if not self.name:
            return f"ngày {span}" if self.start == self.end else f"từ {span.replace('–', ' đến ')}"
        return f"{self.name} ({span})"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, end 23:59:59.999999] in Vietnam time."""
        return (
            datetime.combine(self.start, time.min, tzinfo=clock.VN_TZ),
            datetime.combine(self.end, time.max, tzinfo=clock.VN_TZ),
        )


def next_days(today: date, days: int = DEFAULT_DAYS) -> DateRange:
    return DateRange(today, today + timedelta(days=days - 1), f"{days} ngày tới")


_WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday_name(day: date) -> str:
    return _WEEKDAY_NAMES[day.weekday()]


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
        found = DateRange(min(r.start for r in ranges), max(r.end for r in ranges), "")
    if found.days > MAX_DAYS:
        found = DateRange(found.start, found.start + timedelta(days=MAX_DAYS - 1), found.name)
    return found


_RELATIVE_DAY_NAMES = {0: "hôm nay", 1: "ngày mai", 2: "ngày mốt", -1: "hôm qua", -2: "hôm kia"}


def _one_range(value: str, today: date) -> DateRange | None:
    value = value.strip().lower()
    try:
        if m := re.fullmatch(r"relative_day:([+-]?\d{1,3})", value):
            offset = int(m.group(1))
            day = today + timedelta(days=offset)
            return DateRange(day, day, _RELATIVE_DAY_NAMES.get(offset, ""))
        if m := re.fullmatch(r"week:([+-]?\d{1,2})", value):
            return _week(today, int(m.group(1)))
        if m := re.fullmatch(r"weekday:([1-7])(?:,week:([+-]?\d{1,2}))?", value):
            return _weekday(today, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        if m := re.fullmatch(r"day:(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?)?", value):
            return _day(today, int(m.group(1)), m.group(2), m.group(3))
        if m := re.fullmatch(r"relative:([+-]?\d{1,2})", value):
            year, month = _shift_month(today.year, today.month, int(m.group(1)))
            return _month(today, year, month, {0: "tháng này", 1: "tháng sau"}.get(int(m.group(1)), ""))
        if m := re.fullmatch(r"month:(\d{1,2})", value):
            month = int(m.group(1))
            year = (
                today.year
                if date(today.year, month, 1) >= today.replace(day=1) - PAST_YEAR_SLACK
                else today.year + 1
            )
            return _month(today, year, month, "")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return _month(today, int(m.group(1)), int(m.group(2)), "")
    except ValueError:  # 31/2, month 13...
        return None
    return None


def _week(today: date, offset: int) -> DateRange:
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    sunday = monday + timedelta(days=6)
    name = {0: "tuần này", 1: "tuần sau", -1: "tuần trước"}.get(offset, "")
    start = max(monday, today) if offset == 0 else monday  # this week: what is left of it
    return DateRange(start, sunday, name)


def _weekday(today: date, weekday: int, week: int | None) -> DateRange:
    target = weekday - 1  # 1 = Monday ... 7 = Sunday
    if week is None:
        day = today + timedelta(days=(target - today.weekday()) % 7)
    else:
        day = today - timedelta(days=today.weekday()) + timedelta(weeks=week, days=target)
    return DateRange(day, day, weekday_name(day))


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
    return DateRange(found, found, "")


def _month(today: date, year: int, month: int, name: str) -> DateRange:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    if first <= today <= last:
        first = today  # this month: what is left of it
    return DateRange(first, last, name or f"tháng {month:02d}/{year}")


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
    where: str  # "khu vực của mã khách hàng PB11020000002" / "Phường Tân An, Thành phố Cần Thơ"
    range: DateRange
    items: tuple[OutageItem, ...]


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


def schedule_for_customer(session: Session, customer: Customer, dates: DateRange) -> Schedule:
    """Planned outages cutting the customer's station (their ward when the station is unknown)."""
    start, end = dates.bounds()
    where = f"khu vực mã khách hàng {customer.code}"
    if customer.station is not None:
        outages = queries.planned_outages_for_station(session, customer.station.code, start, end)
    else:
        outages = queries.planned_outages_for_wards(session, customer.province, [customer.ward], start, end)
    return Schedule(where, dates, _items(outages))


def schedule_for_area(session: Session, area: places.Area, dates: DateRange) -> Schedule:
    """Planned outages announced for any ward of the area."""
    start, end = dates.bounds()
    outages = queries.planned_outages_for_wards(session, area.province, area.wards, start, end)
    return Schedule(area.label, dates, _items(outages))


def under_way_for_station(session: Session, station_code: str, now: datetime) -> PlannedOutage | None:
    """A planned outage cutting this station right now (not cancelled, not ended early)."""
    return _first_scheduled(queries.planned_outages_for_station(session, station_code, now, now))


def under_way_for_wards(
    session: Session, province: str, wards: Iterable[str], now: datetime
) -> PlannedOutage | None:
    return _first_scheduled(queries.planned_outages_for_wards(session, province, list(wards), now, now))


def _first_scheduled(outages: list[PlannedOutage]) -> PlannedOutage | None:
    return next((o for o in outages if o.status == OutageStatus.SCHEDULED.value), None)


# ------------------------------------------------------------------ known customers


def known_code(session: Session, requester: verification.Requester) -> str | None:
    """The one customer code this requester is linked or verified to (Zalo, Messenger, a
    signed web user, or this conversation's verification), if there is exactly one."""
    codes = verification.verified_codes(session, requester)
    return codes[0] if len(codes) == 1 else None
