"""Since when the power is out: the customer's words (``bot.nlu.core.read.start_time``)
resolved against the clock, always in the past.

"từ 2 giờ chiều" at 09:00 is 14:00 yesterday; a bare "từ 2h" (no part of the day said)
is whichever of 02:00 and 14:00 came last; "từ sáng" is this morning (07:00 for the
crew's record), or yesterday's when it is not morning yet; "2 tiếng trước" is two hours
ago; "hồi nãy" a few minutes ago; "từ hôm qua" yesterday (no hour). A time that is not
a time ("vẫn mất điện") never gets here: the reader says None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import VN_TZ
from bot.dialogue.text import plain
from bot.nlu.core.read import StartTime

MINUTE, PART, DAY = "minute", "part", "day"
RECENT_MINUTES = 10
# The hour a part of the day starts, for the crew's record.
PART_STARTS = {
    "part:morning": time(7),
    "part:noon": time(11),
    "part:afternoon": time(13),
    "part:evening": time(18),
    "part:night": time(21),
    "part:late_night": time(0),
}
_PART_WORDS = re.compile(r"\b(?:sang|trua|chieu|toi|dem|khuya)\b")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_WEEKDAY = re.compile(r"^weekday:([1-7])")
_RELATIVE_DAY = re.compile(r"^relative_day:(-?\d{1,3})$")
_DAY = re.compile(r"^day:(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?)?$")


@dataclass(frozen=True)
class Since:
    at: datetime  # best estimate, Vietnam time, never after now
    precision: str  # minute / part (of a day) / day
    part: str | None = None  # "part:morning"... when precision is part


def resolve(start: StartTime | None, now: datetime) -> Since | None:
    """The moment ``start`` means, at the latest ``now``; None when it says none."""
    if start is None or start.unknown:
        return None
    if start.minutes_ago is not None:
        return Since(now - timedelta(minutes=start.minutes_ago), MINUTE)
    if start.recent and not (start.day or start.time):
        return Since(now - timedelta(minutes=RECENT_MINUTES), MINUTE)
    day = _day(start.day, now.date()) if start.day else None
    if start.day and day is None:
        return None
    if start.time and start.time in PART_STARTS:
        return _part(start.time, day, now)
    if start.time and (match := _HHMM.match(start.time)):
        clock_time = time(int(match.group(1)) % 24, int(match.group(2)))
        return _clock(clock_time, day, now, bare=not _PART_WORDS.search(plain(start.said)))
    if day is not None:
        return Since(datetime.combine(day, time(0), tzinfo=VN_TZ), DAY)
    return None


def _day(value: str, today: date) -> date | None:
    """A ``date`` entity value as a day in the past (today included)."""
    if match := _RELATIVE_DAY.match(value):
        offset = int(match.group(1))
        return today + timedelta(days=offset) if offset <= 0 else None
    if match := _WEEKDAY.match(value):  # "từ thứ 7": the last one (today's weekday is today)
        wanted = int(match.group(1)) - 1  # weekday:1 is Monday ... weekday:7 Sunday
        return today - timedelta(days=(today.weekday() - wanted) % 7)
    if match := _DAY.match(value):
        month = int(match.group(2) or today.month)
        year = int(match.group(3) or today.year)
        try:
            found = date(year, month, int(match.group(1)))
        except ValueError:
            return None
        if found > today and not match.group(3):
            try:
                found = found.replace(year=found.year - 1) if match.group(2) else _month_before(found)
            except ValueError:
                return None
        return found if found <= today else None
    return None


def _month_before(day: date) -> date:
    return day.replace(year=day.year - 1, month=12) if day.month == 1 else day.replace(month=day.month - 1)


def _part(part: str, day: date | None, now: datetime) -> Since:
    start = PART_STARTS[part]
    moment = datetime.combine(day or now.date(), start, tzinfo=VN_TZ)
    if moment > now:
        moment -= timedelta(days=1)
    return Since(moment, PART, part)


def _clock(clock_time: time, day: date | None, now: datetime, bare: bool) -> Since:
    """A clock time on ``day`` (else the last one); a bare hour below 12 may be p.m."""
    if day is not None:
        moment = datetime.combine(day, clock_time, tzinfo=VN_TZ)
        if bare and clock_time.hour < 12:
            later = moment + timedelta(hours=12)
            moment = later if later <= now else moment
        return Since(min(moment, now), MINUTE)
    candidates = [datetime.combine(now.date(), clock_time, tzinfo=VN_TZ)]
    if bare and clock_time.hour < 12:
        candidates.append(candidates[0] + timedelta(hours=12))
    past = [c if c <= now else c - timedelta(days=1) for c in candidates]
    return Since(max(past), MINUTE)
