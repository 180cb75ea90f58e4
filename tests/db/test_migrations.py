"""Migrations: from empty to head on SQLite and PostgreSQL, and Rasa's tables untouched."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.db import migrate
from bot.db.migrate import include_name
from bot.db.models import metadata
from bot.db.session import make_engine

OUR_TABLES = set(metadata.tables)


def head_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def table_names(url: str) -> set[str]:
    return set(inspect(make_engine(url)).get_table_names())


def create_rasa_events(url: str) -> None:
    """A table shaped like Rasa's SQLTrackerStore ``events``, with one row."""
    with make_engine(url).begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
        connection.execute(
            text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, data)"
                " VALUES (1, 'zalo-123', 'user', 1790000000.5, '{\"text\": \"alo\"}')"
            )
        )


def events_snapshot(url: str) -> tuple[list, list, list]:
    inspector = inspect(make_engine(url))
    columns = [(c["name"], str(c["type"])) for c in inspector.get_columns("events")]
    indexes = sorted(i["name"] for i in inspector.get_indexes("events"))
    with make_engine(url).connect() as connection:
        rows = [tuple(r) for r in connection.execute(text("SELECT * FROM events ORDER BY id"))]
    return columns, indexes, rows


def test_upgrade_from_empty_creates_every_table(empty_db_url: str) -> None:
    assert migrate.current(empty_db_url) is None
    migrate.upgrade(empty_db_url)
    tables = table_names(empty_db_url)
    assert tables >= OUR_TABLES
    assert migrate.current(empty_db_url) == head_revision()
    # Our own version table, so we never collide with another Alembic user.
    assert "utility_alembic_version" in tables
    assert "alembic_version" not in tables


def test_migrations_match_the_models(empty_db_url: str) -> None:
    """Autogenerate finds nothing to do: models.py and the scripts agree."""
    migrate.upgrade(empty_db_url)
    with make_engine(empty_db_url).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, metadata) == []


def test_upgrade_twice_changes_nothing(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    before = table_names(empty_db_url)
    migrate.upgrade(empty_db_url)
    assert table_names(empty_db_url) == before
    assert migrate.current(empty_db_url) == head_revision()


def test_rasa_events_table_is_left_alone(empty_db_url: str) -> None:
    create_rasa_events(empty_db_url)
    before = events_snapshot(empty_db_url)

    migrate.upgrade(empty_db_url)
    assert events_snapshot(empty_db_url) == before

    migrate.downgrade(empty_db_url, "base")
    assert events_snapshot(empty_db_url) == before
    assert table_names(empty_db_url) & OUR_TABLES == set()
    assert migrate.current(empty_db_url) is None


def test_env_filter_sees_only_our_tables() -> None:
    assert include_name("invoices", "table", {})
    assert not include_name("events", "table", {})
    assert include_name("ix_anything", "index", {})
