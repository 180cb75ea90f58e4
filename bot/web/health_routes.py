"""``/health`` for anyone, ``/health/details`` for operators.

- ``GET /health``: ``200 {"status": "ok"}`` when Rasa, the action server and the database
  all answer, else ``503 {"status": "unavailable"}``; no part names, URLs or error text.
  Load balancers and uptime monitors use it. The checks run at most once a second
  (:data:`PUBLIC_CACHE_S`), however often it is called, so it cannot be used to load the
  database or Rasa.
- ``GET /health/details``: each part with its state, reason and latency, behind the
  operator credential (:func:`bot.web.security.require_operator`); never cached.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aiohttp
from aiohttp import web

from bot.config import Settings
from bot.web.health import PartHealth, check_all
from bot.web.security import require_operator

PUBLIC_CACHE_S = 1.0


class _CachedCheck:
    def __init__(self, settings: Settings, http: Callable[[], aiohttp.ClientSession]) -> None:
        self._settings, self._http = settings, http
        self._lock = asyncio.Lock()
        self._at = 0.0
        self._ok = False

    async def all_ok(self) -> bool:
        async with self._lock:  # one probe at a time; callers meanwhile share its result
            if time.monotonic() - self._at > PUBLIC_CACHE_S:
                parts = await check_all(self._settings, self._http())
                self._ok = all(part.ok for part in parts)
                self._at = time.monotonic()
            return self._ok


def add_health_routes(
    app: web.Application, settings: Settings, http: Callable[[], aiohttp.ClientSession]
) -> None:
    cached = _CachedCheck(settings, http)

    async def public_health(_request: web.Request) -> web.Response:
        if await cached.all_ok():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable"}, status=503)

    async def detailed_health(request: web.Request) -> web.Response:
        require_operator(request, settings)
        parts: list[PartHealth] = await check_all(settings, http())
        all_ok = all(part.ok for part in parts)
        body = {"status": "ok" if all_ok else "degraded", "parts": {p.name: p.as_dict() for p in parts}}
        return web.json_response(body, status=200 if all_ok else 503)

    app.router.add_get("/health", public_health)
    app.router.add_get("/health/details", detailed_health)
