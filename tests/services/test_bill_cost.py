"""What one bill answer costs (customer verified, month given): one unit of work, one
verification check, a bounded number of SQL statements, one invoice loaded, not the
history. Counted on the real demo database, through the service and through the action."""

from __future__ import annotations

import pytest

from bot.domain.periods import Month
from bot.services import billing, unit_of_work, verification
from bot.services.verification import Requester
from tests.support.cost import counted
from tests.support.demo import BICH, DIGITS

WHO = Requester("rest", "bill-cost")
MAX_STATEMENTS = 8  # measured 6: customer, verification proof, invoice + lines + reading, audit


def verified(url: str) -> None:
    with unit_of_work(url) as uow:
        assert verification.verify(uow, BICH, WHO, DIGITS[BICH]).verified


def test_one_bill_answer_through_the_service(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    verified(demo_db)
    with counted(demo_db, monkeypatch) as cost, unit_of_work(demo_db) as uow:
        answer = billing.bill_answer(uow, BICH, WHO, Month(2026, 10))
    assert answer.found and answer.invoice.total == 798_660
    assert cost.units_of_work == 1 and cost.connections == 1
    assert cost.verification_checks == 1
    assert len(cost.statements) <= MAX_STATEMENTS, cost.statements
    assert cost.invoices_loaded == 1  # the month's invoice, not the 24 of the history
