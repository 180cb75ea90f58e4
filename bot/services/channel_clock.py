"""Real time for the channels' operational deadlines: leases, retries, token expiry.

:mod:`bot.clock` is the business clock, frozen by whole-stack tests (``BOT_FROZEN_NOW``)
so that answers do not depend on today's date. A frozen clock would stop retries and
leases from ever coming due, so the channel services use the machine's clock instead.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

_offset = 0.0  # seconds added to the machine's clock (tests move time forward)


def real_now() -> datetime:
    """The machine's current time, timezone-aware (UTC)."""
    return datetime.fromtimestamp(time.time() + _offset, UTC)


def advance(seconds: float) -> None:
    """Move this clock forward (tests of leases and retries)."""
    global _offset
    _offset += seconds


def reset() -> None:
    global _offset
    _offset = 0.0
