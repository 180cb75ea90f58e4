"""Engines and sessions.

Decision of the house: the bot uses synchronous sessions; async code (actions, the
web app) runs them off the event loop with ``asyncio.to_thread``. There is no
async engine.

- :func:`make_engine` gives one engine per database URL (cached, thread-safe).
- :func:`session_scope` is a unit of work: commit on success, rollback on error.
  Sessions do not expire objects on commit, so rows returned from a scope can be
  read after it ends (relationships not loaded inside the scope cannot).

SQLite (the embedded default under ``var/``) gets WAL journaling, a 5 s busy
timeout and foreign keys ON on every connection. Use a file, not ``:memory:``:
an in-memory database is private to one thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.config import load_settings

SQLITE_BUSY_TIMEOUT_MS = 5000

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_factories: dict[int, sessionmaker] = {}


def database_url() -> str:
    """The configured URL (``DATABASE_URL`` or the SQLite file under ``var/``)."""
    return load_settings().database_url


def make_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured URL), created once per URL."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            _engines[url] = engine
        return engine


def session_factory(engine: Engine) -> sessionmaker:
    with _lock:
        factory = _factories.get(id(engine))
        if factory is None:
            factory = sessionmaker(bind=engine, future=True, expire_on_commit=False)
            _factories[id(engine)] = factory
        return factory


@contextmanager
def session_scope(url_or_engine: str | Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    session: Session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Close every cached engine's connections and forget them (tests, shutdown)."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
        _factories.clear()
    for engine in engines:
        engine.dispose()


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
