"""How the channels reach their data: one service call in its own unit of work, run off
the event loop (the database layer is synchronous). A database that is down, locked or
unreachable comes out as :class:`bot.services.DataUnavailable`."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from bot.services import DataUnavailable, UnitOfWork, unit_of_work

T = TypeVar("T")

__all__ = ["DataUnavailable", "in_unit_of_work"]


def _run(database_url: str | None, function: Callable[..., T], args: tuple) -> T:
    with unit_of_work(database_url) as uow:
        return function(uow, *args)


async def in_unit_of_work(
    database_url: str | None,
    function: Callable[..., T],
    *args: Any,
    executor: Executor | None = None,
) -> T:
    """``function(uow, *args)`` in a unit of work on ``database_url``, on a worker thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(_run, database_url, function, args))


def run_in_unit_of_work(database_url: str | None, function: Callable[[UnitOfWork], T]) -> T:
    """The same, synchronously (tests, tools)."""
    return _run(database_url, function, ())
