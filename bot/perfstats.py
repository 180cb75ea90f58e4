"""Where a process spends its time, for `make bench`: off unless ``BOT_PERF_DIR`` is set.

With ``BOT_PERF_DIR=/some/dir`` a process that calls :func:`start` (the Rasa server,
the action server) records

- every SQL statement it runs (SQLAlchemy's cursor events, on every engine: the utility
  database, the tracker store, the event broker), by statement text (parameters are bound,
  never part of the text), and
- what its code reports with :func:`record` (the action server: each action's run; Rasa:
  each call to the action server),

and writes the summary (count, total, mean, p50, p95, max per name) to
``BOT_PERF_DIR/<process>-<pid>.json`` every few seconds and when it exits. Without the
variable nothing is hooked and :func:`record` returns at once: production pays nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ENV = "BOT_PERF_DIR"
WRITE_EVERY_S = 2.0
MAX_SAMPLES = 100_000  # per name; beyond it only count and total grow

_lock = threading.Lock()
_samples: dict[tuple[str, str], list[float]] = defaultdict(list)
_totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])  # count, seconds
_state: dict[str, Any] = {"process": None, "dir": None}


def enabled() -> bool:
    return _state["dir"] is not None


def record(kind: str, name: str, seconds: float) -> None:
    """Count one ``name`` of ``kind`` that took ``seconds`` (nothing when disabled)."""
    if _state["dir"] is None:
        return
    key = (kind, name)
    with _lock:
        total = _totals[key]
        total[0] += 1
        total[1] += seconds
        samples = _samples[key]
        if len(samples) < MAX_SAMPLES:
            samples.append(seconds)


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary() -> dict[str, list[dict[str, Any]]]:
    """Per kind, one entry per name (milliseconds), the largest total first."""
    with _lock:
        items = [(key, list(_samples[key]), tuple(_totals[key])) for key in _totals]
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (kind, name), samples, (count, seconds) in items:
        ordered = sorted(samples)
        kinds[kind].append(
            {
                "name": name,
                "count": int(count),
                "total_ms": round(seconds * 1000, 2),
                "mean_ms": round(seconds * 1000 / count, 3) if count else 0.0,
                "p50_ms": round(_percentile(ordered, 0.50) * 1000, 3),
                "p95_ms": round(_percentile(ordered, 0.95) * 1000, 3),
                "max_ms": round(max(ordered, default=0.0) * 1000, 3),
            }
        )
    for entries in kinds.values():
        entries.sort(key=lambda entry: entry["total_ms"], reverse=True)
    return dict(kinds)


def write() -> Path | None:
    directory = _state["dir"]
    if directory is None:
        return None
    path = Path(directory) / f"{_state['process']}-{os.getpid()}.json"
    temporary = path.with_suffix(".tmp")
    body = {"process": _state["process"], "pid": os.getpid(), "at": time.time(), "stats": summary()}
    temporary.write_text(json.dumps(body, ensure_ascii=False))
    temporary.replace(path)
    return path


_SPACES = re.compile(r"\s+")
_IN_LIST = re.compile(r"\(\?(?:, \?)+\)")  # IN (?, ?, ?) -> IN (?...)


def statement_name(statement: str) -> str:
    text = _IN_LIST.sub("(?...)", _SPACES.sub(" ", statement).strip())
    return text[:300]


def _install_sql_timing() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("_perf_started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info.get("_perf_started")
        if started:
            record("sql", statement_name(statement), time.perf_counter() - started.pop())


def start(process: str) -> bool:
    """Start recording for this process when ``BOT_PERF_DIR`` is set; True if it is."""
    directory = os.environ.get(ENV, "").strip()
    if not directory or _state["dir"] is not None:
        return bool(directory)
    Path(directory).mkdir(parents=True, exist_ok=True)
    _state["dir"], _state["process"] = directory, process
    _install_sql_timing()

    def keep_writing() -> None:
        while True:
            time.sleep(WRITE_EVERY_S)
            with contextlib.suppress(OSError):
                write()

    threading.Thread(target=keep_writing, name="perfstats", daemon=True).start()
    atexit.register(write)
    return True
