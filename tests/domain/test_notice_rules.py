"""When notices go and what the platforms allow (bot.domain.notices): pure rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.clock import VN_TZ
from bot.domain import notices as rules
from bot.domain.notices import NoticeKind, Refusal, Timing

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=VN_TZ)
TIMING = Timing()


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def test_announced_seven_days_ahead_at_eight() -> None:
    assert rules.first_notice_due(at(15, 7, 30), NOW, TIMING) == at(8, 8)
    assert rules.reminder_due(at(15, 7, 30), at(8, 8), TIMING) == at(14, 8)


def test_announced_at_once_when_created_later() -> None:
    assert rules.first_notice_due(at(1, 7, 30), NOW, TIMING) == NOW
    assert rules.is_late(NOW, at(1, 7, 30))
    assert not rules.is_late(at(8, 8), at(15, 7, 30))
    assert rules.reminder_due(at(1, 7, 30), NOW, TIMING) == at(30, 8, 0, 11)
    # Created the day before, after 08:00: one notice, no reminder.
    assert rules.reminder_due(at(28, 13, 0, 11), NOW, TIMING) is None


def test_the_lead_is_never_shorter_than_the_rules_allow() -> None:
    assert Timing(lead_days=2).lead_days == 5
    # 5 days before at 08:00 would be 10/12 08:00, 4 days 23.5 hours before 07:30: a day earlier.
    assert rules.first_notice_due(at(15, 7, 30), NOW, Timing(lead_days=2)) == at(9, 8)
    assert rules.first_notice_due(at(15, 9, 0), NOW, Timing(lead_days=5)) == at(10, 8)


@given(
    start_hours=st.integers(min_value=1, max_value=24 * 60),
    start_minute=st.integers(min_value=0, max_value=59),
    lead=st.integers(min_value=5, max_value=14),
)
def test_an_outage_known_long_enough_is_always_announced_at_least_5_days_ahead(
    start_hours: int, start_minute: int, lead: int
) -> None:
    timing = Timing(lead_days=lead)
    start = NOW + timedelta(hours=start_hours, minutes=start_minute)
    due = rules.first_notice_due(start, NOW, timing)
    assert NOW <= due < start
    if start - NOW >= timedelta(days=lead + 1):
        assert start - due >= timedelta(days=5) and not rules.is_late(due, start)
    reminder = rules.reminder_due(start, due, timing)
    assert reminder is None or due < reminder < start


def test_quiet_hours_hold_planned_notices_until_morning() -> None:
    assert rules.in_quiet_hours(at(27, 22, 0, 11), TIMING) and rules.in_quiet_hours(at(28, 6, 59, 11), TIMING)
    assert not rules.in_quiet_hours(at(28, 7, 0, 11), TIMING)
    evening = at(27, 22, 30, 11)
    assert rules.first_notice_due(at(30, 7, 30, 11), evening, TIMING) == at(28, 7, 0, 11)
    assert rules.correction_due(at(30, 7, 30, 11), evening, TIMING) == at(28, 7, 0, 11)
    # Work at 05:00 next morning: waiting for 07:00 would be too late; it goes now.
    assert rules.first_notice_due(at(28, 5, 0, 11), evening, TIMING) == evening
    assert (
        rules.first_notice_due(at(30, 7, 30, 11), evening, Timing(quiet_start=None, quiet_end=None))
        == evening
    )
    daytime = Timing(quiet_start=time(12, 0), quiet_end=time(13, 0))  # not across midnight
    assert rules.in_quiet_hours(at(27, 12, 30, 11), daytime) and not rules.in_quiet_hours(evening, daytime)


def test_what_is_too_late_to_send() -> None:
    start, end = at(1, 7, 30), at(1, 16)
    assert rules.expired(NoticeKind.REMINDER, at(1, 7, 30), start, end)
    assert not rules.expired(NoticeKind.REMINDER, at(1, 7, 29), start, end)
    assert not rules.expired(NoticeKind.PLANNED, at(1, 9), start, end)  # under way: still worth saying
    assert rules.expired(NoticeKind.PLANNED, at(1, 16), start, end)
    assert rules.expired(NoticeKind.RESTORED, at(2, 17), None, at(1, 16))
    assert not rules.expired(NoticeKind.INCIDENT, at(9, 9), start, None)


def test_zalo_window() -> None:
    assert rules.zalo_window(NOW - timedelta(hours=47), 7, NOW).refusal is None
    closed = rules.zalo_window(NOW - timedelta(hours=49), 0, NOW)
    assert closed.refusal is Refusal.ZALO_WINDOW_CLOSED and "48 h" in closed.reason
    assert rules.zalo_window(None, 0, NOW).refusal is Refusal.ZALO_WINDOW_CLOSED
    full = rules.zalo_window(NOW - timedelta(hours=1), 8, NOW)
    assert full.refusal is Refusal.ZALO_WINDOW_FULL and "(at most 8)" in full.reason
    assert rules.zalo_window(None, 99, NOW, window_hours=0).refusal is None  # paid quota: no check
    assert rules.zalo_window(NOW, 99, NOW, max_per_window=0).refusal is None


def test_messenger_window() -> None:
    assert rules.facebook_window(NOW - timedelta(hours=23), NOW).messaging_type == "UPDATE"
    late = rules.facebook_window(NOW - timedelta(hours=25), NOW)
    assert late.refusal is Refusal.FACEBOOK_WINDOW_CLOSED
    tagged = rules.facebook_window(None, NOW, "CONFIRMED_EVENT_UPDATE")
    assert (tagged.refusal, tagged.messaging_type, tagged.tag) == (
        None,
        "MESSAGE_TAG",
        "CONFIRMED_EVENT_UPDATE",
    )


def test_retries_back_off_to_at_most_30_minutes() -> None:
    delays = [rules.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(delays) == timedelta(minutes=30) and delays == sorted(delays)
