"""action_fallback: one clarifying question in Vietnamese, then the hotline."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback
from tests.actions.billing_fixtures import (
    buttons,
    make_tracker,
    texts,
)


def earlier_user(intent: str) -> list[dict]:
    return [
        {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}}},
        {"event": "action", "name": "action_fallback"},
        {"event": "action", "name": "action_listen"},
    ]


async def test_first_miss_asks_with_the_likely_intents(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "cái tiền đó sao rồi",
        "nlu_fallback",
        ranking=[
            ("nlu_fallback", 0.5),
            ("ask_bill", 0.3),
            ("ask_debt", 0.2),
            ("greet", 0.1),
            ("ask_tariff", 0.01),
        ],
    )
    await ActionFallback().run(dispatcher, tracker, domain)
    assert texts(dispatcher).startswith("Dạ, em chưa hiểu rõ")
    assert [b["payload"] for b in buttons(dispatcher)] == ["/ask_bill", "/ask_debt"]
    assert [b["title"] for b in buttons(dispatcher)] == ["Xem hóa đơn tiền điện", "Kiểm tra nợ tiền điện"]


async def test_second_miss_offers_the_hotline(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ờ thì cái kia", "nlu_fallback", history=earlier_user("nlu_fallback"))
    await ActionFallback().run(dispatcher, tracker, domain)
    assert "Tổng đài 19001006" in texts(dispatcher)
    assert buttons(dispatcher)[0]["payload"] == "/ask_contact"


async def test_out_of_scope_lists_what_the_bot_does(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, make_tracker("giá vàng hôm nay", "out_of_scope"), domain)
    assert "chưa hỗ trợ được" in texts(dispatcher)
    assert "/ask_bill" in [b["payload"] for b in buttons(dispatcher)]


async def test_a_miss_after_an_understood_message_is_a_first_miss(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("???", "nlu_fallback", history=earlier_user("ask_bill"))
    await ActionFallback().run(dispatcher, tracker, domain)
    assert texts(dispatcher).startswith("Dạ, em chưa hiểu rõ")


async def test_odd_input_never_crashes(domain: dict) -> None:
    for text in ("", "😀" * 30, "a" * 10_000, "'; DROP TABLE events; --"):
        dispatcher = CollectingDispatcher()
        await ActionFallback().run(dispatcher, make_tracker(text, "nlu_fallback", ranking=[]), domain)
        assert dispatcher.messages


async def test_yes_or_no_to_the_question_gets_the_menu(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(
        dispatcher, make_tracker("có", "affirm", history=earlier_user("nlu_fallback")), domain
    )
    assert "bấm chọn một mục" in texts(dispatcher) and "19001006" not in texts(dispatcher)
