"""Fixtures of the handoff and desk service tests (on SQLite and PostgreSQL, through the
shared ``clean_db_url`` of tests/conftest.py).

- ``uow``: a unit of work on a migrated, emptied database, the clock frozen at Friday
  27/11/2026 09:00 (inside the desk's default working hours); committed at the end.
- ``agents``: two agents and a supervisor; the two agents' desk pages are open (online).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot import clock
from bot.services import UnitOfWork, desk_auth, unit_of_work
from bot.services.desk_auth import AgentInfo

OPEN_HOURS = "2026-11-27T09:00:00"  # a Friday
PASSWORD = "mật-khẩu-đủ-dài-2026"


@pytest.fixture
def handoff_db(clean_db_url: str) -> Iterator[str]:
    """The migrated database of this backend, emptied after the test, clock frozen."""
    with clock.frozen(OPEN_HOURS):
        yield clean_db_url


@pytest.fixture
def uow(handoff_db: str) -> Iterator[UnitOfWork]:
    with unit_of_work(handoff_db) as work:
        yield work


@dataclass(frozen=True)
class Team:
    lan: AgentInfo
    minh: AgentInfo
    boss: AgentInfo


def online(uow: UnitOfWork, agent: AgentInfo, seconds: int = 90) -> int:
    """The agent opens the desk page (a live connection for ``seconds``); the session id."""
    _token, info = desk_auth.start_session(uow, agent.id)
    desk_auth.mark_present(uow, info.id, seconds)
    return info.id


@pytest.fixture
def agents(uow: UnitOfWork) -> Team:
    team = Team(
        desk_auth.create_agent(uow, "lan", "Lan", PASSWORD),
        desk_auth.create_agent(uow, "minh", "Minh", PASSWORD),
        desk_auth.create_agent(uow, "boss", "Chị Hoa", PASSWORD, role="supervisor"),
    )
    for agent in (team.lan, team.minh):
        online(uow, agent, seconds=8 * 3600)  # their desk page stays open all day
    uow.commit()
    return team
