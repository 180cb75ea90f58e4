"""Reading Rasa's SQL event broker: its ``events`` table (id, sender_id, data JSON), in id
order from where the desk got to. The position is kept in the utility database
(``desk_broker_cursors``), so a restarted desk neither loses nor repeats an event.

The table is Rasa's (``rasa.core.brokers.sql.SQLEventBroker``); it lives in its own
database (``EVENT_BROKER_URL``), not the utility one, so this reader has its own engine.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import clock
from bot.db.uow import UnitOfWork

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The broker's database could not be read (down, locked, missing)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # Rasa keeps writing while we read
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


class SqlEventTable:
    """Rasa's SQL broker table, read in batches."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = "sql:" + hashlib.sha256(url.encode()).hexdigest()[:16]  # the cursor's name
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        if make_url(url).get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    def read(self, after: int, limit: int) -> list[tuple[int, dict[str, Any] | None]]:
        """(id, event) after ``after``, oldest first; an event that is not a JSON object is None."""
        try:
            with self.engine.connect() as connection:
                if not inspect(connection).has_table("events"):
                    return []  # Rasa has not started yet
                rows = connection.execute(
                    text("SELECT id, data FROM events WHERE id > :after ORDER BY id LIMIT :limit"),
                    {"after": after, "limit": limit},
                ).all()
        except (SQLAlchemyError, OSError) as error:
            raise BrokerUnavailable(type(error).__name__) from error
        return [(int(row[0]), _event(int(row[0]), row[1])) for row in rows]

    def close(self) -> None:
        self.engine.dispose()


def _event(event_id: int, data: str | None) -> dict[str, Any] | None:
    try:
        payload = json.loads(data or "{}")
    except ValueError:
        log.warning("broker event %s is not JSON; skipped", event_id)
        return None
    return payload if isinstance(payload, dict) else None


def position(uow: UnitOfWork, name: str) -> int:
    return uow.desk.cursor(name)


def advance(uow: UnitOfWork, name: str, to: int) -> None:
    uow.desk.save_cursor(name, to, clock.now())
