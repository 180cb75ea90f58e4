"""Fixtures of the handoff and desk service tests: each test runs on SQLite and on PostgreSQL.

PostgreSQL: ``TEST_POSTGRES_URL`` (default ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``,
trust auth); each database is a fresh schema, dropped at the end. When the server is not
reachable the PostgreSQL variants skip, saying why.

- ``db_url``: a migrated database (per backend, shared by the session, emptied after each test)
- ``session``: a unit of work on it, committed at the end of the test
- ``agents``: two agents and a supervisor, online (their desk page connected)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot import clock
from bot.db import migrate
from bot.db.models import metadata
from bot.db.session import dispose_engines, session_scope
from bot.services import desk_auth
from bot.services.desk_auth import AgentInfo

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
# Friday 27/11/2026 09:00, Vietnam time: inside the default working hours.
OPEN_HOURS = "2026-11-27T09:00:00"
PASSWORD = "mật-khẩu-đủ-dài-2026"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[object]:
    engine = create_engine(PG_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # unreachable: the PostgreSQL variants skip
        engine.dispose()
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    schemas: list[str] = []
    yield engine, schemas
    dispose_engines()
    with engine.begin() as connection:
        for schema in schemas:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url_shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('handoff') / 'utility.db'}"
    else:
        engine, schemas = request.getfixturevalue("pg_admin")
        schema = f"handoff_test_{uuid.uuid4().hex[:10]}"
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        separator = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def db_url(db_url_shared: str) -> Iterator[str]:
    with clock.frozen(OPEN_HOURS):
        yield db_url_shared
    with session_scope(db_url_shared) as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(delete(table))


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with session_scope(db_url) as session:
        yield session


@dataclass(frozen=True)
class Team:
    lan: AgentInfo
    minh: AgentInfo
    boss: AgentInfo


def online(session: Session, agent: AgentInfo, seconds: int = 90) -> int:
    _token, info = desk_auth.start_session(session, agent.id)
    desk_auth.mark_present(session, info.id, seconds)
    return info.id


@pytest.fixture
def agents(session: Session) -> Team:
    team = Team(
        desk_auth.create_agent(session, "lan", "Lan", PASSWORD),
        desk_auth.create_agent(session, "minh", "Minh", PASSWORD),
        desk_auth.create_agent(session, "boss", "Chị Hoa", PASSWORD, role="supervisor"),
    )
    for agent in (team.lan, team.minh):
        online(session, agent, seconds=8 * 3600)  # their desk page stays open all day
    session.commit()
    return team
