"""Run a service function in a unit of work off the event loop (the house rule: synchronous
sessions, ``asyncio.to_thread``). SQLite's "database is locked" under a burst of writers is
retried a few times before it reaches the agent as an error."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError

from bot.db.session import session_scope

T = TypeVar("T")
RETRIES = 3


def _run(url: str, function: Callable[..., T], args: tuple, kwargs: dict) -> T:
    for attempt in range(RETRIES):
        try:
            with session_scope(url) as session:
                return function(session, *args, **kwargs)
        except OperationalError as error:
            if "locked" not in str(error.orig).lower() or attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def run_db(url: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(_run, url, function, args, kwargs)
