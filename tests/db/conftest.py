"""Fixtures for the data-layer tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL: ``TEST_POSTGRES_URL`` (default ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``,
trust auth). Each database a test gets is a uniquely named schema, selected with
``search_path`` in the URL and dropped afterwards, so concurrent runs never collide.
When the server is unreachable the PostgreSQL variants are skipped, saying why.

- ``backend``: "sqlite" or "postgresql" (parametrised).
- ``new_db_url``: a factory of fresh, empty databases on ``backend``.
- ``empty_db_url``: one fresh, empty database.
- ``db_url``: a migrated database shared by the session; rows are deleted after each test.
- ``session``: a session on ``db_url`` (committed at the end of the test, then cleaned).
- ``tariffs``: the tariff tables loaded from data/tariffs.yml into ``db_url``.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bot.db import migrate
from bot.db.models import metadata
from bot.db.session import dispose_engines, session_scope

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")

_run_token = uuid.uuid4().hex[:8]
_counter = itertools.count(1)


def _pg_admin_engine() -> tuple[Engine | None, str]:
    engine = create_engine(PG_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "not available here"
        engine.dispose()
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        first_line = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return None, f"PostgreSQL not reachable at {shown}: {first_line}"
    return engine, ""


@dataclass
class PgServer:
    engine: Engine
    schemas: list[str] = field(default_factory=list)

    def new_schema_url(self) -> str:
        schema = f"utility_test_{_run_token}_{next(_counter)}"
        with self.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        separator = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    engine, reason = _pg_admin_engine()
    if engine is None:
        pytest.skip(reason)
    server = PgServer(engine)
    yield server
    dispose_engines()
    with engine.begin() as connection:
        for schema in server.schemas:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def new_db_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """Call it for a fresh, empty database on the current backend."""
    if backend == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        return server.new_schema_url

    def sqlite_url() -> str:
        folder: Path = tmp_path_factory.mktemp("sqlite")
        return f"sqlite:///{folder / 'utility.db'}"

    return sqlite_url


@pytest.fixture
def empty_db_url(new_db_url: Callable[[], str]) -> str:
    return new_db_url()


@pytest.fixture(scope="session")
def db_url(new_db_url: Callable[[], str]) -> str:
    url = new_db_url()
    migrate.upgrade(url)
    return url


def delete_all_rows(url: str) -> None:
    with session_scope(url) as session:
        for table in reversed(metadata.sorted_tables):
            session.execute(delete(table))


@pytest.fixture
def clean_db_url(db_url: str) -> Iterator[str]:
    """``db_url``, emptied again after the test."""
    yield db_url
    delete_all_rows(db_url)


@pytest.fixture
def session(clean_db_url: str) -> Iterator[Session]:
    with session_scope(clean_db_url) as session:
        yield session


@pytest.fixture
def tariffs(clean_db_url: str) -> None:
    from bot.db import tariff_sync

    tariff_sync.run(clean_db_url)
