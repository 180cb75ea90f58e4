"""Working hours and callback windows (pure: no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.services.handoff_config import ConfigError, parse_config
from bot.services.handoff_hours import HoursError, WorkingHours, callback_window

VN = clock.VN_TZ
OFFICE = WorkingHours.parse("T2-T6 07:30-11:30, 13:00-17:00; T7 07:30-11:30", ["01/01", "02/09/2026"])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.mark.parametrize(
    ("moment", "is_open", "next_opening"),
    [
        ("2026-11-27T09:00", True, "2026-11-27T09:00"),  # Friday morning
        ("2026-11-27T12:00", False, "2026-11-27T13:00"),  # lunch
        ("2026-11-27T17:00", False, "2026-11-28T07:30"),  # the end is exclusive
        ("2026-11-28T11:45", False, "2026-11-30T07:30"),  # Saturday noon: Monday
        ("2026-11-29T10:00", False, "2026-11-30T07:30"),  # Sunday
        ("2026-09-02T09:00", False, "2026-09-03T07:30"),  # a holiday once (Wednesday)
        ("2027-01-01T09:00", False, "2027-01-02T07:30"),  # a yearly holiday (Friday)
    ],
)
def test_opening_hours(moment: str, is_open: bool, next_opening: str) -> None:
    assert OFFICE.is_open(at(moment)) is is_open
    assert OFFICE.next_opening(at(moment)) == at(next_opening)


def test_a_time_in_another_zone_is_read_in_vietnam_time() -> None:
    utc_2am = datetime.fromisoformat("2026-11-27T02:00:00+00:00")  # 09:00 in Vietnam
    assert OFFICE.is_open(utc_2am)


def test_specs_are_described_as_written() -> None:
    assert OFFICE.describe() == "T2-T6 07:30-11:30, 13:00-17:00; T7 07:30-11:30"
    assert WorkingHours.parse("mon-sun 07:00-21:00").describe() == "T2-CN 07:00-21:00"
    assert WorkingHours.parse("T7-T2 08:00-12:00").describe() == "T2 08:00-12:00; T7-CN 08:00-12:00"
    assert WorkingHours.parse("cn 00:00-24:00").is_open(at("2026-11-29T23:59"))


@pytest.mark.parametrize(
    "spec", ["", "T8 07:00-11:00", "T2", "T2 7h", "T2 11:00-07:00", "T2 25:00-26:00", "T2-T6 7:00-11:00;x"]
)
def test_bad_specs_say_what_is_wrong(spec: str) -> None:
    with pytest.raises(HoursError):
        WorkingHours.parse(spec)


def test_the_configuration_file_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"working_hours": "T2-T6 08:00-17:00", "max_wait_minutes": 20}, {})
    assert config.hours.describe() == "T2-T6 08:00-17:00" and config.max_wait_minutes == 20
    config = parse_config(
        {"working_hours": "T2-T6 08:00-17:00"},
        {
            "DESK_WORKING_HOURS": "T7 08:00-12:00",
            "DESK_MAX_WAIT_MIN": "5",
            "DESK_LIVE_CHANNELS": "zalo, socketio",
        },
    )
    assert config.hours.describe() == "T7 08:00-12:00" and config.max_wait_minutes == 5
    assert config.live_channels == {"zalo", "socketio"}
    for bad in (
        {"working_hours": "T9"},
        {"working_hours": "T2 08:00-17:00", "max_wait_minutes": "x"},
        {"working_hours": "T2 08:00-17:00", "priorities": {"hazard": "asap"}},
        {"working_hours": "T2 08:00-17:00", "rules": [{"intents": [], "reason": "hazard"}]},
    ):
        with pytest.raises(ConfigError):
            parse_config(bad, {})


DAY = WorkingHours.parse("T2-CN 07:00-21:00")


@pytest.mark.parametrize(
    ("now", "dates", "times", "start", "end", "as_asked"),
    [
        # "sáng mai" at night: tomorrow's morning
        (
            "2026-11-27T22:30",
            ["relative_day:+1"],
            ["part:morning"],
            "2026-11-28T07:00",
            "2026-11-28T11:30",
            True,
        ),
        # "chiều nay 2h-4h": the NLU gives 02:00 and 04:00 with the afternoon
        (
            "2026-11-27T09:00",
            ["relative_day:0"],
            ["part:afternoon", "02:00", "04:00"],
            "2026-11-27T14:00",
            "2026-11-27T16:00",
            True,
        ),
        # "8h" said in the afternoon: tomorrow 08:00, for two hours
        ("2026-11-27T15:00", [], ["08:00"], "2026-11-28T08:00", "2026-11-28T10:00", True),
        # "tối nay 10h" is after closing: moved to the next opening
        ("2026-11-27T15:00", ["relative_day:0"], ["22:00"], "2026-11-28T07:00", "2026-11-28T09:00", False),
        # nothing usable: from the next opening, two hours
        ("2026-11-27T23:00", [], [], "2026-11-28T07:00", "2026-11-28T09:00", False),
        ("2026-11-27T10:00", [], [], "2026-11-27T10:00", "2026-11-27T12:00", False),
        # "thứ 2" said on a Friday
        ("2026-11-27T10:00", ["weekday:1"], [], "2026-11-30T07:00", "2026-11-30T09:00", False),
    ],
)
def test_callback_windows(
    now: str, dates: list[str], times: list[str], start: str, end: str, as_asked: bool
) -> None:
    window = callback_window(DAY, dates, times, at(now), timedelta(hours=2))
    assert (window.start, window.end) == (at(start), at(end))
    assert window.as_asked is as_asked
