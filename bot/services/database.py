"""The database as operators handle it: migrate, say the revision, explain a failure.

Used by ``python -m bot db ...`` (:mod:`bot.cli.db`) so the command line needs neither
Alembic nor SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.db import migrate
from bot.db.session import database_url as configured_url
from bot.db.uow import DataUnavailable


def upgrade(database_url: str | None = None) -> str | None:
    """Migrate to the newest schema; the revision the database is then at."""
    migrate.upgrade(database_url)
    return migrate.current(database_url)


def current(database_url: str | None = None) -> str | None:
    """The schema revision (None: never migrated)."""
    return migrate.current(database_url)


def shown_url(database_url: str | None = None) -> str:
    """The URL (default: the configured one) with any password hidden."""
    return make_url(database_url or configured_url()).render_as_string(hide_password=True)


def problem(error: BaseException, database_url: str | None = None) -> str | None:
    """A one-line reason when ``error`` is an expected database or migration failure
    (unreachable, locked, broken migration); None for anything else."""
    if isinstance(error, DataUnavailable) and error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return f"cannot use the database {shown_url(database_url)}: {reason}"
    if isinstance(error, migrate.MigrationError):
        return str(error)
    return None
