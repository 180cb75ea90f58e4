"""What ``action_account_answer`` costs for one bill (customer verified, month given):
one unit of work, one verification check, a bounded number of SQL statements."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionAccountAnswer
from bot.services import unit_of_work, verification
from bot.services.verification import Requester
from tests.actions.billing_fixtures import BICH, DIGITS, entity, make_tracker, texts
from tests.support.cost import counted

SENDER = "bill-cost-action"
MAX_STATEMENTS = 8


async def test_one_bill_answer_through_the_action(
    demo_db: str, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work() as uow:
        assert verification.verify(uow, BICH, Requester("rest", SENDER), DIGITS[BICH]).verified
    tracker = make_tracker(
        "tiền điện tháng 10",
        "ask_bill",
        sender=SENDER,
        entities=[entity("period", "2026-10")],
        slots={"customer_code": BICH, "last_topic": "bill"},
    )
    dispatcher = CollectingDispatcher()
    with counted(demo_db, monkeypatch) as cost:
        await ActionAccountAnswer().run(dispatcher, tracker, domain)
    assert "798.660 đ" in texts(dispatcher)
    assert cost.units_of_work == 1 and cost.connections == 1
    assert cost.verification_checks == 1
    assert len(cost.statements) <= MAX_STATEMENTS, cost.statements
    assert cost.invoices_loaded == 1
