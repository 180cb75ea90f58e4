"""Fixtures of the notice tests.

- ``platforms``: the fake Zalo OA API, Messenger Graph API and Rasa HTTP API running on
  free local ports (tests/notices/fakes.py), as a ``Platforms`` with their URLs.
- ``notice_settings(url, **changes)``: NoticeSettings for a database and the fakes (fast
  rounds, short leases, generous rates unless changed); ``channel_settings(url)``: the
  channels' settings pointing at the fakes.
- ``make_notifier(url, **changes)``: a Notifier on them; closed after the test.
The real clock of leases and retries is reset after each test (``channel_clock``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.config import ChannelSettings, NoticeSettings, load_channel_settings, load_notice_settings
from bot.notify.notifier import Notifier
from bot.services import channel_clock
from tests.notices.fakes import FakeGraph, FakeRasa, FakeZaloOA, Running, serve

ZALO_TOKEN = "zalo-token"
PAGE_TOKEN = "page-token"
RASA_TOKEN = "rasa-token"


@dataclass
class Platforms:
    zalo: FakeZaloOA
    graph: FakeGraph
    rasa: FakeRasa
    zalo_url: str
    graph_url: str
    rasa_url: str

    def problems(self) -> list[str]:
        return self.zalo.problems + self.graph.problems + self.rasa.problems


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    channel_clock.reset()
    yield
    channel_clock.reset()


@pytest.fixture
async def platforms() -> AsyncIterator[Platforms]:
    zalo, graph, rasa = FakeZaloOA(ZALO_TOKEN), FakeGraph(PAGE_TOKEN), FakeRasa(RASA_TOKEN)
    running: list[Running] = [await serve(zalo.app()), await serve(graph.app()), await serve(rasa.app())]
    yield Platforms(zalo, graph, rasa, *(r.url for r in running))
    for server in running:
        await server.runner.cleanup()


@pytest.fixture
def channel_settings(platforms: Platforms) -> Callable[[str], ChannelSettings]:
    def make(url: str) -> ChannelSettings:
        return dataclasses.replace(
            load_channel_settings(),
            database_url=url,
            zalo_api_url=platforms.zalo_url,
            zalo_oauth_url=platforms.zalo_url,
            zalo_app_id="1234567890",
            zalo_app_secret="app-secret",
            zalo_access_token=ZALO_TOKEN,
            zalo_refresh_token="",
            facebook_graph_url=platforms.graph_url,
            facebook_page_access_token=PAGE_TOKEN,
        )

    return make


@pytest.fixture
def notice_settings(platforms: Platforms) -> Callable[..., NoticeSettings]:
    def make(url: str, **changes: Any) -> NoticeSettings:
        base = dataclasses.replace(
            load_notice_settings(),
            database_url=url,
            rasa_url=platforms.rasa_url,
            rasa_token=RASA_TOKEN,
            scan_interval_s=0.2,
            batch_size=50,
            lease_s=60,
            max_attempts=3,
            first_retry_s=1,
            flush_interval_s=0.05,
            concurrency=8,
            rate_zalo=1000.0,
            rate_facebook=1000.0,
            rate_web=1000.0,
            zalo_window_hours=48,
            zalo_max_per_window=8,
            facebook_tag="",
        )
        return dataclasses.replace(base, **changes)

    return make


@pytest.fixture
async def make_notifier(
    notice_settings: Callable[..., NoticeSettings], channel_settings: Callable[[str], ChannelSettings]
) -> AsyncIterator[Callable[..., Notifier]]:
    made: list[Notifier] = []

    def make(url: str, **changes: Any) -> Notifier:
        notifier = Notifier(notice_settings(url, **changes), channel_settings=channel_settings(url))
        made.append(notifier)
        return notifier

    yield make
    for notifier in made:
        await notifier.close()
