"""One-time codes to the registered phone: the way out when others locked the code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.db.models import OneTimeCode, SmsOutbox
from bot.services import one_time_codes as otp
from bot.services import unit_of_work, verification
from bot.services.one_time_codes import CheckOutcome, IssueState
from bot.services.verification import LockReason, Requester, State
from bot.wording import security as words
from tests.support.demo import BICH, CUONG, PHONES

OWNER = Requester("zalo", "the-customer", persistent=True)
UNKNOWN = "PB05010000099"


def lock_for_everyone(code: str) -> None:
    with unit_of_work() as uow:
        for n in range(4):
            for answer in ("0000", "1111", "2222"):
                verification.verify(uow, code, Requester("rest", f"attacker-{n}"), answer)


def sms_code(uow, code: str) -> str:
    body = (
        uow.session.execute(
            select(SmsOutbox.body).where(SmsOutbox.customer_code == code).order_by(SmsOutbox.id.desc())
        )
        .scalars()
        .first()
    )
    return re.search(r"\b(\d{6})\b", body).group(1)


def other_than(digits: str) -> str:
    return f"{(int(digits) + 1) % 1_000_000:06d}"


def test_a_customer_locked_out_by_others_verifies_with_a_code_sent_to_their_phone(demo_db: str) -> None:
    lock_for_everyone(BICH)
    with unit_of_work() as uow:
        locked = verification.status(uow, BICH, OWNER)
        assert locked.lock is LockReason.CODE
        explained = verification.explain_lock(uow, locked, OWNER)
        assert explained.one_time_code
        assert "gửi mã xác thực 6 chữ số" in words.lock_text(explained, BICH)
        issued = otp.issue(uow, BICH, OWNER)
    assert issued.state is IssueState.SENT and issued.expires_at == clock.now() + otp.TTL
    assert "đã gửi mã xác thực" in words.one_time_code_sent_text(issued)
    with unit_of_work() as uow:
        secret = sms_code(uow, BICH)
        row = uow.session.execute(select(OneTimeCode)).scalars().one()
        assert secret not in row.code_hash and row.code_hash.startswith("$argon2id$")  # hashed at rest
        [shown] = otp.outbox(uow)
        assert shown.to_phone == "0908***321" and PHONES[0] not in shown.body and secret in shown.body
        assert otp.pending(uow, BICH, OWNER)
        wrong = otp.verify(uow, BICH, OWNER, other_than(secret))
        assert wrong.outcome is CheckOutcome.WRONG and wrong.remaining_tries == 2
        assert "còn 2 lần thử" in words.one_time_code_checked_text(wrong)
        # Someone else typing the right code gets nothing: the code is bound to who asked.
        assert otp.verify(uow, BICH, Requester("rest", "attacker-0"), secret).outcome is CheckOutcome.NO_CODE
        done = otp.verify(uow, BICH, OWNER, f"mã là {secret[:3]} {secret[3:]}")
    assert done.outcome is CheckOutcome.VERIFIED and done.status.verified and done.status.just_linked
    with unit_of_work() as uow:
        assert verification.status(uow, BICH, OWNER).verified  # the lock does not apply to them now
        assert not otp.pending(uow, BICH, OWNER)  # used once


def test_three_wrong_codes_burn_it_and_expired_codes_do_nothing(demo_db: str) -> None:
    with unit_of_work() as uow:
        otp.issue(uow, CUONG, OWNER)
        secret = sms_code(uow, CUONG)
        outcomes = [otp.verify(uow, CUONG, OWNER, other_than(secret)).outcome for _ in range(3)]
        assert outcomes == [CheckOutcome.WRONG, CheckOutcome.WRONG, CheckOutcome.NO_CODE]
        assert otp.verify(uow, CUONG, OWNER, secret).outcome is CheckOutcome.NO_CODE  # burned
        otp.issue(uow, CUONG, OWNER)
        fresh = sms_code(uow, CUONG)
    with clock.frozen("2026-11-27T09:10:00"), unit_of_work() as uow:
        late = otp.verify(uow, CUONG, OWNER, fresh)
    assert late.outcome is CheckOutcome.NO_CODE and not late.status.verified
    assert "hết hạn" in words.one_time_code_checked_text(late)


def test_a_waiting_code_can_be_voided(demo_db: str) -> None:
    with unit_of_work() as uow:
        otp.issue(uow, BICH, OWNER)
        secret = sms_code(uow, BICH)
        assert otp.expire(uow, BICH, OWNER) == 1 and not otp.pending(uow, BICH, OWNER)
        assert otp.verify(uow, BICH, OWNER, secret).outcome is CheckOutcome.NO_CODE
        assert otp.expire(uow, BICH, OWNER) == 0


def test_a_new_code_replaces_the_previous_one(demo_db: str) -> None:
    with unit_of_work() as uow:
        otp.issue(uow, BICH, OWNER)
        first = sms_code(uow, BICH)
        otp.issue(uow, BICH, OWNER)
        second = sms_code(uow, BICH)
        if first != second:
            assert otp.verify(uow, BICH, OWNER, first).outcome is CheckOutcome.WRONG
        assert otp.verify(uow, BICH, OWNER, second).outcome is CheckOutcome.VERIFIED


def test_nobody_can_flood_a_customers_phone(demo_db: str) -> None:
    with unit_of_work() as uow:
        states = [otp.issue(uow, BICH, Requester("rest", f"r{n}")).state for n in range(5)]
        assert states == [IssueState.SENT] * 3 + [IssueState.LIMITED] * 2
        limited = otp.issue(uow, BICH, OWNER)
        assert not otp.can_issue(uow, BICH, OWNER)
        assert uow.session.execute(select(func.count(SmsOutbox.id))).scalar_one() == 3
    assert "thử lại sau" in words.one_time_code_sent_text(limited)


def test_a_code_nobody_has_gets_the_same_answer_and_no_sms(demo_db: str) -> None:
    with unit_of_work() as uow:
        unknown = otp.issue(uow, UNKNOWN, OWNER)
        known = otp.issue(uow, BICH, Requester("rest", "other"))
        assert unknown.state is known.state is IssueState.SENT
        assert words.one_time_code_sent_text(unknown) == words.one_time_code_sent_text(known).replace(
            BICH, UNKNOWN
        )
        assert otp.pending(uow, UNKNOWN, OWNER)  # waiting, like any other
        assert uow.session.execute(select(func.count(SmsOutbox.id))).scalar_one() == 1  # only the real one
        for guess in ("000000", "123456", "999999"):
            assert not otp.verify(uow, UNKNOWN, OWNER, guess).status.verified


@pytest.mark.parametrize("answer", ["", "12345", "1234567", "abc", "😀" * 6, "1321", None, "1" * 5000])
def test_answers_that_hold_no_code_cost_no_try(demo_db: str, answer: str | None) -> None:
    with unit_of_work() as uow:
        otp.issue(uow, BICH, OWNER)
        checked = otp.verify(uow, BICH, OWNER, answer)
        assert checked.outcome is CheckOutcome.NOT_A_CODE and checked.status.state is State.NEEDS_ANSWER
        assert uow.session.execute(select(OneTimeCode.attempts)).scalar_one() == 0
    assert words.one_time_code_checked_text(checked) == words.ONE_TIME_CODE_FORMAT


def test_anonymous_requesters_get_no_code(demo_db: str) -> None:
    anonymous = Requester("rest", "anonymous:x", verifiable=False)
    with unit_of_work() as uow:
        refused = otp.issue(uow, BICH, anonymous)
        assert refused.state is IssueState.REFUSED and not otp.can_issue(uow, BICH, anonymous)
    assert "Tổng đài" in words.one_time_code_sent_text(refused)
