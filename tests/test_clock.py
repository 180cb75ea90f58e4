from datetime import UTC, date, datetime, timedelta

import pytest

from bot import clock


def test_now_is_vietnam_time_whatever_the_machine_zone() -> None:
    moment = clock.now()
    assert moment.utcoffset() == timedelta(hours=7)


def test_today_follows_vietnam_not_utc() -> None:
    # 20:30 UTC on 31/12 is already 03:30 on 01/01 in Vietnam.
    late_utc = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)
    with clock.frozen(late_utc):
        assert clock.today() == date(2027, 1, 1)


def test_frozen_naive_value_is_vietnam_time_and_is_restored() -> None:
    with clock.frozen("2026-11-27T09:00:00") as fixed:
        assert clock.now() == fixed
        assert clock.now().hour == 9 and clock.now().utcoffset() == timedelta(hours=7)
    assert clock.now() != fixed


def test_environment_freezes_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.FROZEN_ENV, "2026-10-15T23:59:00")
    clock.reset_clock()
    try:
        assert clock.today() == date(2026, 10, 15)
    finally:
        monkeypatch.delenv(clock.FROZEN_ENV)
        clock.reset_clock()
    assert clock.today() != date(2026, 10, 15)
