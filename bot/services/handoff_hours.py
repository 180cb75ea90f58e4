"""Working hours of the chat desk (Vietnam time) and callback windows.

A spec is what operators write: ``"T2-T6 07:30-11:30, 13:00-17:00; T7 07:30-11:30"``.
Days are ``T2``..``T7``, ``CN`` (or ``mon``..``sun``), alone, in ranges (``T2-T6``) or
comma lists; each day group takes one or more ``HH:MM-HH:MM`` ranges. Holidays
(``dd/mm`` every year, ``dd/mm/yyyy`` once) close the desk all day.

Callback windows come from what the NLU understood (``date`` / ``time`` entity values,
docs/nlu.md): ``relative_day:+1`` + ``part:morning`` is tomorrow morning; ``14:00`` +
``16:00`` is 14:00–16:00. A window is always moved inside working hours; without
anything usable it is the next opening plus the configured length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import clock

_DAY_NAMES = {
    "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_DAY_LABELS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
_RANGE_RE = re.compile(r"^(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})$")
_PARTS = {  # a part of the day the customer named -> (from, to)
    "morning": (time(7, 0), time(11, 30)),
    "noon": (time(11, 0), time(13, 30)),
    "afternoon": (time(13, 30), time(17, 30)),
    "evening": (time(17, 30), time(21, 0)),
    "night": (time(19, 0), time(22, 0)),
    "late_night": (time(21, 0), time(23, 0)),
}
MAX_SEARCH_DAYS = 14


class HoursError(ValueError):
    """A working-hours spec that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class WorkingHours:
    """Opening ranges per weekday (Monday = 0) and closed dates."""

    ranges: tuple[tuple[tuple[time, time], ...], ...]  # 7 entries
    holidays: frozenset[str] = frozenset()  # "dd/mm" or "dd/mm/yyyy"
    spec: str = ""

    @classmethod
    def parse(cls, spec: str, holidays: Iterable[str] = ()) -> WorkingHours:
        days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        text = (spec or "").strip().lower()
        if not text:
            raise HoursError("working hours are empty")
        for clause in filter(None, (c.strip() for c in text.split(";"))):
            head, _, rest = clause.partition(" ")
            for day in _days(head):
                days[day].extend(_time_ranges(rest))
        for day in days:
            day.sort()
        return cls(tuple(tuple(d) for d in days), frozenset(_holiday(h) for h in holidays), spec.strip())

    def is_holiday(self, day: date) -> bool:
        return f"{day:%d/%m}" in self.holidays or f"{day:%d/%m/%Y}" in self.holidays

    def ranges_on(self, day: date) -> tuple[tuple[time, time], ...]:
        return () if self.is_holiday(day) else self.ranges[day.weekday()]

    def is_open(self, moment: datetime) -> bool:
        moment = moment.astimezone(clock.VN_TZ)
        return any(start <= moment.time() < end for start, end in self.ranges_on(moment.date()))

    def next_opening(self, moment: datetime) -> datetime | None:
        """``moment`` itself when open, else the start of the next opening range."""
        moment = moment.astimezone(clock.VN_TZ)
        if self.is_open(moment):
            return moment
        for offset in range(MAX_SEARCH_DAYS + 1):
            day = moment.date() + timedelta(days=offset)
            for start, _end in self.ranges_on(day):
                candidate = datetime.combine(day, start, tzinfo=clock.VN_TZ)
                if candidate > moment:
                    return candidate
        return None

    def closing_of(self, moment: datetime) -> datetime | None:
        """The end of the range ``moment`` falls in (None when closed)."""
        moment = moment.astimezone(clock.VN_TZ)
        for start, end in self.ranges_on(moment.date()):
            if start <= moment.time() < end:
                return datetime.combine(moment.date(), end, tzinfo=clock.VN_TZ)
        return None

    def describe(self) -> str:
        """``"T2-CN 07:00-21:00"``: the days grouped, as operators write it."""
        groups: list[tuple[int, int, tuple]] = []
        for index, ranges in enumerate(self.ranges):
            if groups and groups[-1][2] == ranges and groups[-1][1] == index - 1:
                groups[-1] = (groups[-1][0], index, ranges)
            else:
                groups.append((index, index, ranges))
        parts = []
        for first, last, ranges in groups:
            if not ranges:
                continue
            days = _DAY_LABELS[first] if first == last else f"{_DAY_LABELS[first]}-{_DAY_LABELS[last]}"
            times = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in ranges)
            parts.append(f"{days} {times}")
        return "; ".join(parts) or "đóng"


def _days(token: str) -> list[int]:
    days: list[int] = []
    for item in filter(None, token.split(",")):
        first, _, last = item.partition("-")
        if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
            raise HoursError(f"unknown day {item!r} (use T2..T7, CN or mon..sun)")
        start, end = _DAY_NAMES[first], _DAY_NAMES[last or first]
        days.extend(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return days


def _time_ranges(text: str) -> list[tuple[time, time]]:
    ranges = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = _RANGE_RE.match(item)
        if not match:
            raise HoursError(f"cannot read the time range {item!r} (use HH:MM-HH:MM)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            raise HoursError(f"no such time in {item!r}")
        start = time(h1, m1)
        end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
        if end <= start:
            raise HoursError(f"the range {item!r} ends before it starts")
        ranges.append((start, end))
    if not ranges:
        raise HoursError("a day group needs at least one HH:MM-HH:MM range")
    return ranges


def _holiday(value: str) -> str:
    value = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d/%m"):
        try:
            parsed = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return f"{parsed:%d/%m/%Y}" if pattern == "%d/%m/%Y" else f"{parsed:%d/%m}"
    raise HoursError(f"cannot read the holiday {value!r} (use dd/mm or dd/mm/yyyy)")


# ------------------------------------------------------------------ callback windows


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    as_asked: bool  # False when moved into working hours or chosen for the customer


def _day_from(values: Sequence[str], today: date) -> date | None:
    for value in values:
        if m := re.fullmatch(r"relative_day:([+-]?\d+)", value):
            return today + timedelta(days=int(m.group(1)))
        if m := re.fullmatch(r"weekday:([1-7])(?:,week:([+-]?\d+))?", value):
            delta = (int(m.group(1)) - 1 - today.weekday()) % 7 + 7 * int(m.group(2) or 0)
            return today + timedelta(days=delta)
        if m := re.fullmatch(r"day:(\d{1,2})(?:/(\d{1,2}))?(?:/(\d{4}))?", value):
            try:
                day = date(int(m.group(3) or today.year), int(m.group(2) or today.month), int(m.group(1)))
            except ValueError:
                continue
            return day if day >= today or m.group(3) else _next_occurrence(day, today, bool(m.group(2)))
    return None


def _next_occurrence(day: date, today: date, month_given: bool) -> date:
    if month_given:
        return day.replace(year=today.year + 1)
    month, year = (today.month % 12) + 1, today.year + (today.month // 12)
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day


def callback_window(
    hours: WorkingHours,
    dates: Sequence[str] = (),
    times: Sequence[str] = (),
    now: datetime | None = None,
    default_length: timedelta = timedelta(hours=2),
) -> Window:
    """When to call back, from the ``date`` / ``time`` entity values the customer gave."""
    now = (now or clock.now()).astimezone(clock.VN_TZ)
    day = _day_from(dates, now.date())
    parts = [v.split(":", 1)[1] for v in times if v.startswith("part:") and v.split(":", 1)[1] in _PARTS]
    clock_times = sorted(_clock_time(v, parts[0] if parts else None) for v in times if _is_clock(v))
    start_t: time | None = None
    end_t: time | None = None
    if clock_times:
        start_t = clock_times[0]
        end_t = clock_times[-1] if len(clock_times) > 1 and clock_times[-1] > clock_times[0] else None
    elif parts:
        start_t, end_t = _PARTS[parts[0]]
    if start_t is None and day is None:
        return _default_window(hours, now, default_length)
    day = day or now.date()
    start = datetime.combine(day, start_t or time(0, 0), tzinfo=clock.VN_TZ)
    if start_t is not None and start < now and day == now.date() and not dates:
        start += timedelta(days=1)  # "8h" said at 15:00: tomorrow 8:00
    end = datetime.combine(start.date(), end_t, tzinfo=clock.VN_TZ) if end_t else start + default_length
    start = max(start, now)
    if end <= start:
        return _default_window(hours, now, default_length)
    opening = hours.next_opening(start)
    if opening is None:
        return _default_window(hours, now, default_length)
    if opening == start and (closing := hours.closing_of(start)) is not None:
        return Window(start, min(end, closing), as_asked=end <= closing)
    moved_end = opening + (end - start)
    closing = hours.closing_of(opening)
    return Window(opening, min(moved_end, closing) if closing else moved_end, as_asked=False)


def _default_window(hours: WorkingHours, now: datetime, length: timedelta) -> Window:
    opening = hours.next_opening(now) or now
    closing = hours.closing_of(opening)
    end = opening + length
    return Window(opening, min(end, closing) if closing and closing > opening else end, as_asked=False)


def _is_clock(value: str) -> bool:
    return bool(re.fullmatch(r"\d{2}:\d{2}", value))


def _clock_time(value: str, part: str | None) -> time:
    hour, minute = (int(x) for x in value.split(":"))
    if hour < 12 and part in ("afternoon", "evening", "night") or 1 <= hour <= 6 and part is None:
        hour += 12  # "2h chiều" is 14:00; nobody asks for a call at 2 a.m.
    return time(min(hour, 23), minute)
