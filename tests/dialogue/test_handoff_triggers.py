"""Handoff triggers of the engine besides asking (demo data, 27/11/2026 09:00, agent Lan
online): operator rules (handoff.yml ``rules``, ``DESK_HANDOFF_INTENTS``) and an overdue
re-check. The verification lock is in test_locks.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from bot import clock
from bot.db.models import Ticket, metadata
from bot.db.session import session_scope
from bot.services import desk_auth, unit_of_work
from tests.dialogue.conftest import BICH, DIGITS, Chat
from tests.handoff.conftest import PASSWORD, online

CONFIG = Path(__file__).resolve().parents[2] / "bot" / "services" / "resources" / "handoff.yml"


@pytest.fixture
def desk(demo_db: str) -> Iterator[None]:
    """Agent Lan has the desk open all day; handoffs and agents are removed afterwards."""
    with unit_of_work(demo_db) as uow:
        online(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD), seconds=48 * 3600)
    yield
    with unit_of_work(demo_db) as uow:
        for table in reversed(metadata.sorted_tables):
            if table.name.startswith(("handoff", "desk_")):
                uow.session.execute(delete(table))


@pytest.fixture
def live(chat: Chat, desk: None) -> Chat:
    chat.channel = "callback"  # a channel agents can write to: a place in the queue
    return chat


def request_tickets(chat: Chat) -> int:
    with session_scope(chat.url) as session:
        return len(session.execute(select(Ticket.id).where(Ticket.kind == "request")).all())


# ------------------------------------------------------------------- operator rules


def test_an_intent_of_desk_handoff_intents_goes_to_a_person(live: Chat, monkeypatch) -> None:
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "request_service, ask_late_payment")
    said = live.say("em muốn đăng ký lắp điện mới", "request_service", service="new_connection")
    assert said.startswith("Dạ, yêu cầu này được tư vấn viên hỗ trợ trực tiếp ạ.")
    assert "người tiếp theo" in said and live.last[0].buttons == ()
    [row] = live.handoffs()
    assert (row.reason, row.priority, row.status) == ("rule", 3, "waiting")
    assert json.loads(row.summary)["note"] == "Quy tắc vận hành: request_service"
    assert request_tickets(live) == 0  # the bot did not run its own request flow


def test_without_the_rule_the_bot_answers_itself(chat: Chat, desk: None) -> None:
    said = chat.say("em muốn đăng ký lắp điện mới", "request_service", service="new_connection")
    assert "tư vấn viên hỗ trợ trực tiếp" not in said and chat.handoffs() == []


def test_the_other_questions_of_the_message_are_answered_first(live: Chat, monkeypatch) -> None:
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "request_service")
    intents = "greet+ask_payment_methods+request_service"
    live.say("chào em, cho hỏi cách thanh toán, với đăng ký lắp điện", intents)
    texts = [m.text for m in live.last]
    assert "chào" in texts[0] and any("ví điện tử" in t or "ngân hàng" in t for t in texts[1:-1])
    assert texts[-1].startswith("Dạ, yêu cầu này được tư vấn viên hỗ trợ trực tiếp")
    assert live.handoffs()[0].reason == "rule"


def test_a_rule_of_the_settings_file_hands_over_with_its_reason(
    live: Chat, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    own = tmp_path / "handoff.yml"
    own.write_text(
        CONFIG.read_text(encoding="utf-8").replace(
            "    reason: hazard\n",
            "    reason: hazard\n  - intents: [ask_late_payment]\n    reason: rule\n",
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("DESK_CONFIG_FILE", str(own))
    live.say("trả trễ tiền điện có bị phạt không", "ask_late_payment")
    assert [h.reason for h in live.handoffs()] == ["rule"]


def test_a_complaint_handed_over_by_rule_keeps_the_complaint_reason(live: Chat, monkeypatch) -> None:
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "complain")
    live.say("tôi muốn khiếu nại nhân viên ghi điện thái độ không tốt", "complain")
    [row] = live.handoffs()
    assert (row.reason, row.priority) == ("complaint", 2)  # what the desk should read first


def test_safety_is_never_handed_over_unanswered(live: Chat, monkeypatch) -> None:
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "report_hazard")
    said = live.say("dây điện bị đứt rơi xuống đường đang tóe lửa", "report_hazard")
    assert "tránh xa" in said.lower() or "không chạm" in said.lower()  # the safety advice first
    assert "yêu cầu này được tư vấn viên hỗ trợ trực tiếp" not in said


# --------------------------------------------------------------------------- re-check


def verified_recheck(chat: Chat) -> str:
    chat.say("phúc tra hóa đơn tháng 10/2026 mã PB05010000001", "request_recheck", customer_code=BICH,
             period="2026-10")  # fmt: skip
    return chat.say(DIGITS[BICH], "inform", digits=DIGITS[BICH])


def test_a_new_recheck_is_answered_by_the_bot_and_queues_nobody(live: Chat) -> None:
    said = verified_recheck(live)
    assert "em đã tạo yêu cầu phúc tra số SC-" in said and "trong vòng 24 giờ" in said
    assert live.handoffs() == [] and live.state.ticket.kind == "recheck"


def test_an_overdue_recheck_goes_to_a_person_with_the_ticket_linked(live: Chat) -> None:
    live.channel = "zalo"  # linked after the digits: still verified the next day
    verified_recheck(live)
    number = live.state.ticket.number
    with clock.frozen("2026-11-28T10:00:00"):
        said = live.say("phúc tra tháng 10 sao chưa thấy trả lời", "request_recheck", period="2026-10")
    assert f"yêu cầu phúc tra số {number}" in said and "đã quá hạn trả lời" in said
    assert "trước 09:00 ngày 28/11/2026" in said and "xin lỗi" in said and "tư vấn viên" in said
    [row] = live.handoffs()
    assert (row.reason, row.priority, row.customer_code, row.verified) == ("recheck", 3, BICH, True)
    summary = json.loads(row.summary)
    assert [t["number"] for t in summary["tickets"]] == [number]
    assert summary["tickets"][0]["kind"] == "recheck" and "quá hạn" in summary["note"]


def test_a_person_asked_after_a_recheck_gets_the_recheck_reason_and_ticket(live: Chat) -> None:
    verified_recheck(live)
    live.say("cho tôi gặp nhân viên", "request_human")
    [row] = live.handoffs()
    assert row.reason == "recheck"
    assert [t["number"] for t in json.loads(row.summary)["tickets"]] == [live.state.ticket.number]
