"""Since when the power is out: the customer's words resolved into the past (27/11/2026 09:00)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import VN_TZ
from bot.dialogue.since import DAY, MINUTE, PART, resolve
from bot.nlu.core import read

NOW = datetime(2026, 11, 27, 9, tzinfo=VN_TZ)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "moment", "precision"),
    [
        ("mất từ 2 giờ chiều", at(26, 14), MINUTE),  # 14:00 is still to come today: yesterday's
        ("từ 8h30", at(27, 8, 30), MINUTE),
        ("từ 2h", at(27, 2), MINUTE),  # a bare hour: the latest of 02:00 and 14:00 gone by
        ("tu 14h hom qua", at(26, 14), MINUTE),
        ("khoảng 30 phút trước", at(27, 8, 30), MINUTE),
        ("2 tiếng trước", at(27, 7), MINUTE),
        ("hồi nãy", at(27, 8, 50), MINUTE),
        ("tu sang toi gio", at(27, 7), PART),
        ("từ tối qua", at(26, 18), PART),
        ("mất từ hôm qua", at(26, 0), DAY),
        ("từ thứ 7", at(21, 0), DAY),  # the last Saturday
        ("tu 25/11", at(25, 0), DAY),
        ("tu ngay 28", at(28, 0, month=10), DAY),  # the 28th still to come: last month's
    ],
)
def test_resolved_in_the_past(text: str, moment: datetime, precision: str) -> None:
    since = resolve(read.start_time(text), NOW)
    assert since is not None and (since.at, since.precision) == (moment, precision)
    assert since.at <= NOW


@pytest.mark.parametrize("text", ["vẫn mất điện", "ok tạo phiếu giúp tôi", "không nhớ", "chua co dien"])
def test_no_time_is_no_start(text: str) -> None:
    assert resolve(read.start_time(text), NOW) is None
