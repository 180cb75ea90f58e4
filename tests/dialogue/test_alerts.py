"""Outage notices subscribed and stopped in the conversation (demo data, 27/11/2026 09:00):
the code and the digits first (or the one-time code out of a lock), the channel that can
be reached later, stopping without verification."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from bot.db.models import NoticeSubscription, SmsOutbox
from bot.db.session import session_scope
from bot.services import notices, unit_of_work, verification
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, CUONG, DIGITS, Chat


@pytest.fixture
def web(chat: Chat) -> Iterator[Chat]:
    """A widget visitor (socketio: conversation ids ``web:<hash>``)."""
    chat.channel, chat.sender = "socketio", f"web:{chat.sender}"
    yield chat
    with session_scope(chat.url) as session:
        session.execute(delete(NoticeSubscription))


def active(chat: Chat) -> list[tuple[str, str, bool]]:
    with session_scope(chat.url) as session:
        rows = session.execute(
            select(NoticeSubscription).where(NoticeSubscription.conversation_id == chat.sender)
        ).scalars()
        return [(r.channel, r.customer_code, r.active) for r in rows]


def test_subscribing_asks_the_digits_then_subscribes_the_area(web: Chat) -> None:
    asked = web.say(f"báo cho tôi khi cúp điện mã {BICH}", "subscribe_alerts", customer_code=BICH)
    assert "4 số cuối" in asked and active(web) == []
    said = web.say(DIGITS[BICH], "inform")
    assert "em đã xác thực xong mã PB05010000001" in said
    assert "em đã đăng ký cho anh/chị nhận thông báo cúp điện của khu vực" in said
    assert "trước ít nhất 5 ngày" in said and "/unsubscribe_alerts" in web.payloads()
    assert active(web) == [("socketio", BICH, True)]
    again = web.say("đăng ký nhận thông báo cúp điện", "subscribe_alerts")
    assert "đã đăng ký nhận thông báo cúp điện cho mã PB05010000001" in again and "rồi ạ" in again
    stopped = web.say("thôi đừng gửi thông báo nữa", "unsubscribe_alerts")
    assert "em đã ngừng gửi thông báo cúp điện cho mã PB05010000001" in stopped
    assert active(web) == [("socketio", BICH, False)]


def test_without_a_code_the_code_is_asked_first(web: Chat) -> None:
    asked = web.say("có lịch cúp điện thì báo em với", "subscribe_alerts")
    assert "mã khách hàng" in asked and web.state.awaiting.kind == "customer_code"
    assert "4 số cuối" in web.say(CUONG, "inform", customer_code=CUONG)
    assert "đã đăng ký" in web.say(DIGITS[CUONG], "inform")
    assert active(web) == [("socketio", CUONG, True)]


def test_a_linked_zalo_user_subscribes_at_once(chat: Chat) -> None:
    chat.channel, chat.sender = "zalo", "zalo:4242"
    with unit_of_work(chat.url) as uow:
        uow.identity.link("zalo", "zalo:4242", BICH)
    try:
        said = chat.say("đăng ký nhận thông báo cúp điện", "subscribe_alerts")
        assert "em đã đăng ký" in said and "4 số cuối" not in said
        assert "48 giờ" in said  # Zalo's window, said so
        assert active(chat) == [("zalo", BICH, True)]
    finally:
        with session_scope(chat.url) as session:
            session.execute(delete(NoticeSubscription))


def test_plain_rest_is_told_where_to_subscribe(chat: Chat) -> None:
    said = chat.say(f"báo cúp điện cho mã {BICH}", "subscribe_alerts", customer_code=BICH)
    assert "chưa nhận được tin nhắn chủ động" in said and "Zalo" in said and "4 số cuối" not in said
    assert "chưa đăng ký nhận thông báo" in chat.say("ngừng nhận thông báo", "unsubscribe_alerts")


def test_a_locked_code_subscribes_after_the_one_time_code(web: Chat) -> None:
    web.say(f"nhận thông báo cúp điện mã {BICH}", "subscribe_alerts", customer_code=BICH)
    for wrong in ("0000", "0001"):
        web.say(wrong, "inform")
    assert "SMS" in web.say("0002", "inform") and active(web) == []
    assert "đã gửi mã xác thực" in web.say("có", "affirm")
    with session_scope(web.url) as session:
        body = session.execute(select(SmsOutbox.body)).scalar_one()
    said = web.say(re.search(r"\bla (\d{6}),", body).group(1), "inform")
    assert "xác thực xong" in said and "em đã đăng ký" in said
    assert active(web) == [("socketio", BICH, True)]
    with unit_of_work(web.url) as uow:
        assert verification.verified_codes(uow, Requester("socketio", web.sender)) == [BICH]


def test_stopping_needs_no_verification(web: Chat) -> None:
    with unit_of_work(web.url) as uow:
        uow.identity.record_attempt(BICH, "socketio", web.sender, True)
        notices.subscribe(uow, Requester("socketio", web.sender), web.sender, "socketio", BICH)
    with unit_of_work(web.url) as uow:
        uow.identity.forget_successes("socketio", web.sender, BICH)
    said = web.say("huy dang ky thong bao", "unsubscribe_alerts")
    assert "em đã ngừng gửi thông báo cúp điện cho mã PB05010000001" in said and "4 số cuối" not in said
