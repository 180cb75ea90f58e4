"""PostgreSQL for the tests: ``TEST_POSTGRES_URL`` (default
``postgresql+psycopg2://postgres@127.0.0.1:5432/test``, trust auth). Each database a test
gets is a uniquely named schema, selected with ``search_path`` in the URL and dropped
afterwards, so concurrent runs never collide. When the server is unreachable the
PostgreSQL variants are skipped, saying why."""

from __future__ import annotations

import itertools
import os
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")

_run_token = uuid.uuid4().hex[:8]
_counter = itertools.count(1)


def admin_engine() -> tuple[Engine | None, str]:
    """An engine on the server, or None and the reason it is not reachable."""
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

    def new_schema_url(self, prefix: str = "utility_test") -> str:
        schema = f"{prefix}_{_run_token}_{next(_counter)}"
        with self.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        separator = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"

    def drop_all(self) -> None:
        with self.engine.begin() as connection:
            for schema in self.schemas:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.engine.dispose()
