"""Schema migrations (Alembic, configured from code: no alembic.ini).

``upgrade()`` brings the configured database (or ``database_url``) to the newest
revision. Our version table is ``utility_alembic_version`` and only our own tables
are touched, so the database can be shared with Rasa's tracker store.

On SQLite, batch migrations rebuild tables (copy, drop, rename): foreign keys are
switched off around them, as SQLite's docs require, and checked afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.db.models import metadata
from bot.db.session import is_sqlite, make_engine

VERSION_TABLE = "utility_alembic_version"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class MigrationError(RuntimeError):
    """A migration left the database inconsistent (e.g. broken foreign keys)."""


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic filter: only tables of our metadata exist for us (not Rasa's ``events``)."""
    if type_ == "table":
        return name in metadata.tables
    return True


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table":
        return name in metadata.tables
    return True


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for our scripts; with ``connection``, env.py runs on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    _run(database_url, lambda config: command.upgrade(config, revision))


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Migrate down to ``revision``; ``base`` drops every table of ours (never Rasa's)."""
    _run(database_url, lambda config: command.downgrade(config, revision))


def current(database_url: str | None = None) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with make_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def _run(database_url: str | None, step) -> None:
    engine = make_engine(database_url)
    sqlite = is_sqlite(engine)
    with engine.connect() as connection:
        if sqlite:
            _set_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                step(alembic_config(connection))
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _set_foreign_keys(connection, on=True)


def _set_foreign_keys(connection: Connection, *, on: bool) -> None:
    # Only effective outside a transaction: commit the one SQLAlchemy opened for it.
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise MigrationError(f"foreign key violations after migration: {broken[:10]}")
