"""Channel tests: our channels mounted on a real Sanic server, the way `rasa run` mounts
them (rasa.core.channels.channel.register), with a stand-in agent for the dialogue.

- ``channel_db``: a migrated SQLite database (sessions, inbox, outbox, tokens).
- ``settings``: ChannelSettings for tests (secrets set, fake platform URLs filled in
  by the tests that need them).
- ``serve``: start channels on a free port; returns a ``Served`` with the base URL, the
  agent (what it received) and the channel objects.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from bot.config import ChannelSettings, load_channel_settings
from bot.db import migrate
from bot.services import channel_clock

ZALO_APP_ID = "1234567890123456789"
ZALO_OA_SECRET = "oa-secret-for-tests"
ZALO_APP_SECRET = "app-secret-for-tests"
FB_APP_SECRET = "fb-app-secret-for-tests"
FB_VERIFY_TOKEN = "verify-me-please"

_names = itertools.count(1)
# Several Sanic apps in one process: keep Sanic's "touch-up" of its own methods repeatable.
Sanic.test_mode = True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def channel_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('channels') / 'utility.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(autouse=True)
def _clean_channel_tables(channel_db: str) -> None:
    from sqlalchemy import delete

    from bot.db.models import ChannelInboxEvent, ChannelOutboxMessage, ChannelSession, ChannelToken
    from bot.services import unit_of_work

    with unit_of_work(channel_db) as uow:
        for model in (ChannelInboxEvent, ChannelOutboxMessage, ChannelSession, ChannelToken):
            uow.session.execute(delete(model))
    channel_clock.reset()


@pytest.fixture
def settings(channel_db: str, tmp_path: Path) -> ChannelSettings:
    return dataclasses.replace(
        load_channel_settings(),
        database_url=channel_db,
        hotline="19001006",
        max_text_chars=2000,
        max_body_bytes=1024 * 1024,
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret_key=ZALO_OA_SECRET,
        zalo_app_secret=ZALO_APP_SECRET,
        zalo_access_token="initial-access-token",
        zalo_refresh_token="initial-refresh-token",
        zalo_verify_signature=True,
        facebook_verify_token=FB_VERIFY_TOKEN,
        facebook_app_secret=FB_APP_SECRET,
        facebook_page_access_token="page-token",
        facebook_verify_signature=True,
        web_origins=("http://localhost:8080",),
        webchat_session_secret="webchat-secret-for-tests",
    )


Reply = Callable[[UserMessage], Any]


async def echo(message: UserMessage) -> None:
    """The stand-in dialogue: says what it read, with two quick replies."""
    await message.output_channel.send_text_with_buttons(
        message.sender_id,
        f"Dạ, em nhận được: {message.text}",
        [
            {"title": "Tiền điện", "payload": "/ask_bill"},
            {"title": "Lịch cúp điện", "payload": "/ask_outage_schedule"},
        ],
    )


@dataclass
class FakeAgent:
    """Stands in for rasa.core.agent.Agent: records messages, answers with ``reply``."""

    reply: Reply = echo
    messages: list[UserMessage] = field(default_factory=list)
    delay_s: float = 0.0

    finished: int = 0

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        await self.reply(message)
        self.finished += 1


@dataclass
class Served:
    url: str
    agent: FakeAgent
    channels: list[InputChannel]
    app: Sanic


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    running: list[Any] = []

    async def start(*channels: InputChannel, agent: FakeAgent | None = None) -> Served:
        app = Sanic(f"channels_test_{next(_names)}")
        app.config.ACCESS_LOG = False
        agent = agent or FakeAgent()
        app.ctx.agent = agent
        register(list(channels), app, route="/webhooks/")
        port = free_port()
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        await server.after_start()
        running.append(server)
        return Served(f"http://127.0.0.1:{port}", agent, list(channels), app)

    yield start
    for server in running:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
