"""The one place that knows what time it is.

Everything that needs "now" or "today" calls :func:`now` / :func:`today`; nothing
else calls ``datetime.now()``. Time is Vietnam time (Asia/Ho_Chi_Minh, UTC+7)
whatever the machine's zone. Tests freeze it with :func:`frozen`; processes
started by whole-stack tests freeze it with the ``BOT_FROZEN_NOW`` environment
variable (ISO 8601, e.g. ``2026-11-27T09:00:00``; a naive value is Vietnam time).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FROZEN_ENV = "BOT_FROZEN_NOW"

Clock = Callable[[], datetime]


def _system_clock() -> datetime:
    return datetime.now(UTC).astimezone(VN_TZ)


def _as_vietnam_time(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def _clock_from_env() -> Clock:
    frozen_at = os.environ.get(FROZEN_ENV, "").strip()
    if not frozen_at:
        return _system_clock
    moment = _as_vietnam_time(datetime.fromisoformat(frozen_at))
    return lambda: moment


_clock: Clock = _clock_from_env()


def now() -> datetime:
    """The current moment, timezone-aware, in Vietnam time."""
    return _as_vietnam_time(_clock())


def today() -> date:
    """Today's date in Vietnam (not the machine's zone)."""
    return now().date()


def set_clock(clock: Clock) -> None:
    """Replace the clock (tests, simulations)."""
    global _clock
    _clock = clock


def reset_clock() -> None:
    """Back to the system clock (or the ``BOT_FROZEN_NOW`` value)."""
    set_clock(_clock_from_env())


@contextlib.contextmanager
def frozen(moment: datetime | str) -> Iterator[datetime]:
    """Freeze the clock at ``moment`` (naive values are Vietnam time) inside a ``with``."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    fixed = _as_vietnam_time(moment)
    previous = _clock
    set_clock(lambda: fixed)
    try:
        yield fixed
    finally:
        set_clock(previous)
