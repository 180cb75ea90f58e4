"""account_form's validation and questions, with real trackers over the demo database."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.billing import ActionAccountAnswer
from actions.identity import (
    ActionAskCustomerCode,
    ActionAskVerifyAnswer,
    ActionChangeCode,
    ActionUnlinkAccount,
    ValidateAccountForm,
)
from bot.db.models import ChannelLink, VerificationAttempt
from bot.db.session import session_scope
from tests.actions.billing_fixtures import (
    BICH,
    CUONG,
    PHONES,
    buttons,
    entity,
    make_tracker,
    slot_sets,
    texts,
)

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")


async def validate(domain: dict, text: str, slots: dict, candidates: dict, **kw: Any):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, kw.pop("intent", "inform"), slots=slots, slot_events=candidates, **kw)
    events = await ValidateAccountForm().run(dispatcher, tracker, domain)
    return slot_sets(events), dispatcher


async def give_digits(domain: dict, answer: str, code: str = BICH, **kw: Any):
    slots = {"customer_code": code, "requested_slot": "verify_answer"}
    return await validate(domain, answer, slots, {"verify_answer": answer}, **kw)


async def answer(domain: dict, slots: dict, **kw: Any):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(kw.pop("text", "1321"), slots={"last_topic": "bill", **slots}, **kw)
    events = await ActionAccountAnswer().run(dispatcher, tracker, domain)
    return slot_sets(events), dispatcher


async def test_code_in_the_question_is_checked_then_the_digits_are_asked(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain, f"tiền điện mã {BICH}", {}, {"customer_code": BICH}, intent="ask_bill"
    )
    assert slots == {"customer_code": BICH, "code_failures": None}  # verify_answer is asked next
    assert dispatcher.messages == []


async def test_privacy_notice_comes_the_first_time_only(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAskVerifyAnswer().run(
        dispatcher, make_tracker(slots={"customer_code": BICH}), domain
    )
    assert "bảo vệ thông tin" in texts(dispatcher) and "4 số cuối" in texts(dispatcher)
    assert slot_sets(events) == {"privacy_notice_shown": True}
    again = CollectingDispatcher()
    tracker = make_tracker(slots={"customer_code": BICH, "privacy_notice_shown": True})
    await ActionAskVerifyAnswer().run(again, tracker, domain)
    assert "bảo vệ thông tin" not in texts(again) and f"mã {BICH}" in texts(again)


async def test_right_digits_verify_and_end_the_form(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await give_digits(domain, "1321")
    assert slots == {"verify_answer": "verified"}  # both slots filled: rasa ends the form
    said = texts(dispatcher)
    assert "đã xác thực xong mã PB05010000001 (Tr*** T*** B***)" in said
    assert not any(phone in said for phone in PHONES) and "Trần Thị Bích" not in said


async def test_digits_typed_with_words_or_a_fallback_intent_still_count(demo_db: str, domain: dict) -> None:
    slots, _ = await validate(
        domain,
        "4 số cuối là 13 21",
        {"customer_code": BICH, "requested_slot": "verify_answer"},
        {},
        intent="nlu_fallback",
    )
    assert slots["verify_answer"] == "verified"


async def test_wrong_digits_say_how_many_tries_are_left(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await give_digits(domain, "1111")
    assert slots == {"verify_answer": None}
    assert "còn 2 lần thử" in texts(dispatcher)


async def test_not_four_digits_is_asked_again_without_losing_a_try(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain, "132", {"customer_code": BICH, "requested_slot": "verify_answer"}, {}
    )
    assert slots == {"verify_answer": None}
    assert "4 chữ số cuối" in texts(dispatcher)
    with session_scope(demo_db) as s:
        assert s.execute(select(func.count(VerificationAttempt.id))).scalar_one() == 0


async def test_third_wrong_answer_locks_and_the_answer_explains_it(demo_db: str, domain: dict) -> None:
    for wrong in ("1111", "2222"):
        await give_digits(domain, wrong)
    slots, _ = await give_digits(domain, "3333")
    assert slots == {"verify_answer": None, "requested_slot": None}  # the form ends
    after, dispatcher = await answer(domain, {"customer_code": BICH})
    said = texts(dispatcher)
    assert "tạm khóa xác thực đến 09:15 ngày 27/11/2026" in said and "19001006" in said
    assert not MONEY.search(said)
    assert after["verify_answer"] is None


async def test_a_new_sender_id_buys_no_new_guesses(demo_db: str, domain: dict) -> None:
    for wrong in ("1111", "2222", "3333"):
        await give_digits(domain, wrong, sender="attacker-1")
    # New sender id, new conversation, the right answer: still locked, nothing asked.
    slots, _ = await validate(
        domain, f"hóa đơn {BICH}", {}, {"customer_code": BICH}, intent="ask_bill", sender="attacker-2"
    )
    assert slots == {"customer_code": BICH, "code_failures": None, "requested_slot": None}
    _, dispatcher = await answer(domain, {"customer_code": BICH}, sender="attacker-2")
    assert "tạm khóa xác thực" in texts(dispatcher)
    assert "kWh" not in texts(dispatcher)


async def test_bad_codes_get_their_reason_and_three_end_the_form(demo_db: str, domain: dict) -> None:
    asked = {"requested_slot": "customer_code"}
    slots, dispatcher = await validate(
        domain, "PB0501000001", asked, {}, extra={"malformed_customer_code": ["PB0501000001"]}
    )
    assert slots == {"customer_code": None, "code_failures": 1}
    assert "13 ký tự" in texts(dispatcher)
    slots, dispatcher = await validate(
        domain, "0908111321", {**asked, "code_failures": 1}, {}, entities=[entity("phone", "0908111321")]
    )
    assert slots == {"customer_code": None, "code_failures": 2}
    assert "số điện thoại" in texts(dispatcher) and "mã khách hàng" in texts(dispatcher)
    slots, dispatcher = await validate(
        domain, "PB99990000001", {**asked, "code_failures": 2}, {"customer_code": "PB99990000001"}
    )
    assert slots == {
        "customer_code": None,
        "code_failures": None,
        "account_stop": True,
        "requested_slot": None,
    }
    assert "không tìm thấy" in texts(dispatcher) and "Tổng đài" in texts(dispatcher)
    after, quiet = await answer(domain, {"account_stop": True})
    assert quiet.messages == [] and after["account_stop"] is None


async def test_ask_for_the_code_plainly_or_with_the_users_codes(demo_db: str, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskCustomerCode().run(dispatcher, make_tracker(channel="zalo", sender="z1"), domain)
    assert "13 ký tự" in texts(dispatcher) and buttons(dispatcher) == []
    for code, digits in ((BICH, "1321"), (CUONG, "2654")):
        await give_digits(domain, digits, code=code, channel="zalo", sender="z1")
    several = CollectingDispatcher()
    await ActionAskCustomerCode().run(several, make_tracker(channel="zalo", sender="z1"), domain)
    assert [b["payload"] for b in buttons(several)] == [
        '/inform{"customer_code":"PB05010000001"}',
        '/inform{"customer_code":"PB11020000002"}',
    ]


async def test_zalo_link_means_no_question_in_a_later_conversation(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await give_digits(domain, "1321", channel="zalo", sender="zalo-42")
    assert "ghi nhớ mã này cho tài khoản Zalo" in texts(dispatcher) and "hủy liên kết" in texts(dispatcher)
    # A later conversation: no code in the slots, none typed: the linked one is used.
    later, _ = await validate(
        domain, "tiền điện tháng này", {}, {}, intent="ask_bill", channel="zalo", sender="zalo-42"
    )
    assert later == {"customer_code": BICH, "code_failures": None, "requested_slot": None}
    # REST sender ids are never linked: the same later question asks for the code.
    rest, _ = await validate(domain, "tiền điện", {}, {}, intent="ask_bill", sender="rest-42")
    assert rest == {}


async def test_change_code_forgets_the_code_unless_a_new_one_is_given(demo_db: str, domain: dict) -> None:
    events = await ActionChangeCode().run(
        CollectingDispatcher(),
        make_tracker("đổi mã khác", "change_customer_code", slots={"customer_code": BICH}),
        domain,
    )
    assert slot_sets(events)["customer_code"] is None
    tracker = make_tracker(
        f"đổi sang mã {CUONG}",
        "change_customer_code",
        slots={"customer_code": CUONG},
        entities=[entity("customer_code", CUONG)],
    )
    events = await ActionChangeCode().run(CollectingDispatcher(), tracker, domain)
    assert "customer_code" not in slot_sets(events)
    # At activation after "đổi mã khác" the linked code is not put back.
    await give_digits(domain, "1321", channel="zalo", sender="zalo-7")
    slots, _ = await validate(
        domain, "đổi mã khác", {}, {}, intent="change_customer_code", channel="zalo", sender="zalo-7"
    )
    assert slots == {}


async def test_unlink_removes_the_zalo_link(demo_db: str, domain: dict) -> None:
    await give_digits(domain, "1321", channel="zalo", sender="zalo-9")
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "hủy liên kết", "unlink_account", channel="zalo", sender="zalo-9", slots={"customer_code": BICH}
    )
    events = await ActionUnlinkAccount().run(dispatcher, tracker, domain)
    assert "đã hủy liên kết mã PB05010000001 với tài khoản Zalo" in texts(dispatcher)
    assert slot_sets(events) == {"customer_code": None, "verify_answer": None}
    with session_scope(demo_db) as s:
        assert s.execute(select(func.count(ChannelLink.id))).scalar_one() == 0
    nothing = CollectingDispatcher()
    await ActionUnlinkAccount().run(
        nothing, make_tracker("hủy liên kết", channel="zalo", sender="zalo-9"), domain
    )
    assert "không liên kết" in texts(nothing)


async def test_another_account_question_during_the_form_does_not_break_it(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain,
        "mà còn nợ bao nhiêu",
        {"customer_code": BICH, "requested_slot": "verify_answer"},
        {},
        intent="ask_debt",
    )
    assert slots == {"verify_answer": None}  # not rejected: the digits are asked again
    assert dispatcher.messages == []


async def test_other_questions_during_the_form_are_left_to_their_rules(demo_db: str, domain: dict) -> None:
    slots, _ = await validate(
        domain, "giá điện bậc 1", {"requested_slot": "customer_code"}, {}, intent="ask_tariff"
    )
    assert slots == {}  # nothing extracted: rasa rejects the form and answers the question


async def test_a_code_on_its_own_is_checked_and_nothing_is_shown(demo_db: str, domain: dict) -> None:
    from actions.identity import ActionCodeReceived

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(BICH, entities=[entity("customer_code", BICH)], slots={"customer_code": BICH})
    events = await ActionCodeReceived().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"customer_code": BICH}
    assert "đã nhận mã khách hàng PB05010000001" in texts(dispatcher) and "Tr***" not in texts(dispatcher)
    assert "/ask_bill" in [b["payload"] for b in buttons(dispatcher)]
    unknown = CollectingDispatcher()
    tracker = make_tracker("PB99990000001", entities=[entity("customer_code", "PB99990000001")])
    events = await ActionCodeReceived().run(unknown, tracker, domain)
    assert slot_sets(events) == {"customer_code": None} and "không tìm thấy" in texts(unknown)


async def test_database_down_during_identification(domain: dict, monkeypatch) -> None:
    from bot.db.session import dispose_engines

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        slots, dispatcher = await give_digits(domain, "1321")
        assert slots["account_stop"] is True and "tạm gián đoạn" in texts(dispatcher)
        slots, dispatcher = await validate(
            domain, BICH, {"requested_slot": "customer_code"}, {"customer_code": BICH}
        )
        assert slots["account_stop"] is True and "19001006" in texts(dispatcher)
    finally:
        dispose_engines()


async def test_a_malformed_code_in_the_question_gets_its_reason_at_once(demo_db: str, domain: dict) -> None:
    slots, dispatcher = await validate(
        domain,
        "tiền điện mã PB0501000001",
        {},
        {},
        intent="ask_bill",
        extra={"malformed_customer_code": ["PB0501000001"]},
    )
    assert slots == {"customer_code": None, "code_failures": 1} and "13 ký tự" in texts(dispatcher)
    # Numbers in a question are not taken for a code ("tháng 10 2026", amounts).
    slots, _ = await validate(domain, "tiền điện tháng 10 2026 hết 600000 đồng", {}, {}, intent="ask_bill")
    assert slots == {}
