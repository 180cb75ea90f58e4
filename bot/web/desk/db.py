"""Run a service function in a unit of work off the event loop (the house rule: synchronous
sessions, ``asyncio.to_thread``). A database that is briefly locked (SQLite under a burst
of writers) is tried again twice before the error reaches the agent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bot.services import DataUnavailable, unit_of_work

T = TypeVar("T")
TRIES = 3


def _run(url: str, function: Callable[..., T], args: tuple, kwargs: dict) -> T:
    for attempt in range(TRIES):
        try:
            with unit_of_work(url) as uow:
                return function(uow, *args, **kwargs)
        except DataUnavailable:
            if attempt == TRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


async def run_db(url: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(_run, url, function, args, kwargs)
