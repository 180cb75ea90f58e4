"""Whether the utility database answers (for the web app's /health)."""

from __future__ import annotations

from bot.db.uow import UnitOfWork


def check_database(database_url: str | None = None) -> str:
    """``"SELECT 1 ok"``, or the database's exception (the caller reports it)."""
    with UnitOfWork(database_url) as uow:
        uow.ping()
    return "SELECT 1 ok"
