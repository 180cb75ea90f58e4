"""Health checks of the parts the assistant needs: Rasa, the action server, the database."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from bot.config import Settings
from bot.services.health import check_database

CHECK_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class PartHealth:
    name: str
    ok: bool
    detail: str
    latency_ms: float

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, "latency_ms": round(self.latency_ms, 1)}


async def _timed(name: str, probe) -> PartHealth:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(probe(), CHECK_TIMEOUT_S)
        ok = True
    except TimeoutError:
        ok, detail = False, f"no answer within {CHECK_TIMEOUT_S:.0f} s"
    except Exception as error:  # any failure of a part is reported, never raised
        ok, detail = False, f"{type(error).__name__}: {error}"[:300]
    return PartHealth(name, ok, detail, (time.perf_counter() - started) * 1000)


async def _get_ok(session: aiohttp.ClientSession, url: str, token: str | None = None) -> str:
    params = {"token": token} if token else None
    async with session.get(url, params=params) as response:
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} from {url}")
        return f"HTTP 200 from {url}"


def _action_server_health_url(webhook_url: str) -> str:
    base = webhook_url.rsplit("/webhook", 1)[0]
    return f"{base}/health"


async def check_all(settings: Settings, session: aiohttp.ClientSession) -> list[PartHealth]:
    return list(
        await asyncio.gather(
            # The admin API's /status with our token: Rasa is up, its model loaded, and the
            # token the desk and the notices use is accepted.
            _timed(
                "rasa", lambda: _get_ok(session, f"{settings.rasa_url}/status", token=settings.rasa_token)
            ),
            _timed(
                "action_server",
                lambda: _get_ok(session, _action_server_health_url(settings.action_server_url)),
            ),
            _timed("database", lambda: asyncio.to_thread(check_database, settings.database_url)),
        )
    )
