"""Helpers for the Zalo and Messenger channel tests: recorded payloads, signing, stacks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.channels.signatures import hub_signature, zalo_signature
from bot.channels.zalo.events import signed_timestamp
from bot.services import unit_of_work
from tests.channels.conftest import FB_APP_SECRET, ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET, FakeAgent
from tests.channels.fakes import FakeGraph, FakeZalo

PAYLOADS = Path(__file__).parent / "payloads"
ZALO_PATH = "/webhooks/zalo/webhook"
FB_PATH = "/webhooks/facebook/webhook"


def data(database_url: str, function: Callable[..., Any], *args: Any) -> Any:
    """A channel service call in its own unit of work (what the channels do off the loop)."""
    with unit_of_work(database_url) as uow:
        return function(uow, *args)


def recorded(platform: str, name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / platform / f"{name}.json").read_text())


def now_ms() -> int:
    return int(time.time() * 1000)


def restamped_zalo(body: dict[str, Any], at_ms: int | None = None) -> dict[str, Any]:
    """A recorded Zalo event as if it happened now (Zalo's timestamp is a string of ms)."""
    return {**body, "timestamp": str(at_ms if at_ms is not None else now_ms())}


def restamped_facebook(body: dict[str, Any], at_ms: int | None = None) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    for entry in body.get("entry", []):
        for item in entry.get("messaging", []):
            if "timestamp" in item:
                item["timestamp"] = at_ms if at_ms is not None else now_ms()
    return body


def zalo_signed(
    body: dict[str, Any], secret: str = ZALO_OA_SECRET, prefix: str = "mac="
) -> tuple[bytes, dict]:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    signature = zalo_signature(ZALO_APP_ID, raw, signed_timestamp(body), secret)
    return raw, {"X-ZEvent-Signature": prefix + signature, "Content-Type": "application/json"}


def facebook_signed(body: dict[str, Any], secret: str = FB_APP_SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {"X-Hub-Signature-256": hub_signature(raw, secret), "Content-Type": "application/json"}


async def post_raw(url: str, raw: bytes, headers: dict) -> tuple[int, Any, float]:
    started = time.perf_counter()
    async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as response:
        text = await response.text()
        elapsed = time.perf_counter() - started
        try:
            return response.status, json.loads(text), elapsed
        except ValueError:
            return response.status, text, elapsed


async def eventually(check: Callable[[], Any], timeout_s: float = 5.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} not reached within {timeout_s} s")


async def settle(seconds: float = 0.3) -> None:
    """Give background work a moment (used before asserting that nothing more happened)."""
    await asyncio.sleep(seconds)


@dataclass
class PlatformStack:
    url: str  # our server
    fake: Any  # FakeZalo / FakeGraph
    channel: Any
    agent: FakeAgent
    database_url: str
    platform_url: str  # the fake platform's base URL

    async def post(self, raw: bytes, headers: dict) -> tuple[int, Any, float]:
        path = ZALO_PATH if self.channel.name() == "zalo" else FB_PATH
        return await post_raw(self.url + path, raw, headers)


async def zalo_stack(
    serve,
    settings,
    aiohttp_server,
    agent: FakeAgent | None = None,
    share: PlatformStack | None = None,
    **changes,
) -> PlatformStack:
    """One instance of our Zalo channel against a fake Zalo; ``share``: another instance's
    stack whose fake Zalo this one talks to (one platform, several of our instances: the
    access and refresh tokens one instance renews are the ones Zalo knows)."""
    from bot.channels.zalo import ZaloInput

    if share is None:
        fake = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, settings.zalo_access_token, settings.zalo_refresh_token)
        server = await aiohttp_server(fake.app())
        base = str(server.make_url("")).rstrip("/")
    else:
        fake, base = share.fake, share.platform_url
    settings = dataclasses.replace(settings, zalo_api_url=base, zalo_oauth_url=base, **changes)
    channel = ZaloInput(settings)
    served = await serve(channel, agent=agent)
    return PlatformStack(served.url, fake, channel, served.agent, settings.database_url, base)


async def facebook_stack(
    serve, settings, aiohttp_server, agent: FakeAgent | None = None, **changes
) -> PlatformStack:
    from bot.channels.facebook import FacebookInput

    fake = FakeGraph(settings.facebook_page_access_token)
    server = await aiohttp_server(fake.app())
    settings = dataclasses.replace(
        settings, facebook_graph_url=str(server.make_url("")).rstrip("/"), **changes
    )
    channel = FacebookInput(settings)
    served = await serve(channel, agent=agent)
    return PlatformStack(
        served.url, fake, channel, served.agent, settings.database_url, settings.facebook_graph_url
    )
