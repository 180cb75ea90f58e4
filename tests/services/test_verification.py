"""Verification: answers, the per-code lock, links, conversation expiry, web tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.clock import VN_TZ
from bot.db.models import ChannelLink, VerificationAttempt
from bot.services import unit_of_work
from bot.services import verification as v
from bot.services.verification import Requester, State
from tests.support.demo import BICH, CUONG

REST_A = Requester("rest", "sender-a")
REST_B = Requester("rest", "sender-b")
ZALO = Requester("zalo", "zalo-user-1", persistent=True)


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=VN_TZ)


def test_right_answer_verifies_for_this_conversation_only(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_A).state is State.NEEDS_ANSWER
        assert v.verify(s, BICH, REST_A, "1321").verified
    with unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_A).verified
        assert v.status(s, BICH, REST_B).state is State.NEEDS_ANSWER  # another sender id
        assert v.status(s, CUONG, REST_A).state is State.NEEDS_ANSWER  # another code
        assert s.identity.linked_codes("rest", "sender-a") == []  # never linked


def test_conversation_verification_expires_after_30_minutes(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        v.verify(s, BICH, REST_A, "1321")
    with clock.frozen("2026-11-27T09:29:00"), unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_A).verified
    with clock.frozen("2026-11-27T09:31:00"), unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_A).state is State.NEEDS_ANSWER


def test_zalo_and_messenger_users_stay_linked(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        result = v.verify(s, BICH, ZALO, "13 21")
        assert result.verified and result.just_linked
    with clock.frozen("2026-12-20T10:00:00"), unit_of_work(demo_db) as s:  # weeks later
        assert v.status(s, BICH, ZALO).verified
        assert v.verified_codes(s, ZALO) == [BICH]


def test_three_wrong_answers_lock_the_code_for_every_sender(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        first = v.verify(s, BICH, REST_A, "0000")
        assert first.state is State.NEEDS_ANSWER and first.remaining_tries == 2
        assert v.verify(s, BICH, REST_A, "1111").remaining_tries == 1
        locked = v.verify(s, BICH, REST_A, "2222")
    assert locked.state is State.LOCKED
    assert locked.locked_until == at("2026-11-27T09:15:00")
    with unit_of_work(demo_db) as s:
        # A new sender id buys no new guesses, not even with the right answer.
        fresh = Requester("socketio", "brand-new-session")
        assert v.status(s, BICH, fresh).state is State.LOCKED
        assert v.verify(s, BICH, fresh, "1321").state is State.LOCKED
        # Nothing is recorded while locked.
        count = s.session.execute(select(func.count(VerificationAttempt.id))).scalar_one()
        assert count == 3
        assert v.status(s, CUONG, fresh).state is State.NEEDS_ANSWER  # other codes unaffected


def test_the_lock_ends_after_15_minutes(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        for answer in ("0000", "1111", "2222"):
            v.verify(s, BICH, REST_A, answer)
    with clock.frozen("2026-11-27T09:14:59"), unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_B).state is State.LOCKED
    with clock.frozen("2026-11-27T09:15:00"), unit_of_work(demo_db) as s:
        status = v.status(s, BICH, REST_B)
        assert status.state is State.NEEDS_ANSWER and status.remaining_tries == 3
        assert v.verify(s, BICH, REST_B, "1321").verified


def test_failures_from_different_senders_add_up(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        v.verify(s, BICH, Requester("rest", "s1"), "0000")
        v.verify(s, BICH, Requester("rest", "s2"), "0000")
        assert v.verify(s, BICH, Requester("socketio", "s3"), "0000").state is State.LOCKED


def test_answers_that_are_not_four_digits_cost_no_try(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        for answer in ("", "abc", "12", "13214", "'; DROP TABLE customers; --", "😀" * 50, "9" * 10_000):
            assert v.verify(s, BICH, REST_A, answer).remaining_tries == 3
        assert s.session.execute(select(func.count(VerificationAttempt.id))).scalar_one() == 0


def test_the_whole_phone_number_is_accepted_too(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        assert v.verify(s, BICH, REST_A, "0908 111 321").verified
        assert v.verify(s, CUONG, REST_A, "+84939222654").verified


def test_unknown_codes_are_not_found_and_record_nothing(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        assert v.status(s, "PB99990000001", REST_A).state is State.NOT_FOUND
        assert v.verify(s, "PB99990000001", REST_A, "1321").state is State.NOT_FOUND
        assert s.session.execute(select(func.count(VerificationAttempt.id))).scalar_one() == 0


def test_require_verified_raises_with_the_reason(demo_db: str) -> None:
    with unit_of_work(demo_db) as s, pytest.raises(v.NotVerified) as refused:
        v.require_verified(s, BICH, REST_A)
    assert refused.value.status.state is State.NEEDS_ANSWER


def test_unlink_removes_the_link_and_the_conversation_proof(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        v.verify(s, BICH, ZALO, "1321")
        v.verify(s, CUONG, ZALO, "2654")
        assert v.verified_codes(s, ZALO) == [BICH, CUONG]  # several codes per user
        assert v.unlink(s, BICH, ZALO)
        assert v.verified_codes(s, ZALO) == [CUONG]
        assert s.session.execute(select(func.count(ChannelLink.id))).scalar_one() == 1
        assert not v.unlink(s, BICH, ZALO)  # nothing left to remove
        v.verify(s, BICH, REST_A, "1321")
        assert v.unlink(s, BICH, REST_A)
        assert v.status(s, BICH, REST_A).state is State.NEEDS_ANSWER


def test_a_customer_without_phone_cannot_be_verified_by_chat(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        s.customers.get(CUONG).phone = None
        s.flush()
        assert v.status(s, CUONG, REST_A).state is State.NO_PHONE
        s.rollback()


def test_lock_window_replays_attempts() -> None:
    t0 = at("2026-11-27T08:00:00")
    minutes = [timedelta(minutes=m) for m in range(60)]
    three = [(t0, False), (t0 + minutes[5], False), (t0 + minutes[10], False)]
    assert v.lock_window(three, t0 + minutes[11]).locked_until == t0 + minutes[25]
    # Spread over more than 15 minutes: no lock, one failure still counts.
    spread = [(t0, False), (t0 + minutes[16], False), (t0 + minutes[33], False)]
    window = v.lock_window(spread, t0 + minutes[34])
    assert window.locked_until is None and window.failures == 1
    # A success in between starts the count afresh.
    reset = [(t0, False), (t0 + minutes[1], False), (t0 + minutes[2], True), (t0 + minutes[3], False)]
    assert v.lock_window(reset, t0 + minutes[4]) == v.LockWindow(None, 1)


def test_names_are_masked() -> None:
    assert v.mask_name("Trần Thị Bích") == "Tr*** T*** B***"
    assert v.mask_name("Lê Văn Cường") == "L*** V*** C***"  # a 2-letter family name shows one
    assert v.mask_name("") == ""
    assert v.mask_name(None) == ""


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("1321", "1321"),
        ("13 21", "1321"),
        ("4 số cuối là 1321 nha", "1321"),
        ("0908111321", "0908111321"),
        ("+84 908 111 321", "0908111321"),
        ("12345", None),
        ("1321 hoặc 5678", None),
        ("", None),
        (None, None),
    ],
)
def test_answer_digits(text: str | None, answer: str | None) -> None:
    assert v.answer_digits(text) == answer


def _meta(kind: str, key: str, **extra: str) -> dict:
    return {"identity": v.identity(kind, key), **extra}


def test_requesters_come_from_the_identity_the_channel_derived() -> None:
    zalo = v.requester_for("zalo", "zalo:u1", _meta("platform", "u1"))
    assert zalo == Requester("zalo", "u1", persistent=True)
    assert v.requester_for("facebook", "facebook:u2", _meta("platform", "u2")).persistent
    rest = v.requester_for("rest", "u3", _meta("session", "k3"))
    assert rest == Requester("rest", "k3", persistent=False)  # the credential's key, not the sender id
    long_key = v.requester_for("socketio", "s", {"identity": {"kind": "session", "key": "x" * 10_000}})
    assert not long_key.verifiable  # a malformed identity is no identity
    token = v.sign_web_token("customer-42", 4_102_444_800, secret="s3cret")
    web = v.requester_for("socketio", "web:1", _meta("session", "k4", web_token=token), secret="s3cret")
    assert web == Requester(v.WEB_CHANNEL, "customer-42", persistent=True)
    # Forged, expired or unsigned tokens are ignored: the session stays conversation-only.
    forged = v.requester_for("socketio", "s", _meta("session", "k", web_token=token), secret="other")
    assert not forged.persistent
    assert not v.requester_for(
        "socketio", "s", _meta("session", "k", web_token=token + "0"), secret="s3cret"
    ).persistent
    expired = v.sign_web_token("customer-42", 1, secret="s3cret")
    assert v.verify_web_token(expired, secret="s3cret") is None
    assert v.verify_web_token(token, secret="") is None  # no secret configured: never trusted


@pytest.mark.parametrize(
    ("channel", "metadata"),
    [
        ("zalo", None),  # the issue 9 #2 attack: "input_channel": "zalo" over REST, no identity
        ("zalo", {"identity": {"kind": "session", "key": "k"}}),  # a session is never a platform id
        ("rest", {"identity": {"kind": "platform", "key": "u1"}}),  # platform identity off its channel
        ("rest", {"identity": "u1"}),
        (None, None),
        ("socketio", {"web_token": "forged"}),
    ],
)
def test_anything_without_a_fitting_identity_is_anonymous(channel, metadata) -> None:
    requester = v.requester_for(channel, "u1", metadata)
    assert not requester.verifiable and not requester.persistent
    assert requester.user_id.startswith("anonymous:")


def test_anonymous_requesters_can_never_be_verified(demo_db: str) -> None:
    anonymous = v.requester_for("zalo", "zalo:z9", None)
    with unit_of_work(demo_db) as s:
        result = v.verify(s, BICH, anonymous, "1321")  # the right digits
        assert not result.verified
        assert s.session.execute(select(func.count()).select_from(VerificationAttempt)).scalar_one() == 0
        assert v.verified_codes(s, anonymous) == []
        assert s.identity.linked_codes("zalo", "z9") == []

