"""Questions from intents: details attached, follow-ups built from the state, the order."""

from __future__ import annotations

from unittest import mock

from bot import clock
from bot.dialogue.backend import Backend
from bot.dialogue.context import Context
from bot.dialogue.planning import follow_up, plan
from bot.dialogue.state import State
from bot.dialogue.turn import Entity, Turn
from bot.services import verification
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, NOW

WHO = Requester("rest", "planner")


def context(text: str, intent: str, state: State = State(), *entities: Entity) -> Context:
    backend = mock.create_autospec(Backend, instance=True)
    with clock.frozen(NOW):
        return Context(
            Turn(text=text, intents=tuple(intent.split("+")), entities=entities, requester=WHO),
            state,
            backend,
        )


def test_several_questions_safety_first_account_questions_after_public_ones_thanks_last() -> None:
    ctx = context("x", "thank+ask_bill+ask_outage_schedule+report_hazard+greet")
    assert [q.topic for q in plan(ctx, list(ctx.turn.intents))] == [
        "hazard",
        "greet",
        "outage_schedule",
        "bill",
        "thank",
    ]


def test_a_greeting_with_a_question_is_a_short_one() -> None:
    ctx = context("chào em, giá điện", "greet+ask_tariff")
    greeting = plan(ctx, ["greet", "ask_tariff"])[0]
    assert greeting.topic == "greet" and greeting.text == "short"


def test_months_of_a_message_with_a_bill_question_are_not_the_schedules_dates() -> None:
    ctx = context(
        "tiền điện tháng này với lịch cúp điện", "ask_bill", State(), Entity("period", "relative:0")
    )
    schedule = next(q for q in plan(ctx, ["ask_bill", "ask_outage_schedule"]) if q.topic == "outage_schedule")
    assert schedule.dates == ()


def test_a_follow_up_replaces_one_detail_and_keeps_the_rest() -> None:
    state = State(topic="tariff", kwh=450, households=2)
    question = follow_up(context("còn 1 hộ thì sao", "inform", state))
    assert (question.topic, question.kwh, question.households) == ("tariff", 450, 1)
    bill = State(topic="recheck", customer_code=BICH, period_shown="2026-10")
    question = follow_up(context("thế tháng trước?", "inform", bill, Entity("period", "relative:-1")))
    assert (question.topic, question.code, question.months) == ("bill", BICH, ("2026-09",))


def test_an_outage_follow_up_keeps_the_place_it_was_about() -> None:
    state = State(topic="outage_schedule", customer_code=BICH, area="Phường Tân An, Thành phố Cần Thơ")
    question = follow_up(context("còn tuần sau thì sao", "inform", state, Entity("date", "week:+1")))
    assert (question.code, question.area, question.dates) == (
        None,
        "Phường Tân An, Thành phố Cần Thơ",
        ("week:+1",),
    )


def test_identity_is_checked_once_per_turn(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(verification, "status", lambda session, code, who: calls.append(code) or "status")
    backend = Backend(uow=mock.Mock(), requester=WHO, channel="rest")
    assert backend.identity(BICH) == backend.identity(BICH) == "status"
    assert calls == [BICH]
