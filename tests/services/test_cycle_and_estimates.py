"""When the next bill comes (the customer's own reading day and lags) and why a reading
was estimated (the reading's source), both verified."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import Month
from bot.services import billing_cycle, estimates, unit_of_work, verification
from bot.services.verification import NotVerified, Requester
from tests.support.demo import BICH, DIGITS, DUNG

WHO = Requester("rest", "cycle-test")
ESTIMATED_LATEST, ESTIMATED_LATEST_DIGITS = "PB06020000101", "1674"  # read 11/11/2026, estimated
ESTIMATED_OLD, ESTIMATED_OLD_DIGITS = "PB03020000101", "5514"  # 12/09/2025 estimated


def verify(url: str, code: str, digits: str) -> None:
    with unit_of_work(url) as uow:
        assert verification.verify(uow, code, WHO, digits).verified


def test_the_next_bill_follows_the_customers_reading_day(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow, pytest.raises(NotVerified):
        billing_cycle.next_bill(uow, BICH, WHO)
    verify(demo_db, BICH, DIGITS[BICH])
    with unit_of_work(demo_db) as uow:
        found = billing_cycle.next_bill(uow, BICH, WHO)
    assert found.reading_day == 15 and found.issued.month.key == "2026-11"
    assert found.next_reading == date(2026, 12, 15)
    assert (found.expected_issue, found.expected_due) == (date(2026, 12, 16), date(2026, 12, 21))


def test_a_month_to_come_is_not_issued_yet(demo_db: str) -> None:
    verify(demo_db, DUNG, DIGITS[DUNG])
    with unit_of_work(demo_db) as uow:
        found = billing_cycle.next_bill(uow, DUNG, WHO, Month(2026, 12))
    assert found.issued is None and found.next_reading == date(2026, 12, 10)


def test_the_latest_estimated_reading_is_settled_at_the_next_reading(demo_db: str) -> None:
    verify(demo_db, ESTIMATED_LATEST, ESTIMATED_LATEST_DIGITS)
    with unit_of_work(demo_db) as uow:
        found = estimates.estimate_answer(uow, ESTIMATED_LATEST, WHO)
    assert found.estimated and found.reading.reading_date == date(2026, 11, 11) and found.reading.kwh == 148
    assert found.settled_by is None and found.next_reading == date(2026, 12, 11)
    assert len(found.reasons) >= 2


def test_an_old_estimate_was_settled_by_the_actual_reading_after_it(demo_db: str) -> None:
    verify(demo_db, ESTIMATED_OLD, ESTIMATED_OLD_DIGITS)
    with unit_of_work(demo_db) as uow:
        found = estimates.estimate_answer(uow, ESTIMATED_OLD, WHO, Month(2025, 9))
        actual = estimates.estimate_answer(uow, ESTIMATED_OLD, WHO, Month(2025, 10))
    assert found.estimated and found.settled_by.reading_date == date(2025, 10, 12)
    assert found.settled_by.new_index == 7871
    assert not actual.estimated and actual.settled_by is None


def test_a_customer_without_estimates_is_told_so(demo_db: str) -> None:
    verify(demo_db, BICH, DIGITS[BICH])
    with unit_of_work(demo_db) as uow:
        found = estimates.estimate_answer(uow, BICH, WHO)
    assert not found.estimated and found.estimated_count == 0
