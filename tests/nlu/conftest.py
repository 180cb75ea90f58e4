"""Shared helpers for the NLU component tests (real Rasa Message objects)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.core.analysis import Analyzer
from bot.nlu.core.resources import DEFAULT_RESOURCES_DIR

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(DEFAULT_RESOURCES_DIR)


@pytest.fixture()
def resources_copy(tmp_path: Path) -> Path:
    """A private copy of bot/nlu/resources that a test may edit."""
    target = tmp_path / "resources"
    shutil.copytree(DEFAULT_RESOURCES_DIR, target)
    return target


def message(text: str) -> Message:
    return Message(data={TEXT: text})
