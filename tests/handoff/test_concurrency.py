"""Two agents take the same handoff at the same moment, each in their own unit of work
(threads, separate connections): exactly one wins, the other is told who has it. Same for
two opens of one conversation and a customer cancelling while an agent takes it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import clock
from bot.db.models import Handoff, HandoffReason
from bot.services import handoff, handoff_desk, unit_of_work
from bot.services.handoff import HandoffRequest
from tests.handoff.conftest import OPEN_HOURS, Team

ROUNDS = 15


def at_once(url: str, *jobs: Callable[[Any], Any]) -> list[Any]:
    """Run each job in its own thread and unit of work, released together."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[Any], Any]) -> None:
        with clock.frozen(OPEN_HOURS):
            barrier.wait()
            for attempt in range(5):
                try:
                    with unit_of_work(url) as uow:
                        results[index] = job(uow)
                    return
                except OperationalError as error:  # SQLite "database is locked": a retry, as the web app does
                    if attempt == 4:
                        results[index] = error
                        return

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_agents_take_the_same_handoff_at_once_one_wins(handoff_db: str, agents: Team) -> None:
    for round_ in range(ROUNDS):
        with unit_of_work(handoff_db) as uow:
            opened = handoff.open_handoff(
                uow, HandoffRequest(f"race-{round_}", "callback", HandoffReason.REQUEST)
            )
        lan, minh = at_once(
            handoff_db,
            lambda s, h=opened.handoff_id: handoff_desk.take(s, h, agents.lan.id),
            lambda s, h=opened.handoff_id: handoff_desk.take(s, h, agents.minh.id),
        )
        assert sorted([lan.ok, minh.ok]) == [False, True], (lan, minh)
        winner, loser = (lan, minh) if lan.ok else (minh, lan)
        assert loser.agent_name == winner.agent_name and loser.status == "active"
        with unit_of_work(handoff_db) as uow:
            row = uow.session.get(Handoff, opened.handoff_id)
            assert row.assigned_agent_id == (agents.lan.id if lan.ok else agents.minh.id)
            notes = [
                m.text for m in handoff_desk.handoff_detail(uow, row.id).messages if m.direction == "system"
            ]
            assert len(notes) == 1  # only the winner's "đã nhận"


def test_two_opens_of_one_conversation_make_one_handoff(handoff_db: str, agents: Team) -> None:
    for round_ in range(ROUNDS):
        who = f"twice-{round_}"
        first, second = at_once(
            handoff_db,
            lambda s, w=who: handoff.open_handoff(s, HandoffRequest(w, "callback", HandoffReason.REQUEST)),
            lambda s, w=who: handoff.open_handoff(s, HandoffRequest(w, "socketio", HandoffReason.REQUEST)),
        )
        assert first.handoff_id == second.handoff_id and first.already_open != second.already_open
        with unit_of_work(handoff_db) as uow:
            count = uow.session.execute(select(func.count(Handoff.id)).where(Handoff.conversation_id == who))
            assert count.scalar_one() == 1


def test_a_customer_cancelling_while_an_agent_takes_ends_one_way(handoff_db: str, agents: Team) -> None:
    for round_ in range(ROUNDS):
        who = f"cancel-{round_}"
        with unit_of_work(handoff_db) as uow:
            opened = handoff.open_handoff(uow, HandoffRequest(who, "callback", HandoffReason.REQUEST))
        taken, cancelled = at_once(
            handoff_db,
            lambda s, h=opened.handoff_id: handoff_desk.take(s, h, agents.lan.id),
            lambda s, w=who: handoff.cancel_by_customer(s, w),
        )
        assert taken.ok != cancelled.cancelled, (taken, cancelled)
        with unit_of_work(handoff_db) as uow:
            status = uow.session.get(Handoff, opened.handoff_id).status
        assert status == ("active" if taken.ok else "cancelled")
