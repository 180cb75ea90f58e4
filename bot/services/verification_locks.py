"""The lock rules of verification, as pure replays of a code's attempts (no data access).

* A requester's own lock: :data:`MAX_FAILURES` wrong answers of that requester on the
  code within :data:`LOCK_DURATION` lock the code for them for :data:`LOCK_DURATION`
  from the last of them; a correct answer or the end of a lock starts their count
  afresh.
* The code's ceiling: ``ceiling`` wrong answers on the code from everyone within
  :data:`CEILING_LOCK` lock it for everyone for :data:`CEILING_LOCK`; correct
  answers do not forgive others' failures.

Attempts inside a lock window are ignored by the replay (none should exist: answers
are not checked during a lock, and :func:`bot.services.verification.verify` judges
answers on one code one at a time).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

MAX_FAILURES = 3
LOCK_DURATION = timedelta(minutes=15)
CEILING_LOCK = timedelta(hours=1)


class LockReason(enum.StrEnum):
    REQUESTER = "requester"  # this requester's wrong answers on this code
    CODE = "code"  # wrong answers on this code from everyone (the ceiling)
    SENDER = "sender"  # this requester's wrong answers over all codes (rate limit)
    NETWORK = "network"  # wrong answers from this client network (rate limit)
    GLOBAL = "global"  # wrong answers from everyone (rate limit)


class AttemptLike(Protocol):
    at: datetime
    success: bool
    channel: str
    channel_user_id: str


@dataclass(frozen=True)
class LockWindow:
    locked_until: datetime | None
    failures: int  # failures still counting towards the next lock


@dataclass(frozen=True)
class CodeLocks:
    reason: LockReason | None  # REQUESTER, CODE, or None (not locked)
    locked_until: datetime | None
    failures: int  # the requester's failures counting towards their lock


def lock_window(
    attempts: Iterable[tuple[datetime, bool]],
    now: datetime,
    max_failures: int = MAX_FAILURES,
    duration: timedelta = LOCK_DURATION,
) -> LockWindow:
    """Replay attempts (oldest first) and say whether they lock at ``now``.

    ``max_failures`` failures within ``duration`` lock for ``duration`` from the last
    of them; a success or the end of a lock starts the count afresh.
    """
    failures: list[datetime] = []
    lock_end: datetime | None = None
    for at, success in attempts:
        if lock_end is not None and at < lock_end:
            continue  # not checked during a lock
        if success:
            failures = []
            continue
        failures = [t for t in failures if at - t < duration] + [at]
        if len(failures) >= max_failures:
            lock_end, failures = at + duration, []
    if lock_end is not None and now < lock_end:
        return LockWindow(lock_end, 0)
    return LockWindow(None, len([t for t in failures if now - t < duration]))


def code_locks(
    attempts: Sequence[AttemptLike], channel: str, user_id: str, now: datetime, ceiling: int
) -> CodeLocks:
    """The locks of one code for one requester at ``now`` (the code's ceiling first)."""
    everyone = lock_window(((a.at, False) for a in attempts if not a.success), now, ceiling, CEILING_LOCK)
    if everyone.locked_until is not None:
        return CodeLocks(LockReason.CODE, everyone.locked_until, 0)
    mine = lock_window(
        ((a.at, a.success) for a in attempts if a.channel == channel and a.channel_user_id == user_id), now
    )
    if mine.locked_until is not None:
        return CodeLocks(LockReason.REQUESTER, mine.locked_until, 0)
    return CodeLocks(None, None, mine.failures)
