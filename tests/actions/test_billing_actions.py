"""action_account_answer (bill, detail, why high, debt, re-check) and payment methods."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.billing import ActionAccountAnswer, ActionPaymentMethods
from actions.requests import ActionAcceptOffer, ActionDeclineOffer
from bot.db.models import DisclosureAudit, Ticket, TicketKind
from bot.db.session import dispose_engines, session_scope
from bot.services import unit_of_work, verification
from bot.services.verification import Requester
from tests.actions.billing_fixtures import (
    BICH,
    DIGITS,
    PHONES,
    buttons,
    entity,
    make_tracker,
    slot_sets,
    texts,
)

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")
QUESTIONS = {
    "bill": "ask_bill",
    "bill_detail": "ask_bill_detail",
    "bill_high": "ask_bill_high",
    "debt": "ask_debt",
}
SENDER = "billing-actions"


def verify(url: str, code: str = BICH, sender: str = SENDER, channel: str = "rest") -> None:
    with unit_of_work(url) as uow:
        assert verification.verify(uow, code, Requester(channel, sender), DIGITS[code]).verified


async def ask(domain: dict, topic: str | None, code: str = BICH, months: tuple[str, ...] = (), **slots: Any):
    """Answer ``topic``; ``months`` are period values said in the question."""
    dispatcher = CollectingDispatcher()
    question = {
        "event": "user",
        "text": "?",
        "parse_data": {
            "intent": {"name": QUESTIONS.get(topic or "", "inform")},
            "entities": [entity("period", value) for value in months],
        },
    }
    tracker = make_tracker(
        "1321", sender=SENDER, history=[question], slots={"customer_code": code, "last_topic": topic, **slots}
    )
    events = await ActionAccountAnswer().run(dispatcher, tracker, domain)
    return slot_sets(events), dispatcher


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for b in buttons(dispatcher)]


async def test_bill_of_october_after_verification(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    slots, dispatcher = await ask(domain, "bill", months=("2026-10",))
    said = texts(dispatcher)
    assert "798.660 đ" in said and "300 kWh" in said and "16/09/2026–15/10/2026" in said
    assert "Hạn thanh toán: 21/10/2026" in said and "tính đến ngày 27/11/2026" in said
    assert "Tr*** T*** B***" in said and not any(p in said for p in PHONES)
    assert slots["shown_month"] == "2026-10" and slots["verify_answer"] is None
    assert payloads(dispatcher)[:2] == ["/ask_bill_detail", '/ask_bill{"period":"2026-09"}']


async def test_no_amount_without_verification(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await ask(domain, "bill", months=("2026-10",))
    assert "cần xác thực" in texts(dispatcher)
    assert not MONEY.search(texts(dispatcher))
    with session_scope(demo_db) as s:
        assert s.execute(select(DisclosureAudit)).first() is None


async def test_verification_of_another_sender_does_not_count(demo_db: str, domain: dict) -> None:
    verify(demo_db, sender="someone-else")
    _, dispatcher = await ask(domain, "bill")
    assert not MONEY.search(texts(dispatcher))


async def test_several_months_at_once(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    _, dispatcher = await ask(
        domain,
        "bill",
        months=(
            "month:9",
            "month:10",
        ),
    )
    said = texts(dispatcher)
    assert "474.876 đ" in said and "798.660 đ" in said
    assert len(dispatcher.messages) == 2  # one message per bill


async def test_month_without_invoice(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    slots, dispatcher = await ask(domain, "bill", months=("2020-01",))
    assert "chưa thấy hóa đơn tháng 01/2020" in texts(dispatcher)
    assert "shown_month" not in slots


async def test_breakdown_of_the_bill_just_shown(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    _, dispatcher = await ask(domain, "bill_detail", shown_month="2026-10")
    said = texts(dispatcher)
    assert "- Bậc 4: 100 kWh × 2.998 đ = 299.800 đ" in said and "- Tổng cộng: 798.660 đ" in said


async def test_why_high_offers_a_recheck_and_yes_opens_one_ticket(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    slots, dispatcher = await ask(domain, "bill_high", months=("relative:-1",))
    assert slots["pending_offer"] == "recheck" and slots["shown_month"] == "2026-10"
    assert len(dispatcher.messages) >= 3  # explanation, tips, offer: separate messages
    assert "/request_recheck" in payloads(dispatcher) and "/deny" in payloads(dispatcher)
    state = {"customer_code": BICH, "shown_month": "2026-10", "pending_offer": "recheck"}
    accepted = CollectingDispatcher()
    events = await ActionAcceptOffer().run(
        accepted, make_tracker("có", "affirm", sender=SENDER, slots=state), domain
    )
    assert slot_sets(events) == {"pending_offer": None}
    assert "đã tạo yêu cầu phúc tra số SC2611270001" in texts(accepted) and "24 giờ" in texts(accepted)
    again = CollectingDispatcher()
    await ActionAcceptOffer().run(again, make_tracker("có", "affirm", sender=SENDER, slots=state), domain)
    assert "đã được tạo trước đó" in texts(again)
    with session_scope(demo_db) as s:
        tickets = s.execute(select(Ticket)).scalars().all()
    assert [(t.kind, t.customer_code) for t in tickets] == [(TicketKind.RECHECK.value, BICH)]


async def test_no_thanks_to_the_offer(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("thôi", "deny", slots={"pending_offer": "recheck"})
    events = await ActionDeclineOffer().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"pending_offer": None} and texts(dispatcher).startswith("Dạ vâng")


async def test_recheck_asked_directly_uses_the_latest_bill(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    _, dispatcher = await ask(domain, "recheck")
    assert "phúc tra" in texts(dispatcher) and "tháng 11/2026" in texts(dispatcher)


async def test_debt(demo_db: str, domain: dict) -> None:
    verify(demo_db)
    _, dispatcher = await ask(domain, "debt")
    said = texts(dispatcher)
    assert "còn 2 hóa đơn chưa thanh toán" in said and "Tổng cộng:" in said
    assert "/ask_payment_methods" in payloads(dispatcher)


async def test_no_code_and_unknown_topic(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAccountAnswer().run(dispatcher, make_tracker("x", slots={"last_topic": "bill"}), domain)
    assert "mã khách hàng" in texts(dispatcher)
    verify(demo_db)
    _, menu = await ask(domain, None)  # a code given with no question yet
    assert "cần em tra cứu gì cho mã PB05010000001" in texts(menu)


async def test_payment_methods_need_no_code(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionPaymentMethods().run(
        dispatcher, make_tracker("đóng tiền ở đâu", "ask_payment_methods"), domain
    )
    assert "MoMo" in texts(dispatcher) and "/ask_debt" in payloads(dispatcher)


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none?connect_timeout=2")
    yield
    dispose_engines()


async def test_database_down_gives_an_apology_and_the_hotline(database_down: None, domain: dict) -> None:
    slots, dispatcher = await ask(domain, "bill")
    said = texts(dispatcher)
    assert "tạm gián đoạn" in said and "19001006" in said
    assert slots["verify_answer"] is None  # the conversation goes on
    accepted = CollectingDispatcher()
    await ActionAcceptOffer().run(
        accepted,
        make_tracker("có", "affirm", slots={"customer_code": BICH, "pending_offer": "recheck"}),
        domain,
    )
    assert "tạm gián đoạn" in texts(accepted)
