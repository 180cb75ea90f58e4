"""Alembic environment for the utility tables, configured from code (no alembic.ini).

Only the tables of :data:`bot.db.models.metadata` are ours: Rasa's tracker store
(``events``) and anything else sharing the database is invisible to autogenerate
and never touched. Our version table is ``utility_alembic_version``. Batch mode is
on so the same migration scripts run on SQLite and PostgreSQL.

Run through :mod:`bot.db.migrate`, which passes an open connection in
``config.attributes["connection"]``.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from bot.db.migrate import VERSION_TABLE, include_name, include_object
from bot.db.models import metadata
from bot.db.session import make_engine

config = context.config


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        include_object=include_object,
        render_as_batch=True,
        compare_type=True,
        **kwargs,
    )


def run_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
