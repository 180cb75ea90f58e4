"""Outbound HTTP to the platforms (aiohttp): one attempt, and retries with backoff.

Timeouts, connection errors, HTTP 5xx and 429 are transient (worth another try); any
other refusal is permanent. Nothing here knows a platform's message format.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

T = TypeVar("T")

DEFAULT_TIMEOUT_S = 10.0
QUICK_RETRY_DELAY_S = 0.5  # first pause of with_retries (then doubled)


class DeliveryError(Exception):
    """A platform did not take a message."""


class TransientError(DeliveryError):
    """Worth another try later: timeout, connection trouble, 5xx, rate limit."""


class PermanentError(DeliveryError):
    """Another try would fail the same way: bad request, unknown user, bad token."""


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: Any  # parsed JSON, or the text when it is not JSON


async def request(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    timeout_s: float | None = None,
) -> HttpResult:
    """One HTTP attempt; TransientError on timeouts, connection errors, 5xx and 429."""
    timeout_s = timeout_s or DEFAULT_TIMEOUT_S
    try:
        async with session.request(
            method,
            url,
            json=json_body,
            data=form,
            headers=headers,
            params=params,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as response:
            text = await response.text(errors="replace")
            status = response.status
    except TimeoutError as error:
        raise TransientError(f"timeout after {timeout_s:g} s") from error
    except aiohttp.ClientError as error:
        raise TransientError(f"connection: {type(error).__name__}") from error
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = text[:500]
    if status >= 500 or status == 429:
        raise TransientError(f"HTTP {status}")
    return HttpResult(status, body)


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    tries: int = 3,
    first_delay_s: float | None = None,
    max_delay_s: float = 4.0,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> T:
    """Run ``attempt`` until it succeeds, retrying TransientError with exponential backoff."""
    delay = QUICK_RETRY_DELAY_S if first_delay_s is None else first_delay_s
    for number in range(1, tries + 1):
        try:
            return await attempt()
        except TransientError:
            if number == tries:
                raise
        await sleep(delay * (0.8 + 0.4 * random.random()))
        delay = min(delay * 2, max_delay_s)
    raise AssertionError("unreachable")
