"""Property-based tests of the verification service (hypothesis): answers and codes of
any shape never raise, never verify without the right digits, and never record more
failures than the locks allow."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot import clock
from bot.db.models import VerificationAttempt
from bot.services import unit_of_work, verification
from bot.services.verification import Requester, State
from tests.support import demo
from tests.support.demo import BICH, CUONG

RIGHT = {BICH: {"1321", "0908111321"}, CUONG: {"2654", "0939222654"}}
UNKNOWN = "PB05010000099"  # well formed, nobody's

answers = st.one_of(
    st.text(max_size=300),
    st.from_regex(r"\A[0-9 .+-]{0,16}\Z"),
    st.sampled_from(["1321", "13 21", "0908111321", "+84 908 111 321", "2654", "0000", "😀" * 3, ""]),
    st.builds(
        lambda a, b: f"{a} {b}",
        st.sampled_from(["4 số cuối là", "'; DROP TABLE x; --"]),
        st.text(max_size=20),
    ),
)
codes = st.one_of(
    st.sampled_from([BICH, CUONG, UNKNOWN, "pb 0501 0000001", "PB0501", ""]), st.text(max_size=40)
)
requesters = st.builds(
    Requester,
    channel=st.sampled_from(["rest", "socketio", "zalo", "facebook", "webchat"]),
    user_id=st.sampled_from(["u1", "u2", "u3", "x" * 128]),
    persistent=st.booleans(),
)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def recorded(uow) -> list[tuple[str, str, str, bool]]:
    rows = uow.session.execute(
        select(
            VerificationAttempt.customer_code,
            VerificationAttempt.channel,
            VerificationAttempt.channel_user_id,
            VerificationAttempt.success,
        )
    ).all()
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


@PROPERTY
@given(code=codes, who=requesters, answer=answers)
def test_any_answer_to_any_code_never_raises_and_needs_the_right_digits(
    demo_db_url: str, code: str, who: Requester, answer: str
) -> None:
    demo.reset_identity(demo_db_url)
    with clock.frozen(demo.NOW), unit_of_work(demo_db_url) as uow:
        result = verification.verify(uow, code, who, answer)
        assert isinstance(result, verification.Status)
        normalized = verification.normalize_code(code)
        right = RIGHT.get(normalized, set())
        assert result.verified == (verification.answer_digits(answer) in right)
        if not result.verified:
            assert result.customer is None  # nothing about the customer before verification


@PROPERTY
@given(
    steps=st.lists(
        st.tuples(st.sampled_from([BICH, CUONG, UNKNOWN]), requesters, answers), min_size=1, max_size=25
    )
)
def test_sequences_never_record_more_failures_than_the_locks_allow(
    demo_db_url: str, steps: list[tuple[str, Requester, str]]
) -> None:
    """All answers within a minute: at most 3 failures per (code, requester), at most
    the ceiling per code, at most the sender limit per requester; a success only with
    the right digits, and never after the requester's or the code's lock."""
    demo.reset_identity(demo_db_url)
    ceiling = verification.load_settings().verify_code_ceiling_per_hour
    sender_limit = verification.load_settings().rate_sender_failures_per_hour
    with clock.frozen(demo.NOW), unit_of_work(demo_db_url) as uow:
        for code, who, answer in steps:
            before = verification.status(uow, code, who)
            after = verification.verify(uow, code, who, answer)
            if after.verified and not before.verified:
                assert before.state is State.NEEDS_ANSWER
                assert verification.answer_digits(answer) in RIGHT[code]
            if before.state is State.LOCKED:
                assert after.state is State.LOCKED  # nothing is judged during a lock
        rows = recorded(uow)
    failures = [(code, channel, user) for code, channel, user, success in rows if not success]
    assert max(Counter(failures).values(), default=0) <= verification.MAX_FAILURES
    assert max(Counter(code for code, _, _ in failures).values(), default=0) <= ceiling
    assert max(Counter((c, u) for _, c, u in failures).values(), default=0) <= sender_limit
    successes = Counter((code, channel, user) for code, channel, user, success in rows if success)
    assert max(successes.values(), default=0) <= 1  # once verified, nothing more is judged
