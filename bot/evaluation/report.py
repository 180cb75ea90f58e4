"""Writing measured numbers into docs/benchmarks.md, one delimited section per benchmark."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from pathlib import Path

from bot.config import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "docs" / "benchmarks.md"


def section_markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_section(document: str, body: str, start: str, end: str) -> str:
    """``document`` with the text between the markers replaced by ``body`` (markers kept);
    the section is appended when the markers are missing."""
    block = f"{start}\n{body.strip()}\n{end}"
    begin = document.find(start)
    finish = document.find(end, begin + len(start)) if begin >= 0 else -1
    if begin >= 0 and finish >= 0:
        return document[:begin] + block + document[finish + len(end) :]
    prefix = document.rstrip("\n")
    return (prefix + "\n\n" if prefix else "") + block + "\n"


def write_section(name: str, body: str, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the section ``name`` of the benchmarks page, leaving the rest."""
    start, end = section_markers(name)
    document = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(document, body, start, end), encoding="utf-8")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[rank]


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import rasa

        rasa_version = rasa.__version__
    except ImportError:  # pragma: no cover - the venv always has Rasa
        rasa_version = "?"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}; CPython {platform.python_version()}, Rasa {rasa_version}"
