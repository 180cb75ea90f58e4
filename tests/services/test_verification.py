"""Verification: answers, the per-requester lock and the per-code ceiling, uniform answers
for unknown codes, links, conversation expiry, web tokens."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.clock import VN_TZ
from bot.db.models import ChannelLink, VerificationAttempt
from bot.services import security_alerts, unit_of_work
from bot.services import verification as v
from bot.services.security_alerts import AlertKind
from bot.services.verification import LockReason, Requester, State
from tests.support.cost import counted
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


def count_attempts(s) -> int:
    return s.session.execute(select(func.count(VerificationAttempt.id))).scalar_one()


def test_three_wrong_answers_lock_the_code_for_that_requester_only(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        first = v.verify(s, BICH, REST_A, "0000")
        assert first.state is State.NEEDS_ANSWER and first.remaining_tries == 2
        assert v.verify(s, BICH, REST_A, "1111").remaining_tries == 1
        locked = v.verify(s, BICH, REST_A, "2222")
    assert locked.state is State.LOCKED and locked.lock is LockReason.REQUESTER
    assert locked.locked_until == at("2026-11-27T09:15:00")
    with unit_of_work(demo_db) as s:
        # Locked for them: not even the right answer is checked, nothing is recorded.
        assert v.verify(s, BICH, REST_A, "1321").state is State.LOCKED
        assert count_attempts(s) == 3
        # Someone else (the customer) is not locked out by them.
        owner = Requester("socketio", "the-customer")
        assert v.status(s, BICH, owner).state is State.NEEDS_ANSWER
        assert v.verify(s, BICH, owner, "1321").verified
        assert v.status(s, CUONG, REST_A).state is State.NEEDS_ANSWER  # other codes unaffected


def test_the_ceiling_locks_the_code_for_everyone_and_alerts(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        for n in range(4):  # 4 requesters x 3 wrong answers, ceiling 10 an hour
            for answer in ("0000", "1111", "2222"):
                result = v.verify(s, BICH, Requester("rest", f"attacker-{n}"), answer)
        assert result.state is State.LOCKED
        assert count_attempts(s) == 10  # the 11th and 12th were not even checked
        owner = Requester("zalo", "the-customer", persistent=True)
        blocked = v.verify(s, BICH, owner, "1321")
        assert blocked.state is State.LOCKED and blocked.lock is LockReason.CODE
        assert blocked.locked_until == at("2026-11-27T10:00:00")
        explained = v.explain_lock(s, blocked, owner)
        assert explained.reason is LockReason.CODE and explained.one_time_code  # the way out
        alerts = security_alerts.recent_alerts(s)
        assert [(a.kind, a.subject) for a in alerts] == [(AlertKind.CODE_LOCKED, BICH)]
    with clock.frozen("2026-11-27T10:00:00"), unit_of_work(demo_db) as s:
        assert v.verify(s, BICH, Requester("zalo", "the-customer", persistent=True), "1321").verified


def test_the_lock_ends_after_15_minutes(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        for answer in ("0000", "1111", "2222"):
            v.verify(s, BICH, REST_A, answer)
    with clock.frozen("2026-11-27T09:14:59"), unit_of_work(demo_db) as s:
        assert v.status(s, BICH, REST_A).state is State.LOCKED
    with clock.frozen("2026-11-27T09:15:00"), unit_of_work(demo_db) as s:
        status = v.status(s, BICH, REST_A)
        assert status.state is State.NEEDS_ANSWER and status.remaining_tries == 3
        assert v.verify(s, BICH, REST_A, "1321").verified


def test_a_requesters_failures_over_several_codes_are_rate_limited(demo_db: str) -> None:
    """One sender guessed 8 times across 4 codes in 5 s (issue 9): 6 an hour at most."""
    codes = [BICH, CUONG, "PB14030000003", "PB05010000099"]  # the last one is nobody's
    with unit_of_work(demo_db) as s:
        results = [v.verify(s, code, REST_A, "0000") for code in codes for _ in range(2)]
        assert [r.state for r in results[:5]] == [State.NEEDS_ANSWER] * 5
        assert {r.lock for r in results[5:]} == {LockReason.SENDER}  # from the 6th on
        limited = v.status(s, "PB11020000010", REST_A)
        assert limited.state is State.LOCKED and limited.lock is LockReason.SENDER
        assert count_attempts(s) == 6
        assert v.explain_lock(s, limited, REST_A).one_time_code is False  # abuse: hotline only


def test_answers_that_are_not_four_digits_cost_no_try(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        for answer in ("", "abc", "12", "13214", "'; DROP TABLE customers; --", "😀" * 50, "9" * 10_000):
            assert v.verify(s, BICH, REST_A, answer).remaining_tries == 3
        assert s.session.execute(select(func.count(VerificationAttempt.id))).scalar_one() == 0


def test_the_whole_phone_number_is_accepted_too(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        assert v.verify(s, BICH, REST_A, "0908 111 321").verified
        assert v.verify(s, CUONG, REST_A, "+84939222654").verified


def test_unknown_codes_are_answered_like_known_ones(demo_db: str) -> None:
    """Codes are sequential: an answer telling known from unknown codes lists customers."""
    unknown = "PB05010000099"
    with unit_of_work(demo_db) as s:
        assert s.customers.get(unknown) is None
        asked = v.status(s, unknown, REST_A)
        assert asked.state is State.NEEDS_ANSWER
        assert replace(asked, code=BICH) == v.status(s, BICH, REST_B)
        for answer in ("1321", "0000"):  # the digits of someone else: still no
            assert v.verify(s, unknown, REST_A, answer).state is State.NEEDS_ANSWER
            assert v.verify(s, BICH, REST_B, "9999").state is State.NEEDS_ANSWER
        unknown_locked = v.verify(s, unknown, REST_A, "4444")
        known_locked = v.verify(s, BICH, REST_B, "4444")
        assert unknown_locked.state is known_locked.state is State.LOCKED
        assert unknown_locked.lock is known_locked.lock is LockReason.REQUESTER
        assert unknown_locked.locked_until == known_locked.locked_until
        assert unknown_locked.customer is known_locked.customer is None
        assert count_attempts(s) == 6  # counted the same way
        # Malformed codes are refused for their form, which is public.
        assert v.status(s, "PB0501", REST_A).state is State.NOT_FOUND


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


def test_a_customer_without_phone_is_asked_like_any_other_and_never_verified(demo_db: str) -> None:
    with unit_of_work(demo_db) as s:
        s.customers.get(CUONG).phone = None
        s.flush()
        assert v.status(s, CUONG, REST_A).state is State.NEEDS_ANSWER
        for answer in ("0000", "2654", "0939222654"):
            assert not v.verify(s, CUONG, REST_A, answer).verified
        assert v.status(s, CUONG, REST_A).state is State.LOCKED
        s.rollback()


def test_anonymous_requesters_are_never_verified(demo_db: str) -> None:
    anonymous = Requester("rest", "anonymous:abc", verifiable=False)
    with unit_of_work(demo_db) as s:
        assert not v.verify(s, BICH, anonymous, "1321").verified
        assert count_attempts(s) == 0
        assert v.verified_codes(s, anonymous) == []


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


def shapes(statements: list[str]) -> list[str]:
    """The statements with their literal values removed (what a timing observer could tell apart)."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in statements]


def test_known_and_unknown_codes_cost_the_same_statements(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comparable timing: the same SQL, in the same order, for a customer's code and a
    code nobody has (status, a wrong answer, the lock)."""
    costs = {}
    for code, who in ((BICH, REST_A), ("PB05010000099", REST_B)):
        with counted(demo_db, monkeypatch) as cost, unit_of_work(demo_db) as s:
            v.status(s, code, who)
            for answer in ("0000", "1111", "2222", "3333"):
                v.verify(s, code, who, answer)
        costs[code] = shapes(cost.statements)
        monkeypatch.undo()
    assert costs[BICH] == costs["PB05010000099"]
    assert len(costs[BICH]) > 10


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
