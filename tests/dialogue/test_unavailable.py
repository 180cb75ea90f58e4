"""A database that cannot be reached: one apology with the hotline, the safety advice
still first for a danger, the state kept; bad input never breaks a pending question."""

from __future__ import annotations

from bot import clock
from bot.dialogue import Turn, run_turn
from bot.dialogue.state import AWAIT_CODE, Awaiting, Question, State
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, DOWN_DATABASE_URL, NOW, Chat

WHO = Requester("rest", "someone")


def test_a_database_down_gets_the_one_apology_and_keeps_the_state() -> None:
    state = State(topic="bill", customer_code=BICH, awaiting=Awaiting(AWAIT_CODE, (Question("bill"),)))
    with clock.frozen(NOW):
        outcome = run_turn(Turn("xem hóa đơn", ("ask_bill",), requester=WHO), state, DOWN_DATABASE_URL)
    [message] = outcome.messages
    assert "tạm gián đoạn" in message.text and "19001006" in message.text
    assert outcome.state == state


def test_a_danger_still_gets_the_safety_advice_first_when_the_database_is_down() -> None:
    with clock.frozen(NOW):
        outcome = run_turn(
            Turn("dây điện đứt rơi xuống đường", ("report_hazard",), requester=WHO),
            State(),
            DOWN_DATABASE_URL,
        )
    first, second = outcome.messages
    assert "Tránh xa" in first.text and "114" in first.text
    assert "gián đoạn" in second.text and "19001006" in second.text


def test_greetings_need_no_database() -> None:
    with clock.frozen(NOW):
        outcome = run_turn(Turn("xin chào", ("greet",), requester=WHO), State(), DOWN_DATABASE_URL)
    assert outcome.messages[0].text.startswith("Dạ, em chào anh/chị")


def test_bad_input_while_a_code_is_asked_keeps_asking_then_the_code_works(chat: Chat) -> None:
    chat.say("xem hóa đơn", "ask_bill")
    for text, intent in (("", ""), ("😀😀", "nlu_fallback")):
        assert "mã khách hàng" in chat.say(text, intent)
    assert "4 số cuối" in chat.say("PB05010000001", customer_code=BICH)


def test_sql_looking_text_is_only_text(chat: Chat) -> None:
    chat.say("lịch cúp điện", "ask_outage_schedule")
    reply = chat.say("'; DROP TABLE customers; --", "nlu_fallback")
    assert reply.startswith("Dạ") and chat.state.awaiting is not None
    assert "03/12/2026" in chat.say("PB11020000002", customer_code="PB11020000002")
