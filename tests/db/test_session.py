"""Engines, sessions and the SQLite connection settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.db.models import Customer, MeterReading
from bot.db.session import make_engine, session_scope
from tests.db.builders import add_customer


def test_engine_is_cached_per_url(tmp_path: Path) -> None:
    first = f"sqlite:///{tmp_path / 'a.db'}"
    second = f"sqlite:///{tmp_path / 'b.db'}"
    assert make_engine(first) is make_engine(first)
    assert make_engine(first) is not make_engine(second)


def test_default_url_comes_from_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert make_engine() is make_engine(url)


def test_sqlite_file_folder_is_created_and_connection_is_configured(tmp_path: Path) -> None:
    database = tmp_path / "var" / "nested" / "utility.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert database.exists()


def test_session_scope_commits_on_success(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        add_customer(session)
    with session_scope(make_engine(clean_db_url)) as session:
        codes = session.execute(select(Customer.code)).scalars().all()
    assert codes == ["PB05010000001"]


def test_session_scope_rolls_back_on_error(clean_db_url: str) -> None:
    with pytest.raises(RuntimeError), session_scope(clean_db_url) as session:
        add_customer(session)
        raise RuntimeError("boom")
    with session_scope(clean_db_url) as session:
        assert session.execute(select(Customer)).first() is None


def test_objects_stay_readable_after_the_scope(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        customer = add_customer(session)
    assert customer.code == "PB05010000001"  # no DetachedInstanceError after commit


def test_foreign_keys_are_enforced(clean_db_url: str) -> None:
    """SQLite enforces them only because every connection turns them on."""
    from datetime import date

    with pytest.raises(IntegrityError), session_scope(clean_db_url) as session:
        session.add(
            MeterReading(
                customer_id=999_999,
                period_start=date(2026, 9, 16),
                period_end=date(2026, 10, 15),
                reading_date=date(2026, 10, 15),
                old_index=1,
                new_index=2,
                kwh=1,
            )
        )


def test_sessions_see_the_same_database(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        add_customer(session)
    with make_engine(clean_db_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM customers")).scalar() == 1
