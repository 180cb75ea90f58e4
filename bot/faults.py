"""Faults of a part the assistant depends on: what the customer reads, what the log says.

Never silence: when the action server, the database, the lock store or the event broker
fails, the customer gets :func:`technical_apology` (short, Vietnamese, with the hotline)
instead of nothing or a stack trace.

Logged once: :class:`FaultLog` writes one ERROR line when a part starts failing, counts the
failures that follow without logging them, and writes one WARNING line when the part works
again ("back after 42 s, 17 turns answered with the apology"). An operator therefore sees
one start and one end per incident, however busy the bot is.

Pure Python (no Rasa import), used by the Rasa server, the action server and the actions.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

FAULT_METADATA_KEY = "fault"


def technical_apology() -> str:
    """What a customer reads when a part of the system (action server, lock store, ...) is
    down or too slow. Data that cannot be reached inside an action has its own words:
    :func:`bot.wording.common.database_unavailable`."""
    from bot.wording.common import hotlines

    return (
        "Dạ, em xin lỗi, hệ thống đang gặp sự cố tạm thời nên em chưa trả lời được anh/chị. "
        f"Anh/chị vui lòng nhắn lại sau ít phút hoặc gọi Tổng đài {hotlines()} (24/7) "
        "để được hỗ trợ ngay nha."
    )


def describe(error: BaseException) -> str:
    """A one-line, data-free description of an error: its class and, for the errors whose
    message names no customer data (timeouts, connection failures), a short reason."""
    name = type(error).__name__
    if isinstance(error, TimeoutError):
        return f"{name} (no answer in time)"
    if isinstance(error, ConnectionError | OSError):
        reason = getattr(error, "strerror", None) or ""
        return f"{name}: {reason}" if reason else name
    return name


@dataclass
class _Incident:
    started: float
    failures: int
    reason: str


class FaultLog:
    """One ERROR line when a part starts failing, one WARNING line when it is back."""

    def __init__(self, logger: logging.Logger, clock=time.monotonic) -> None:
        self._logger = logger
        self._clock = clock
        self._incidents: dict[str, _Incident] = {}
        self._lock = threading.Lock()

    def failed(self, part: str, error: BaseException | str, *, consequence: str, trace: bool = False) -> bool:
        """Record a failure of ``part``; logs only the first of an incident. Returns True
        when this call logged (the incident is new). ``trace`` adds the traceback (for bugs
        in our code, not for a part that is merely down)."""
        reason = error if isinstance(error, str) else describe(error)
        with self._lock:
            incident = self._incidents.get(part)
            if incident is not None:
                incident.failures += 1
                return False
            self._incidents[part] = _Incident(self._clock(), 1, reason)
        exc_info = error if trace and isinstance(error, BaseException) else None
        self._logger.error("%s unavailable: %s; %s", part, reason, consequence, exc_info=exc_info)
        return True

    def succeeded(self, part: str) -> None:
        """``part`` works (again): logs the end of an incident, if one was open."""
        if part not in self._incidents:  # fast path, no lock: the usual case
            return
        with self._lock:
            incident = self._incidents.pop(part, None)
        if incident is not None:
            self._logger.warning(
                "%s back after %.0f s (%d failed request(s) during the incident, first: %s)",
                part, self._clock() - incident.started, incident.failures, incident.reason,
            )

    def failing(self) -> list[str]:
        with self._lock:
            return sorted(self._incidents)


DATABASE_ERROR_MODULES = ("sqlalchemy", "sqlite3", "psycopg2", "psycopg")
DATABASE_ERROR_NAMES = frozenset({"DataUnavailable"})  # bot.db.uow wraps driver errors in it


def is_database_error(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) comes from the database driver or ORM."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (type(current).__module__ or "").startswith(DATABASE_ERROR_MODULES):
            return True
        if type(current).__name__ in DATABASE_ERROR_NAMES:
            return True
        current = current.__cause__ or current.__context__
    return False


DATABASE = "database"
_process_faults: FaultLog | None = None
_process_lock = threading.Lock()


def process_faults() -> FaultLog:
    """The one FaultLog of this process (logger ``bot.faults``): the action server and the
    actions' own database apologies share it, so a database incident is one pair of lines
    however many actions see it."""
    global _process_faults
    with _process_lock:
        if _process_faults is None:
            _process_faults = FaultLog(logging.getLogger("bot.faults"))
        return _process_faults


def database_failed(error: BaseException) -> None:
    """For code that catches a database error itself and apologises (actions)."""
    process_faults().failed(DATABASE, error, consequence="actions answer with the apology")
