"""Opening hours as staff write them, open or closed at a moment, and working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot import clock
from bot.domain.hours import HoursError, parse_hours
from bot.domain.workdays import add_working_days, is_working_day

STANDARD = "T2-T6 07:00-11:30,13:00-17:00; T7 07:00-11:30"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clock.VN_TZ)  # 27/11/2026 is a Friday


def test_the_standard_week_reads_as_written() -> None:
    hours = parse_hours(STANDARD)
    assert [len(hours.spans_on(d)) for d in range(7)] == [2, 2, 2, 2, 2, 1, 0]
    assert hours.spans_on(0)[1].start == time(13, 0)
    assert [days for days, _ in hours.groups()] == [(0, 1, 2, 3, 4), (5,)]


@pytest.mark.parametrize(
    ("moment", "is_open", "closes", "opens"),
    [
        (at(27, 9), True, at(27, 11, 30), None),
        (at(27, 11, 30), False, None, at(27, 13)),  # the end of a span is closed
        (at(27, 12, 15), False, None, at(27, 13)),
        (at(27, 17, 5), False, None, at(28, 7)),  # Friday evening: Saturday morning
        (at(28, 12), False, None, at(30, 7)),  # Saturday noon: Monday
        (at(29, 6, 59), False, None, at(30, 7)),  # Sunday
    ],
)
def test_open_or_closed_and_the_next_change(moment, is_open, closes, opens) -> None:
    status = parse_hours(STANDARD).status(moment)
    assert (status.open, status.closes_at, status.opens_at) == (is_open, closes, opens)


def test_a_moment_in_utc_is_read_in_vietnam_time() -> None:
    utc_morning = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert parse_hours(STANDARD).status(utc_morning).open  # 09:00 in Vietnam


@pytest.mark.parametrize(
    "spec",
    ["", "T2-T6", "T2-T6 7-11", "T6-T2 07:00-11:00", "T2 11:00-07:00", "T2 07:00-12:00,11:00-13:00",
     "T2 07:00-11:00; T2 13:00-17:00", "T2 25:00-26:00", "X2 07:00-11:00", "T2 07:00-11:00" * 30],
)  # fmt: skip
def test_bad_specs_are_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(HoursError):
        parse_hours(spec)


def test_working_days_skip_weekends_and_listed_holidays() -> None:
    holidays = {date(2026, 9, 1), date(2026, 9, 2)}
    assert add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 2)  # Fri + 3 = Wed
    assert add_working_days(date(2026, 8, 31), 1, holidays) == date(2026, 9, 3)
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert not is_working_day(date(2026, 11, 28)) and is_working_day(date(2026, 11, 30))
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 27), -1)
