"""The verification lock, the one-time code and the handoff triggers through action_converse
with real rasa-sdk Trackers (demo data, 27/11/2026 09:00): the slots the action writes,
the pause, and what the tracker store keeps of the code typed back."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from bot.db.models import Handoff, SmsOutbox, metadata
from bot.rasa.redaction import VerificationWatch, redact_user_event
from bot.services import desk_auth, unit_of_work
from tests.actions.test_converse import Conversation, parse, texts
from tests.dialogue.conftest import BICH
from tests.handoff.conftest import PASSWORD, online

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")


@pytest.fixture
def db(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo database as the action's, agent Lan online; handoffs and agents removed after."""
    monkeypatch.setenv("DATABASE_URL", demo_db)
    with unit_of_work(demo_db) as uow:
        online(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD), seconds=8 * 3600)
    yield demo_db
    with unit_of_work(demo_db) as uow:
        for table in reversed(metadata.sorted_tables):
            if table.name.startswith(("handoff", "desk_")):
                uow.session.execute(delete(table))


async def lock(conversation: Conversation) -> str:
    await conversation.say(parse(f"xem hóa đơn mã {BICH}", "ask_bill", [
        {"entity": "customer_code", "value": BICH, "typed": BICH}]))  # fmt: skip
    for wrong in ("0000", "0001"):
        await conversation.say(parse(wrong, "inform"))
    messages, _events = await conversation.say(parse("0002", "inform"))
    return texts(messages)


def stored_user_events(conversation: Conversation) -> list[dict]:
    """The user events as the tracker store writes them (bot/rasa/redaction.py)."""
    watch, stored = VerificationWatch(), []
    for event in conversation.events:
        if event.get("event") == "user":
            stored.append(redact_user_event(event, watch.answering))
        watch.observe(event)
    return stored


async def test_the_code_by_sms_verifies_and_the_stored_message_is_masked(db: str) -> None:
    conversation = Conversation(sender="otp-action", channel="socketio")
    locked = await lock(conversation)
    assert "tạm ngưng xác thực" in locked and "SMS" in locked and not MONEY.search(locked)
    assert conversation.slots["awaiting"]["kind"] == "one_time_code_offer"
    messages, _ = await conversation.say(parse("/affirm", "affirm"))
    assert "đã gửi mã xác thực" in texts(messages)
    awaiting = conversation.slots["awaiting"]
    assert (awaiting["kind"], awaiting["code"]) == ("one_time_code", BICH)
    assert [(q["topic"], q["code"]) for q in awaiting["questions"]] == [("bill", BICH)]
    with unit_of_work(db) as uow:
        body = uow.session.execute(select(SmsOutbox.body)).scalar_one()
    code = re.search(r"\bla (\d{6}),", body).group(1)
    messages, events = await conversation.say(parse(f"mã của em là {code}", "inform"))
    said = texts(messages)
    assert "đã xác thực xong mã PB05010000001" in said and MONEY.search(said)
    assert conversation.slots["awaiting"] is None and conversation.slots["customer_code"] == BICH
    assert not any(e["event"] == "pause" for e in events)
    answer = stored_user_events(conversation)[-1]
    assert code not in str(answer) and answer["text"] == "mã của em là ******"


async def test_asking_for_a_person_when_locked_pauses_with_a_verification_handoff(db: str) -> None:
    conversation = Conversation(sender="lock-person", channel="socketio")
    await lock(conversation)
    messages, events = await conversation.say(parse("/request_human", "request_human"))
    assert "người tiếp theo" in texts(messages)
    assert [e["event"] for e in events if e["event"] == "pause"] == ["pause"]
    with unit_of_work(db) as uow:
        row = uow.session.execute(select(Handoff).where(Handoff.conversation_id == "lock-person")).scalar()
        assert (row.reason, row.priority, row.channel) == ("verification_lock", 2, "socketio")
    assert conversation.slots["handoff"] == str(row.id)


async def test_an_operator_rule_pauses_through_the_action(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "request_service")
    conversation = Conversation(sender="rule-action", channel="socketio")
    messages, events = await conversation.say(parse("đăng ký lắp điện mới", "request_service"))
    assert "tư vấn viên hỗ trợ trực tiếp" in texts(messages)
    assert any(e["event"] == "pause" for e in events)
    with unit_of_work(db) as uow:
        row = uow.session.execute(select(Handoff).where(Handoff.conversation_id == "rule-action")).scalar()
    assert row.reason == "rule"
