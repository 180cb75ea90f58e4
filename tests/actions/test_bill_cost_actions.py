"""What one bill answer costs through ``action_converse`` (customer verified, month
given): one unit of work (two transactions: the message count commits first), one
verification check, a bounded number of SQL statements, one invoice loaded."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.converse import ActionConverse
from bot.dialogue.state import SLOT_NAMES
from bot.services import unit_of_work, verification
from bot.services.verification import Requester
from tests.support.cost import counted
from tests.support.demo import BICH, DIGITS

SENDER = "bill-cost-action"
MAX_STATEMENTS = 8


def tracker(text: str, intent: str, entities: list[dict], slots: dict) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities,
        "metadata": {"identity": {"kind": "session", "key": SENDER}},
    }
    user = {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}
    values = {name: None for name in SLOT_NAMES} | slots
    return Tracker(SENDER, values, latest, [user], False, None, {}, "action_listen")


async def test_one_bill_answer_through_the_action(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with unit_of_work() as uow:
        assert verification.verify(uow, BICH, Requester("rest", SENDER), DIGITS[BICH]).verified
    period = {"entity": "period", "value": "2026-10", "start": 10, "end": 18}
    dispatcher = CollectingDispatcher()
    with counted(demo_db, monkeypatch) as cost:
        await ActionConverse().run(
            dispatcher, tracker("tiền điện tháng 10", "ask_bill", [period], {"customer_code": BICH}), {}
        )
    assert "798.660 đ" in "\n".join(m.get("text") or "" for m in dispatcher.messages)
    # One unit of work, two transactions: the message count commits on its own first, so
    # the turn holds no write lock while it answers (bot/dialogue/backend.py, note_message).
    assert cost.units_of_work == 1 and cost.connections == 2
    assert cost.verification_checks == 1
    assert len(cost.statements) <= MAX_STATEMENTS, cost.statements
    assert cost.invoices_loaded == 1
