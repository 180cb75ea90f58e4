"""The import rules of docs/architecture.md, checked on the source (AST, no import).

Arrows point down: actions / web / cli / channels -> dialogue / wording -> services ->
domain + db. Every import statement counts, also the ones inside functions. A test of
the test plants a forbidden import and a cycle in a copy of the tree and expects both
to be found.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("bot", "actions")

RASA = ("rasa", "rasa_sdk", "sanic")
# Rules: (package the importing module is in, packages it must not import, why).
RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "bot.domain",
        (
            *RASA,
            "actions",
            "sqlalchemy",
            "alembic",
            "bot.db",
            "bot.services",
            "bot.wording",
            "bot.nlu",
            "bot.dialogue",
            "bot.importer",
            "bot.demo",
            "bot.cli",
            "bot.web",
            "bot.channels",
            "bot.rasa",
        ),
        "the domain is pure: it imports nothing above it",
    ),
    (
        "bot.db",
        (
            *RASA,
            "actions",
            "bot.services",
            "bot.wording",
            "bot.nlu",
            "bot.dialogue",
            "bot.importer",
            "bot.demo",
            "bot.cli",
            "bot.web",
            "bot.channels",
            "bot.rasa",
        ),
        "the data layer knows only the domain",
    ),
    (
        "bot.services",
        (
            *RASA,
            "actions",
            "bot.nlu",
            "bot.wording",
            "bot.dialogue",
            "bot.importer",
            "bot.demo",
            "bot.cli",
            "bot.web",
            "bot.channels",
            "bot.rasa",
        ),
        "services return results (no wording), never know Rasa, the NLU or their callers",
    ),
    (
        "bot.wording",
        (
            *RASA,
            "actions",
            "sqlalchemy",
            "bot.db",
            "bot.nlu",
            "bot.dialogue",
            "bot.cli",
            "bot.web",
            "bot.channels",
            "bot.rasa",
        ),
        "wording renders service results; it reads no data itself",
    ),
    (
        "bot.importer",
        (
            *RASA,
            "actions",
            "bot.services",
            "bot.wording",
            "bot.nlu",
            "bot.dialogue",
            "bot.cli",
            "bot.web",
            "bot.demo",
        ),
        "the importer loads data beside the services, below every caller",
    ),
    (
        "bot.demo",
        (*RASA, "actions", "bot.services", "bot.wording", "bot.nlu", "bot.dialogue", "bot.cli", "bot.web"),
        "the demo-data generator loads data beside the services",
    ),
    (
        "bot.dialogue",
        (*RASA, "actions", "sqlalchemy", "bot.db", "bot.web", "bot.cli", "bot.channels", "bot.rasa"),
        "the conversation engine is plain Python over services and wording",
    ),
    ("actions", ("sqlalchemy", "bot.db"), "actions reach data through the services only"),
    ("bot.cli", (*RASA, "actions", "sqlalchemy", "bot.db"), "commands call services"),
    ("bot.web", ("actions", "sqlalchemy", "bot.db"), "the web app calls services"),
    ("bot.channels", ("actions", "sqlalchemy", "bot.db"), "channels touch data only through a service"),
)
# Packages whose imports form the graph that must have no cycle.
LAYERS = (
    "actions",
    "bot.channels",
    "bot.cli",
    "bot.db",
    "bot.demo",
    "bot.dialogue",
    "bot.domain",
    "bot.evaluation",
    "bot.importer",
    "bot.nlu",
    "bot.rasa",
    "bot.services",
    "bot.web",
    "bot.wording",
)
# Tests of the layers below the dialogue run without Rasa and without the action kits.
RASA_FREE_TESTS = ("tests/domain", "tests/db", "tests/services", "tests/wording", "tests/importer")
RASA_FREE_FORBIDDEN = (*RASA, "actions", "tests.actions", "tests.outage_support")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "bot.services.billing"
    target: str  # what it imports, e.g. "bot.db.uow"
    path: Path
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> Iterator[Import]:
    """Every import of a file (top level and inside functions), relative ones resolved."""
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")
                parent = parent if is_package else parent[:-1]
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                # "from bot.services import billing" imports the module bot.services.billing
                yield Import(module, f"{base}.{alias.name}" if alias.name != "*" else base, path, node.lineno)
            yield Import(module, base, path, node.lineno)


def all_imports(root: Path, dirs: tuple[str, ...] = SOURCE_DIRS) -> list[Import]:
    found: list[Import] = []
    for directory in dirs:
        for path in sorted((root / directory).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found.extend(imports_of(path, root))
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def rule_violations(imports: list[Import], root: Path) -> list[str]:
    problems = []
    for item in imports:
        for package, forbidden, why in RULES:
            if not within(item.module, package):
                continue
            for target in forbidden:
                if within(item.target, target):
                    where = f"{item.path.relative_to(root)}:{item.line}"
                    problems.append(f"{where}: {item.module} imports {target} ({why})")
    return sorted(set(problems))


def layer_of(name: str) -> str | None:
    return next((layer for layer in LAYERS if within(name, layer)), None)


def layer_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for item in imports:
        source, target = layer_of(item.module), layer_of(item.target)
        if source and target and source != target:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's smallest rotation (the graph has a dozen nodes)."""
    found: set[tuple[str, ...]] = set()

    def walk(start: str, node: str, path: list[str]) -> None:
        for following in sorted(graph.get(node, ())):
            if following == start:
                cycle = path[:]
                smallest = cycle.index(min(cycle))
                found.add(tuple(cycle[smallest:] + cycle[:smallest]))
            elif following not in path and following > start:
                walk(start, following, [*path, following])

    for start in sorted(graph):
        walk(start, start, [start])
    return [list(cycle) for cycle in sorted(found)]


# --------------------------------------------------------------------------- tests


def test_no_forbidden_import() -> None:
    problems = rule_violations(all_imports(ROOT), ROOT)
    assert problems == [], "\n".join(problems)


def test_no_import_cycle_between_packages() -> None:
    found = cycles(layer_graph(all_imports(ROOT)))
    assert found == [], " ; ".join(" -> ".join([*c, c[0]]) for c in found)


def test_the_lower_layers_are_tested_without_rasa() -> None:
    problems = []
    for item in all_imports(ROOT, RASA_FREE_TESTS):
        if any(within(item.target, forbidden) for forbidden in RASA_FREE_FORBIDDEN):
            problems.append(f"{item.path.relative_to(ROOT)}:{item.line}: imports {item.target}")
    assert problems == [], "\n".join(problems)


def test_the_graph_has_the_expected_arrows() -> None:
    """The main arrows exist, so the checks above look at real imports."""
    graph = layer_graph(all_imports(ROOT))
    assert {"bot.db", "bot.domain"} <= graph["bot.services"]
    assert "bot.domain" in graph["bot.db"] and "bot.services" in graph["bot.wording"]
    assert {"bot.services", "bot.wording"} <= graph["actions"]


# ------------------------------------------------------------------ test of the test


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    for directory in SOURCE_DIRS:
        shutil.copytree(ROOT / directory, tmp_path / directory, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("bot/services/planted.py", "from rasa_sdk import Action\n", "bot.services.planted imports rasa_sdk"),
        ("bot/services/planted.py", "def f():\n    import bot.wording.billing\n", "imports bot.wording"),
        ("bot/services/planted.py", "from ..nlu.core import text\n", "bot.services.planted imports bot.nlu"),
        ("bot/domain/planted.py", "from bot.db import uow\n", "bot.domain.planted imports bot.db"),
        ("bot/db/planted.py", "from bot.services import billing\n", "imports bot.services"),
        ("actions/planted.py", "from sqlalchemy import select\n", "actions.planted imports sqlalchemy"),
        (
            "actions/planted.py",
            "from bot.db.session import session_scope\n",
            "actions.planted imports bot.db",
        ),
        ("bot/cli/planted.py", "import sqlalchemy.orm\n", "bot.cli.planted imports sqlalchemy"),
    ],
)
def test_a_planted_forbidden_import_is_found(tree_copy: Path, path: str, source: str, expected: str) -> None:
    assert rule_violations(all_imports(tree_copy), tree_copy) == []
    (tree_copy / path).write_text(source, encoding="utf-8")
    problems = rule_violations(all_imports(tree_copy), tree_copy)
    assert len(problems) == 1 and expected in problems[0] and path in problems[0], problems


def test_a_planted_cycle_is_found(tree_copy: Path) -> None:
    (tree_copy / "bot/domain/planted.py").write_text("", encoding="utf-8")
    assert cycles(layer_graph(all_imports(tree_copy))) == []
    # The importer imports the domain; make the domain import the importer back (a rule
    # forbids it too, but the cycle check must see it on its own).
    (tree_copy / "bot/domain/planted.py").write_text("import bot.importer.run\n", encoding="utf-8")
    found = cycles(layer_graph(all_imports(tree_copy)))
    assert ["bot.domain", "bot.importer"] in found  # and db -> domain -> importer -> db
