"""Holding a conversation: several questions at once, endings, no dead ends, the
fallback, greetings that fit the time of day."""

from __future__ import annotations

import re

import pytest

from bot import clock
from tests.dialogue.conftest import BICH, CUONG, Chat

NESTED_BRACKETS = re.compile(r"\([^()]*\(")


# ------------------------------------------------------------- several questions


def test_two_questions_in_one_message_both_get_their_answer(chat: Chat) -> None:
    both = chat.say(
        "tiền điện tháng này với lịch cúp điện mã PB11020000002",
        "ask_bill+ask_outage_schedule",
        customer_code=CUONG,
        period="relative:0",
    )
    assert "03/12/2026" in both and "4 số cuối" in both  # the public answer first, then the digits
    bill = chat.say("2654", digits="2654")
    assert "hóa đơn tiền điện tháng 11/2026" in bill and "PB11020000002" in bill


def test_a_second_question_named_in_words_is_answered_too(chat: Chat) -> None:
    """Until the NLU names both: "... với lịch cúp điện" adds the schedule."""
    both = chat.say(
        "tiền điện tháng này với lịch cúp điện mã PB11020000002",
        "ask_bill",
        customer_code=CUONG,
        period="relative:0",
    )
    assert "03/12/2026" in both and "4 số cuối" in both


def test_a_greeting_with_a_question_is_short_and_comes_first(chat: Chat) -> None:
    reply = chat.say("chào em, cho hỏi giá điện", "greet+ask_tariff")
    assert chat.last[0].text == "Dạ, em chào anh/chị!" and "Bậc 1" in reply


def test_thanks_after_an_answer_come_last(chat: Chat) -> None:
    chat.say("giá điện sao em", "ask_tariff")
    chat.say("cảm ơn, còn 300 số thì sao", "thank+ask_tariff", kwh="300")
    assert "798.660 đ" in chat.last[0].text and chat.last[-1].text.startswith("Dạ, không có gì")


# --------------------------------------------------------------------- endings


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("thôi", "deny"),
        ("hủy", "unsubscribe_alerts"),
        ("khỏi", "deny"),
        ("thôi khỏi", "cancel"),
        ("không cần nữa", "deny"),
    ],
)
def test_stop_words_end_the_verification_and_it_is_never_asked_again(
    chat: Chat, text: str, intent: str
) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    reply = chat.say(text, intent)
    assert "4 số cuối" not in reply and "dừng" in reply and chat.state.awaiting is None
    assert "4 số cuối" not in chat.say("ok", "affirm")


@pytest.mark.parametrize(
    ("text", "intent", "expected"), [("cảm ơn", "thank", "không có gì"), ("bye", "goodbye", "cảm ơn")]
)
def test_thanks_and_goodbye_end_anything_pending(chat: Chat, text: str, intent: str, expected: str) -> None:
    chat.say("tra tiền điện giúp em", "ask_bill")
    reply = chat.say(text, intent)
    assert expected in reply and "mã khách hàng" not in reply and chat.state.awaiting is None


# --------------------------------------------------------------- no dead ends


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", ""),
        ("1321", "inform"),
        ("ok", "affirm"),
        ("không", "deny"),
        ("😀😀", "nlu_fallback"),
        ("a" * 10_000, ""),
    ],
)
def test_every_message_gets_a_reply_with_nothing_pending(chat: Chat, text: str, intent: str) -> None:
    reply = chat.say(text, intent)
    assert reply.startswith("Dạ") and "Dạ vâng ạ" not in reply


def test_bare_digits_with_nothing_pending_are_not_echoed(chat: Chat) -> None:
    reply = chat.say("1321", "inform", digits="1321")
    assert "1321" not in reply and chat.payloads()


def test_an_empty_message_while_the_digits_are_asked_asks_them_again(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "4 số cuối" in chat.say("", "")


def test_a_yes_to_nothing_asks_what_else_never_agrees(chat: Chat) -> None:
    reply = chat.say("có", "affirm")
    assert "cần em hỗ trợ" in reply and "/ask_bill" in chat.payloads()


# ---------------------------------------------------------------- the fallback


def test_not_understood_once_clarifies_then_a_person_is_offered(chat: Chat) -> None:
    first = chat.say("hôm nay trời đẹp quá", "out_of_scope")
    assert first.startswith("Dạ") and "19001006" not in first and "/ask_bill" in chat.payloads()
    second = chat.say("cho hỏi giá vàng hôm nay", "nlu_fallback", ranking=("nlu_fallback",))
    assert "19001006" in second and "tư vấn viên" in second


def test_one_likely_option_is_asked_as_a_yes_or_no_and_yes_answers_it(chat: Chat) -> None:
    reply = chat.say("tiền nước tháng này", "nlu_fallback", ranking=("nlu_fallback", "ask_bill"))
    assert "có phải anh/chị muốn hỏi về xem hóa đơn tiền điện" in reply
    assert "một trong những việc" not in reply and "dưới đây" not in reply
    assert "mã khách hàng" in chat.say("đúng rồi", "affirm")


def test_several_likely_options_are_listed(chat: Chat) -> None:
    chat.say("cái này sao vậy", "nlu_fallback", ranking=("nlu_fallback", "ask_bill", "ask_debt"))
    assert chat.payloads() == ["/ask_bill", "/ask_debt"]


def test_understanding_in_between_resets_the_count(chat: Chat) -> None:
    chat.say("hôm nay trời đẹp quá", "out_of_scope")
    chat.say("giá điện", "ask_tariff")
    assert "19001006" not in chat.say("cho hỏi giá vàng", "out_of_scope")


# ------------------------------------------------------------------ time of day


@pytest.mark.parametrize(
    ("moment", "wish"),
    [
        ("2026-11-27T08:00:00", "buổi sáng"),
        ("2026-11-27T15:00:00", "buổi chiều"),
        ("2026-11-27T20:00:00", "buổi tối"),
    ],
)
def test_greetings_fit_the_time_of_day(chat: Chat, moment: str, wish: str) -> None:
    with clock.frozen(moment):
        reply = chat.say("xin chào", "greet")
    assert reply.startswith("Dạ, em chào anh/chị") and wish in reply
    for word in ("hóa đơn", "chỉ số", "cúp điện", "mất điện"):
        assert word in reply


def test_no_good_day_wished_late_at_night(chat: Chat) -> None:
    with clock.frozen("2026-11-27T23:30:00"):
        reply = chat.say("bye", "goodbye")
    assert "ngày tốt lành" not in reply and "ngủ ngon" in reply


# -------------------------------------------------------------------- wording


def test_answers_have_no_nested_brackets(chat: Chat) -> None:
    said = [
        chat.say(
            "tiền điện tháng 10/2026 mã PB05010000001", "ask_bill", period="2026-10", customer_code=BICH
        ),
        chat.say("1321", digits="1321"),
        chat.say("chi tiết", "ask_bill_detail"),
        chat.say("300 số hết bao nhiêu", "ask_tariff", kwh="300"),
        chat.say("lịch cúp điện mã PB11020000002", "ask_outage_schedule", customer_code=CUONG),
        chat.say("xin chào", "greet"),
        chat.say("số tổng đài", "ask_contact"),
    ]
    for text in said:
        assert not NESTED_BRACKETS.search(text), text
