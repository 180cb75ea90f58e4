"""Meter readings and reading dates: per customer, verified, audited (results, and the
text of bot.wording.meter)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.db.models import DisclosureAudit
from bot.domain.periods import Month
from bot.services import meter, unit_of_work, verification
from bot.services.verification import NotVerified, Requester
from bot.wording import meter as words
from tests.support.demo import BICH, CUONG, DIGITS

WHO = Requester("rest", "meter-test")


def verified(url: str, code: str) -> None:
    with unit_of_work(url) as s:
        assert verification.verify(s, code, WHO, DIGITS[code]).verified


@pytest.mark.parametrize(
    ("reading_day", "today", "last", "expected"),
    [
        (15, date(2026, 11, 27), date(2026, 11, 15), date(2026, 12, 15)),
        (15, date(2026, 11, 10), date(2026, 10, 15), date(2026, 11, 15)),
        (15, date(2026, 11, 15), date(2026, 10, 15), date(2026, 11, 15)),  # today, not read yet
        (15, date(2026, 11, 15), date(2026, 11, 15), date(2026, 12, 15)),  # today, already read
        (31, date(2027, 2, 3), None, date(2027, 2, 28)),  # a short month: its last day
        (8, date(2026, 12, 20), None, date(2027, 1, 8)),
    ],
)
def test_next_reading_date(reading_day: int, today: date, last: date | None, expected: date) -> None:
    assert meter.next_reading_date(reading_day, today, last) == expected


def test_latest_reading_with_indexes_date_and_kwh(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        answer = meter.reading_answer(s, BICH, WHO)
        latest = s.readings.latest(BICH)
    assert latest.reading_date == date(2026, 11, 15) == answer.reading.reading_date
    assert (answer.reading.old_index, answer.reading.new_index) == (latest.old_index, latest.new_index)
    text = words.reading_text(answer)
    assert "kỳ 16/10/2026–15/11/2026, ghi ngày 15/11/2026" in text
    assert f"- Chỉ số cũ: {latest.old_index}" in text and f"- Chỉ số mới: {latest.new_index}" in text
    assert f"{latest.kwh} kWh" in text and "tính đến ngày 27/11/2026" in text


def test_reading_of_a_month_chains_to_the_bill(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        october = meter.reading_answer(s, BICH, WHO, Month(2026, 10))
        september = s.readings.history(BICH)[2]
    text = words.reading_text(october)
    assert october.reading.kwh == 300 and october.month_key == "2026-10"
    assert "300 kWh" in text and "ghi ngày 15/10/2026" in text
    assert f"- Chỉ số cũ: {september.new_index}" in text  # indexes chained month to month


def test_no_reading_for_that_month(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        answer = meter.reading_answer(s, BICH, WHO, Month(2019, 5))
    assert not answer.found and answer.newest_reading_date == date(2026, 11, 15)
    assert "chưa thấy chỉ số tháng 05/2019" in words.reading_text(answer)


def test_reading_day_is_the_customers_own(demo_db: str) -> None:
    verified(demo_db, BICH)
    verified(demo_db, CUONG)
    with unit_of_work(demo_db) as s:
        bich = words.reading_date_text(meter.reading_date_answer(s, BICH, WHO))
        cuong = words.reading_date_text(meter.reading_date_answer(s, CUONG, WHO))
    assert "ngày 15 hằng tháng" in bich and "dự kiến: ngày 15/12/2026" in bich
    assert "ngày 8 hằng tháng" in cuong and "dự kiến: ngày 08/12/2026" in cuong


def test_meter_data_needs_verification_and_is_audited(demo_db: str) -> None:
    with unit_of_work(demo_db) as s, pytest.raises(NotVerified):
        meter.reading_answer(s, BICH, WHO)
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        meter.reading_answer(s, BICH, WHO)
        meter.reading_date_answer(s, BICH, WHO)
    with unit_of_work(demo_db) as s:
        disclosed = (
            s.session.execute(select(DisclosureAudit.disclosed).order_by(DisclosureAudit.id)).scalars().all()
        )
    assert disclosed == ["reading 2026-11", "reading schedule"]
