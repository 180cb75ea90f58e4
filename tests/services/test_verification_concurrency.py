"""The 3-try lock under real concurrency (issue 9, item 3), on SQLite and PostgreSQL.

Before the guard, 20 concurrent wrong answers recorded 6 attempts within 100 ms, and a
correct answer among 4 concurrent ones was accepted while the code should have been
locked. Each test starts its answers together (a barrier) from threads or processes,
each with its own connection and unit of work, as several action servers would.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from sqlalchemy import select

from bot import clock
from bot.db import migrate
from bot.db.models import VerificationAttempt
from bot.db.session import dispose_engines, session_scope
from bot.services import unit_of_work, verification
from bot.services.verification import Requester, State
from tests.db.builders import add_customer

NOW = "2026-11-27T09:00:00"
CUSTOMERS = 12  # PB05010000101.. with phones ending 1101..
WRONG = "0000"


def code_of(n: int) -> str:
    return f"PB0501{100 + n:07d}"


def digits_of(n: int) -> str:
    return f"{1100 + n:04d}"


@pytest.fixture(scope="module")
def race_db(new_db_url: Callable[[], str]) -> str:
    url = new_db_url()
    migrate.upgrade(url)
    with session_scope(url) as session:
        for n in range(1, CUSTOMERS + 1):
            add_customer(session, code_of(n), phone=f"090810{digits_of(n)}")
    return url


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def answer(url: str, code: str, who: Requester, text: str, barrier: threading.Barrier | None) -> State:
    if barrier is not None:
        barrier.wait(timeout=30)
    with clock.frozen(NOW), unit_of_work(url) as uow:
        return verification.verify(uow, code, who, text).state


def attempts(url: str, code: str) -> list[tuple[str, bool]]:
    with session_scope(url) as session:
        rows = session.execute(
            select(VerificationAttempt.channel_user_id, VerificationAttempt.success)
            .where(VerificationAttempt.customer_code == code)
            .order_by(VerificationAttempt.id)
        ).all()
    return [(row[0], bool(row[1])) for row in rows]


def run_together(jobs: list[tuple[str, Requester, str]], url: str) -> list[State]:
    barrier = threading.Barrier(len(jobs))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(answer, url, code, who, text, barrier) for code, who, text in jobs]
        return [f.result(timeout=120) for f in futures]


def test_20_concurrent_wrong_answers_record_3_attempts(race_db: str, frozen: None) -> None:
    code, who = code_of(1), Requester("rest", "racer")
    states = run_together([(code, who, WRONG)] * 20, race_db)
    assert len(attempts(race_db, code)) == verification.MAX_FAILURES
    assert states.count(State.LOCKED) == 20 - 2  # the third answer locked; the rest were refused
    with unit_of_work(race_db) as uow:
        assert verification.status(uow, code, who).state is State.LOCKED


def test_20_concurrent_requesters_stop_at_the_codes_ceiling(race_db: str, frozen: None) -> None:
    code = code_of(2)
    jobs = [(code, Requester("rest", f"racer-{n}"), WRONG) for n in range(20)]
    run_together(jobs, race_db)
    recorded = attempts(race_db, code)
    assert len(recorded) == 10 and not any(success for _, success in recorded)
    with unit_of_work(race_db) as uow:
        assert (
            verification.status(uow, code, Requester("rest", "someone")).lock is verification.LockReason.CODE
        )


@pytest.mark.parametrize("round_", range(6))
def test_a_right_answer_among_concurrent_wrong_ones_never_beats_the_lock(
    race_db: str, frozen: None, round_: int
) -> None:
    """3 wrong + 1 right at once: the right one counts only if judged before the third wrong."""
    n = 3 + round_
    code, who = code_of(n), Requester("rest", f"mixed-{round_}")
    texts = [WRONG, "1111", "2222", digits_of(n)]
    random.Random(round_).shuffle(texts)
    run_together([(code, who, text) for text in texts], race_db)
    recorded = attempts(race_db, code)
    failures_before_success = next((i for i, (_, success) in enumerate(recorded) if success), None)
    failures = sum(1 for _, success in recorded if not success)
    assert failures <= verification.MAX_FAILURES
    with unit_of_work(race_db) as uow:
        verified = verification.status(uow, code, who).verified
    if failures_before_success is None:
        assert not verified and failures == verification.MAX_FAILURES
    else:
        assert verified and failures_before_success < verification.MAX_FAILURES
        assert recorded[failures_before_success + 1 :] == []  # nothing judged after the success


# ----------------------------------------------------------------------- processes


def _process_answer(url: str, code: str, user: str, text: str, start: float) -> str:
    import time

    time.sleep(max(0.0, start - time.time()))  # start together
    return answer(url, code, Requester("rest", user), text, None).value


def test_processes_answering_together_record_3_attempts(race_db: str, frozen: None) -> None:
    """Like several action servers: separate processes, separate connections."""
    import time

    code = code_of(CUSTOMERS)
    dispose_engines()  # no pooled connection may cross the fork
    context = multiprocessing.get_context("fork")
    start = time.time() + 1.5
    with ProcessPoolExecutor(max_workers=6, mp_context=context) as pool:
        futures = [pool.submit(_process_answer, race_db, code, "proc", WRONG, start) for _ in range(12)]
        states = [f.result(timeout=120) for f in futures]
    assert len(attempts(race_db, code)) == verification.MAX_FAILURES
    assert states.count(State.LOCKED.value) == 12 - 2
