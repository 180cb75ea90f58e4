"""The data files the NLU components read, and their fingerprint.

All files live in ``bot/nlu/resources/`` unless a component's ``resources_dir``
setting points elsewhere (tests use a temporary copy). Their content is part of the
model fingerprint, so editing one makes the next ``rasa train`` retrain.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"

TEENCODE_FILE = "teencode.yml"
LEXICON_FILE = "lexicon.yml"
HAZARDS_FILE = "hazards.yml"
PLACE_ALIASES_FILE = "place_aliases.yml"
CODES_FILE = "customer_codes.yml"


def resources_dir(config: dict[str, Any] | None = None) -> Path:
    """The resources directory named by a component config, or the default one."""
    configured = (config or {}).get("resources_dir")
    return Path(configured) if configured else DEFAULT_RESOURCES_DIR


CORE_DIR = Path(__file__).resolve().parent
DOMAIN_DIR = CORE_DIR.parents[1] / "domain"


def _code_files() -> list[Path]:
    """The code the components' results depend on: bot/nlu/core, and the domain's
    Vietnamese text helpers and place names."""
    return [
        *sorted(CORE_DIR.glob("*.py")),
        DOMAIN_DIR / "text.py",
        *sorted((DOMAIN_DIR / "places").glob("*.py")),
    ]


def files_fingerprint(directory: Path, names: tuple[str, ...]) -> str:
    """A hash of the named files' names and contents (a missing file counts too), and
    of the code in bot/nlu/core and the domain code it reads (text helpers, place
    names): Rasa fingerprints only the component class's own source, so a change in
    the text processing it calls must show up here."""
    digest = hashlib.sha256()
    for name in sorted(names):
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    for source in _code_files():
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=32)
def _load_yaml_cached(path: str, mtime_ns: int) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_yaml(directory: Path, name: str) -> Any:
    """Parse one YAML resource (cached until the file changes)."""
    path = directory / name
    return _load_yaml_cached(str(path), path.stat().st_mtime_ns)
