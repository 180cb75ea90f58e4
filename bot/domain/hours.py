"""Opening hours of an office, written the way staff write them, and whether it is open.

A spec is groups separated by ``;``, each a day or a day range and one or more time
ranges: ``"T2-T6 07:00-11:30,13:00-17:00; T7 07:00-11:30"`` (T2 … T7 are Monday to
Saturday, CN is Sunday). Days not named are closed. :func:`parse_hours` checks a spec
(the CSV importer uses it) and :meth:`OpeningHours.status` says, for a moment in
Vietnam time, whether the office is open, until when, or when it opens next.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot import clock

DAY_CODES = {"T2": 0, "T3": 1, "T4": 2, "T5": 3, "T6": 4, "T7": 5, "CN": 6}
MAX_SPEC_CHARS = 200
_GROUP_RE = re.compile(r"^(T[2-7]|CN)(?:\s*-\s*(T[2-7]|CN))?\s+(.+)$")
_SPAN_RE = re.compile(r"^(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})$")


class HoursError(ValueError):
    """The opening hours are not written as the format says (the reason is the message)."""


@dataclass(frozen=True)
class Span:
    start: time
    end: time


@dataclass(frozen=True)
class OpenStatus:
    open: bool
    closes_at: datetime | None = None  # when open: the end of the current span
    opens_at: datetime | None = None  # when closed: the next opening (None: never)


@dataclass(frozen=True)
class OpeningHours:
    week: tuple[tuple[Span, ...], ...]  # 7 entries, Monday first

    def spans_on(self, weekday: int) -> tuple[Span, ...]:
        return self.week[weekday]

    def groups(self) -> list[tuple[tuple[int, ...], tuple[Span, ...]]]:
        """Consecutive open days with the same hours: ``[((0,…,4), spans), ((5,), spans)]``."""
        found: list[tuple[list[int], tuple[Span, ...]]] = []
        for weekday, spans in enumerate(self.week):
            if not spans:
                continue
            if found and found[-1][1] == spans and found[-1][0][-1] == weekday - 1:
                found[-1][0].append(weekday)
            else:
                found.append(([weekday], spans))
        return [(tuple(days), spans) for days, spans in found]

    def status(self, moment: datetime) -> OpenStatus:
        moment = moment.astimezone(clock.VN_TZ)
        for span in self.week[moment.weekday()]:
            start, end = _at(moment, span.start), _at(moment, span.end)
            if start <= moment < end:
                return OpenStatus(True, closes_at=end)
        for ahead in range(8):
            day = moment + timedelta(days=ahead)
            for span in self.week[day.weekday()]:
                start = _at(day, span.start)
                if start > moment:
                    return OpenStatus(False, opens_at=start)
        return OpenStatus(False)


def _at(day: datetime, moment: time) -> datetime:
    return datetime.combine(day.date(), moment, tzinfo=clock.VN_TZ)


def _time(hour: str, minute: str, spec: str) -> time:
    h, m = int(hour), int(minute)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise HoursError(f"{hour}:{minute} is not a time of day in {spec!r}")
    return time(h, m)


def parse_hours(spec: str) -> OpeningHours:
    """``"T2-T6 07:00-11:30,13:00-17:00; T7 07:00-11:30"`` -> :class:`OpeningHours`."""
    text = " ".join((spec or "").split()).upper()
    if not text:
        raise HoursError("no opening hours")
    if len(text) > MAX_SPEC_CHARS:
        raise HoursError(f"longer than {MAX_SPEC_CHARS} characters")
    week: list[list[Span]] = [[] for _ in range(7)]
    for group in (g.strip() for g in text.split(";")):
        if not group:
            continue
        match = _GROUP_RE.match(group)
        if match is None:
            raise HoursError(f"{group!r} is not 'T2-T6 07:00-11:30,13:00-17:00'")
        first, last = DAY_CODES[match.group(1)], DAY_CODES[match.group(2) or match.group(1)]
        if last < first:
            raise HoursError(f"{group!r}: the days run backwards")
        spans = []
        for part in (p.strip() for p in match.group(3).split(",")):
            span = _SPAN_RE.match(part.replace(" ", ""))
            if span is None:
                raise HoursError(f"{part!r} is not a time range like 07:00-11:30")
            start, end = _time(span.group(1), span.group(2), spec), _time(span.group(3), span.group(4), spec)
            if end <= start:
                raise HoursError(f"{part!r}: the range ends before it starts")
            spans.append(Span(start, end))
        spans.sort(key=lambda s: s.start)
        for a, b in itertools.pairwise(spans):
            if b.start < a.end:
                raise HoursError(f"{group!r}: time ranges overlap")
        for weekday in range(first, last + 1):
            if week[weekday]:
                raise HoursError(f"{group!r}: a day is given twice")
            week[weekday] = list(spans)
    if not any(week):
        raise HoursError("no open day")
    return OpeningHours(tuple(tuple(day) for day in week))
