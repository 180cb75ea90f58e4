"""A locked verification through the engine (demo data, 27/11/2026 09:00): the one-time
code by SMS (offer, send, wrong code, expiry, success then the bill), and the person
(reason ``verification_lock``) when the customer asks or no code can be sent."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from bot import clock
from bot.db.models import OneTimeCode, SmsOutbox
from bot.db.session import session_scope
from bot.dialogue.state import AWAIT_CALLBACK_PHONE, AWAIT_CODE_OFFER, AWAIT_ONE_TIME_CODE
from bot.services import desk_auth, one_time_codes, unit_of_work
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, CUONG, DIGITS, DUNG, NAMES, PHONES, Chat
from tests.handoff.conftest import PASSWORD, online

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")
SMS_CODE = re.compile(r"\bla (\d{6}),")


@pytest.fixture
def desk(demo_db: str) -> Iterator[None]:
    """Agent Lan has the desk open (a chat handoff is queued, not a callback); the
    handoffs and agents are removed afterwards."""
    with unit_of_work(demo_db) as uow:
        online(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD), seconds=8 * 3600)
    yield
    with unit_of_work(demo_db) as uow:
        from bot.db.models import metadata

        for table in reversed(metadata.sorted_tables):
            if table.name.startswith(("handoff", "desk_")):
                uow.session.execute(delete(table))


def lock(chat: Chat, code: str = BICH) -> str:
    """Ask the bill and answer three wrong digits: the third locks the code for this chat."""
    chat.say(f"xem hóa đơn mã {code}", "ask_bill", customer_code=code)
    assert "còn 2 lần thử" in chat.say("0000", digits="0000")
    assert "còn 1 lần thử" in chat.say("0001", digits="0001")
    return chat.say("0002", digits="0002")


def sms(chat: Chat) -> list[SmsOutbox]:
    with session_scope(chat.url) as session:
        rows = session.execute(select(SmsOutbox).order_by(SmsOutbox.id)).scalars().all()
        session.expunge_all()
        return list(rows)


def sent_code(chat: Chat) -> str:
    found = SMS_CODE.search(sms(chat)[-1].body)
    assert found, sms(chat)[-1].body
    return found.group(1)


def private(text: str) -> bool:
    """Any name, phone number, or the phone's tail (3 of the 4 digits the lock protects)."""
    return any(n in text for n in NAMES) or any(p in text or p[-3:] in text for p in PHONES)


def test_the_lock_offers_a_code_by_sms_or_a_person_and_queues_nobody(chat: Chat) -> None:
    locked = lock(chat)
    assert "xác thực mã PB05010000001" in locked and "tạm ngưng xác thực" in locked
    assert "đến 09:15 hôm nay (27/11/2026)" in locked
    assert "gửi mã xác thực 6 chữ số qua tin nhắn SMS" in locked and "Gặp tư vấn viên" in locked
    assert "19001006" in locked and not MONEY.search(locked) and not private(locked)
    assert {"/affirm", "/request_human", "/deny"} <= set(chat.payloads())
    assert chat.state.awaiting.kind == AWAIT_CODE_OFFER and chat.state.awaiting.code == BICH
    assert [q.topic for q in chat.state.awaiting.questions] == ["bill"]
    assert chat.handoffs() == [] and sms(chat) == []


def test_yes_sends_the_code_and_the_code_verifies_then_the_bill_is_shown(chat: Chat) -> None:
    lock(chat)
    sent = chat.say("/affirm", "affirm")
    assert "đã gửi mã xác thực 6 chữ số qua tin nhắn SMS" in sent and "10 phút" in sent
    assert not MONEY.search(sent) and not private(sent)
    assert chat.state.awaiting.kind == AWAIT_ONE_TIME_CODE
    [message] = sms(chat)
    assert (message.customer_code, message.to_phone) == (BICH, PHONES[0]) and message.sent_at is None
    bill = chat.say(sent_code(chat), "inform")
    assert "em đã xác thực xong mã PB05010000001, chủ hợp đồng Tr*** T*** B***" in bill
    assert "hóa đơn tiền điện tháng 11/2026" in bill and MONEY.search(bill) and not private(bill)
    assert chat.state.awaiting is None and chat.state.topic == "bill"
    # Verified exactly as by the 4 digits: the next account question asks nothing.
    debt = chat.say("còn nợ bao nhiêu", "ask_debt")
    assert "4 số cuối" not in debt and MONEY.search(debt)


def test_a_wrong_code_says_the_tries_left_and_shows_nothing(chat: Chat) -> None:
    lock(chat)
    chat.say("gửi mã đi em", "inform")
    right = sent_code(chat)
    wrong = "111111" if right != "111111" else "222222"
    said = chat.say(wrong, "inform")
    assert "mã xác thực chưa đúng" in said and "còn 2 lần thử" in said and not MONEY.search(said)
    assert chat.state.awaiting.kind == AWAIT_ONE_TIME_CODE
    # Four digits are not a code: asked again, no try lost.
    assert "6 chữ số" in chat.say(DIGITS[BICH], "inform")
    assert "còn 1 lần thử" in chat.say(wrong, "inform")
    assert "em đã xác thực xong" in chat.say(f"mã là {right[:3]} {right[3:]}", "inform")


def test_an_expired_code_offers_a_new_one_which_verifies(chat: Chat) -> None:
    lock(chat)
    chat.say("có", "affirm")
    old = sent_code(chat)
    with clock.frozen("2026-11-27T09:11:00"):  # the code lived 10 minutes
        late = chat.say(old, "inform")
        assert "đã hết hạn" in late and "gửi mã mới" in late and not MONEY.search(late)
        assert chat.state.awaiting.kind == AWAIT_CODE_OFFER
        assert "/affirm" in chat.payloads()
        assert "đã gửi mã xác thực" in chat.say("ok", "affirm")
        assert len(sms(chat)) == 2
        new = sent_code(chat)
        assert "hóa đơn tiền điện tháng 11/2026" in chat.say(new, "inform")


def test_thoi_voids_the_code_sent(chat: Chat) -> None:
    lock(chat)
    chat.say("có", "affirm")
    code = sent_code(chat)
    assert "dừng" in chat.say("thôi", "cancel")
    with unit_of_work(chat.url) as uow:
        assert not one_time_codes.pending(uow, BICH, Requester("rest", chat.sender))
    said = chat.say(code, "inform")
    assert "xác thực xong" not in said and not MONEY.search(said)


def test_no_thanks_ends_the_offer(chat: Chat) -> None:
    lock(chat)
    said = chat.say("không cần", "deny")
    assert said.startswith("Dạ") and chat.state.awaiting is None and sms(chat) == []


def test_the_person_button_opens_a_high_priority_verification_handoff(chat: Chat, desk: None) -> None:
    chat.channel = "callback"  # a channel agents can write to
    lock(chat)
    said = chat.say("/request_human", "request_human")
    assert "tư vấn viên" in said and "người tiếp theo" in said
    [row] = chat.handoffs()
    assert (row.reason, row.priority, row.status, row.customer_code, row.verified) == (
        "verification_lock", 2, "waiting", BICH, False,
    )  # fmt: skip
    assert chat.state.handoff == str(row.id)


def test_when_no_code_may_be_sent_a_person_helps_at_once(chat: Chat, desk: None) -> None:
    with unit_of_work(chat.url) as uow:  # three codes this hour already: no more for BICH
        for n in range(3):
            one_time_codes.issue(uow, BICH, Requester("rest", f"someone-{n}"))
    chat.channel = "callback"
    locked = lock(chat)
    assert "tạm ngưng xác thực" in locked and "hỗ trợ anh/chị xác thực" in locked
    assert "SMS" not in locked and "người tiếp theo" in locked and not private(locked)
    [row] = chat.handoffs()
    assert (row.reason, row.priority, row.status) == ("verification_lock", 2, "waiting")
    assert "Khóa xác thực mã PB05010000001" in row.summary  # the note the agent reads


def test_on_a_channel_agents_cannot_reach_the_person_is_a_callback(chat: Chat, desk: None) -> None:
    with unit_of_work(chat.url) as uow:
        for n in range(3):
            one_time_codes.issue(uow, BICH, Requester("rest", f"someone-{n}"))
    locked = lock(chat)  # REST: agents cannot write to it
    assert "gọi điện lại" in locked and "số điện thoại" in locked
    assert chat.state.awaiting.kind == AWAIT_CALLBACK_PHONE
    assert chat.handoffs()[0].reason == "verification_lock"


def test_abuse_limits_give_the_hotline_and_queue_nobody(chat: Chat) -> None:
    for code in (BICH, CUONG):  # six wrong answers over two codes: the sender limit
        lock(chat, code)
        chat.say("thôi", "cancel")
    said = chat.say(f"xem hóa đơn mã {DUNG}", "ask_bill", customer_code=DUNG)
    assert "tạm ngưng xác thực đến" in said and "19001006" in said and "SMS" not in said
    assert "/request_human" in chat.payloads() and chat.handoffs() == []
    assert chat.state.awaiting is None


def test_the_code_is_never_kept_in_the_state(chat: Chat) -> None:
    lock(chat)
    chat.say("có", "affirm")
    code = sent_code(chat)
    chat.say("111111" if code != "111111" else "222222", "inform")
    from bot.dialogue import to_slots

    assert code not in str(to_slots(chat.state))
    with session_scope(chat.url) as session:
        hashes = session.execute(select(OneTimeCode.code_hash)).scalars().all()
    assert hashes and all(code not in h for h in hashes)


def test_while_the_code_is_awaited_ok_reminds_and_another_customer_code_moves_on(chat: Chat) -> None:
    lock(chat)
    chat.say("có", "affirm")
    waiting = chat.say("ok em", "affirm")
    assert "em đang chờ mã xác thực 6 chữ số" in waiting and '"gửi lại mã"' in waiting
    assert chat.state.awaiting.kind == AWAIT_ONE_TIME_CODE
    other = chat.say(f"thôi xem mã {CUONG} đi", "inform", customer_code=CUONG)
    assert f"mã {CUONG}" in other and "4 số cuối" in other and not MONEY.search(other)
    assert chat.state.awaiting.kind == "digits" and chat.state.awaiting.code == CUONG
