"""Arrows point down: the engine knows no Rasa, the actions know no database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("bot/dialogue", ("rasa", "rasa_sdk", "sanic", "actions", "bot.rasa", "bot.channels")),
        ("bot/wording", ("rasa", "rasa_sdk", "actions", "bot.dialogue", "sqlalchemy", "bot.db")),
        ("actions", ("sqlalchemy", "bot.db", "bot.services.billing", "bot.services.outage")),
    ],
)
def test_no_import_runs_upward(package: str, forbidden: tuple[str, ...]) -> None:
    assert offending(package, forbidden) == []


def test_only_the_backend_reaches_the_database() -> None:
    users = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bot/dialogue").rglob("*.py"))
        if any(n.startswith(("sqlalchemy", "bot.db")) for n in imported(path))
    ]
    assert users == ["bot/dialogue/backend.py"]
