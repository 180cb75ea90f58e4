"""Fixtures of the action tests (Rasa's domain; the outage world as the configured database).

The databases themselves come from tests/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The bot's real domain (domain.yml), as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain.yml")).as_dict()


@pytest.fixture
def action_db(outage_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The outage world as the actions' default database (DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", outage_db)
    return outage_db
