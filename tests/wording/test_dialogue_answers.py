"""The new answers as customers read them: complaints, frustration, payment posting,
channel steps, late-payment rules, one tier and the previous tariff, estimated readings.
Built from typed results (no database): the facts of the result are in the text, in
the house formats, with no nested brackets."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from bot import clock
from bot.domain.periods import Month
from bot.services import payment_channels, payments, tariff_quote
from bot.services.billing import Account
from bot.services.complaints import Category, ComplaintRecorded
from bot.services.estimates import EstimateAnswer
from bot.services.meter import ReadingView
from bot.services.rules import Delay, load_rules
from bot.wording import complaints, estimates, tariff
from bot.wording import payments as words

NOW = datetime(2026, 11, 27, 9, tzinfo=clock.VN_TZ)
NESTED = re.compile(r"\([^()]*\(")
ACCOUNT = Account("PB05010000001", "Tr*** T*** B***")


def clean(text: str) -> str:
    assert text.startswith("Dạ") and not NESTED.search(text) and "Dạ vâng ạ" not in text
    return text


def test_a_complaint_recorded_says_the_number_and_the_deadline() -> None:
    hours = ComplaintRecorded(
        "SC2611270001", NOW, Category.BILL, Delay(hours=24), datetime(2026, 11, 28, 9, tzinfo=clock.VN_TZ)
    )
    text = clean(complaints.recorded_text(hours))
    assert (
        "SC2611270001" in text
        and "trong vòng 24 giờ, trước 09:00 ngày 28/11/2026" in text
        and "xin lỗi" in text
    )
    days = ComplaintRecorded(
        "SC2611270002",
        NOW,
        Category.OTHER,
        Delay(working_days=3),
        datetime(2026, 12, 2, 17, tzinfo=clock.VN_TZ),
    )
    assert "trong 3 ngày làm việc, chậm nhất ngày 02/12/2026" in complaints.recorded_text(days)
    added = ComplaintRecorded(
        "SC2611270002", NOW, Category.OTHER, Delay(working_days=3), NOW, added_to_existing=True
    )
    assert clean(complaints.recorded_text(added)).startswith(
        "Dạ, em đã bổ sung nội dung này vào khiếu nại số SC2611270002"
    )


@pytest.mark.parametrize("kind", ["misunderstood", "outage", "bill", "general"])
def test_frustration_is_short_and_sincere(kind: str) -> None:
    text = clean(complaints.frustration_offer(kind))
    assert "xin lỗi" in text and "tư vấn viên" in text and len(text) < 260 and "\n" not in text


def test_posting_by_channel_and_by_the_day_paid() -> None:
    late = payments.posting_timing("momo", date(2026, 11, 26), NOW)
    text = clean(words.posting_text(late))
    assert "ví MoMo thường được ghi nhận trong vòng 4 giờ" in text
    assert "Anh/chị đóng ngày 26/11/2026 thì đến nay đã quá thời gian này." in text
    assert "giữ biên lai" in text and "19001006" in text
    waiting = payments.posting_timing("bank_app", date(2026, 11, 27), NOW)
    assert waiting.pending and "hôm nay (27/11/2026) thì chờ thêm trong vòng 4 giờ" in words.posting_text(
        waiting
    )
    transfer = payments.posting_timing("bank_app", date(2026, 11, 26), NOW)
    assert transfer.overdue  # the bill payment of a bank app: 4 hours
    counter = payments.posting_timing("counter", date(2026, 11, 27), NOW)
    assert counter.overdue and "lẽ ra đã được ghi nhận ngay" in words.posting_text(counter)
    assert (
        "chuyển khoản thường vào tài khoản Điện lực thì được ghi nhận trong 1 ngày làm việc"
        in words.posting_text(waiting)
    )
    every = clean(words.posting_text(payments.posting_timing(None, None, NOW)))
    assert "trong vòng 4 giờ" in every and "1 ngày làm việc" in every and "ghi nhận ngay" in every


@pytest.mark.parametrize("channel", payment_channels.channels())
def test_the_steps_of_each_channel_are_numbered(channel: str) -> None:
    text = clean(words.steps_for(channel))
    assert "\n1. " in text and "\n2. " in text and "ghi nhận" in text


@pytest.mark.parametrize(
    ("focus", "facts"),
    [
        ("fee", ["5 ngày", "lãi chậm trả", "sau 2 lần thông báo", "24 giờ"]),
        ("suspension", ["lần 1 khoảng 1 ngày sau hạn", "lần 2 khoảng 7 ngày", "trong vòng 24 giờ"]),
        ("together", ["được ạ", "gộp nhiều kỳ"]),
        ("", ["5 ngày", "sau 2 lần thông báo", "gộp nhiều kỳ"]),
    ],
)
def test_late_payment_answers_the_question_asked(focus: str, facts: list[str]) -> None:
    text = clean(words.late_payment_text(load_rules().payment, focus))
    assert all(fact in text for fact in facts), text


def test_one_tier_now_and_before() -> None:
    today = date(2026, 11, 27)
    current, previous = tariff_quote.price_table(today), tariff_quote.previous_table(today)
    four = clean(tariff.tier_text(tariff_quote.tier_row(current, 4), current))
    assert "bậc 4 (201–300 kWh)" in four and "2.998 đ/kWh" in four and "10/05/2025" in four
    old = clean(tariff.tier_text(tariff_quote.tier_row(previous, 4), previous, previous=True))
    assert "2.860 đ/kWh" in old and "11/10/2024" in old and "09/05/2025" in old
    table = clean(tariff.previous_table_text(previous, current))
    assert "Bậc 1 (0–50 kWh): 1.893 đ/kWh (nay 1.984 đ)" in table
    assert "không có bậc 7" in tariff.no_such_tier(7, current)


def reading(day: date, kwh: int, estimated: bool, new_index: int = 5000) -> ReadingView:
    return ReadingView(
        date(day.year, day.month - 1, day.day + 1), day, day, new_index - kwh, new_index, kwh, estimated
    )


def test_an_estimated_reading_gives_the_reasons_and_how_it_is_settled() -> None:
    estimate = reading(date(2026, 11, 11), 148, True)
    pending = EstimateAnswer(ACCOUNT, NOW.date(), estimate, None, date(2026, 12, 11), ("lý do A", "lý do B"))
    text = clean(estimates.estimate_text(pending))
    assert "ước tính" in text and "148 kWh" in text and "lý do A; lý do B" in text and "11/12/2026" in text
    settled = EstimateAnswer(
        ACCOUNT, NOW.date(), estimate, reading(date(2026, 12, 11), 150, False, 5150), None, ()
    )
    assert "ngày 11/12/2026, chỉ số 5150" in estimates.estimate_text(settled)
    actual = EstimateAnswer(
        ACCOUNT, NOW.date(), reading(date(2026, 10, 11), 140, False), None, None, (), Month(2026, 10)
    )
    assert "ghi thực tế" in clean(estimates.estimate_text(actual))
    none = EstimateAnswer(ACCOUNT, NOW.date(), reading(date(2026, 11, 11), 140, False), None, None, ())
    assert "không có kỳ nào ước tính" in estimates.estimate_text(none)
