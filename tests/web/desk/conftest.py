"""Fixtures of the desk route tests: the real web app (aiohttp test client) on a migrated
SQLite database, with a small HTTP server standing in for Rasa's ``execute`` endpoint
(it records the actions the desk asks Rasa to run)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import delete

from bot import clock
from bot.config import load_settings
from bot.db import migrate
from bot.db.models import metadata
from bot.services import desk_auth, unit_of_work
from bot.web.app import create_app

PASSWORD = "mật-khẩu-đủ-dài-2026"
NOW = "2026-11-27T09:00:00"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class FakeRasa:
    calls: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200
    url: str = ""


@pytest.fixture(scope="module")
def desk_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('desk-web') / 'utility.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def desk_db(desk_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", desk_db_url)
    with clock.frozen(NOW):
        with unit_of_work(desk_db_url) as uow:
            desk_auth.create_agent(uow, "lan", "Lan", PASSWORD)
            desk_auth.create_agent(uow, "minh", "Minh", PASSWORD)
            desk_auth.create_agent(uow, "hoa", "Chị Hoa", PASSWORD, role="supervisor")
        yield desk_db_url
    with unit_of_work(desk_db_url) as uow:
        for table in reversed(metadata.sorted_tables):
            uow.session.execute(delete(table))


@pytest.fixture
async def fake_rasa(aiohttp_server) -> FakeRasa:
    rasa = FakeRasa()

    async def execute(request: web.Request) -> web.Response:
        assert request.query.get("token") == "test-token" and request.query.get("output_channel") == "latest"
        rasa.calls.append((request.match_info["cid"], (await request.json())["name"]))
        return web.json_response({"tracker": {}}, status=rasa.status)

    app = web.Application()
    app.router.add_post("/conversations/{cid}/execute", execute)
    server = await aiohttp_server(app)
    rasa.url = str(server.make_url("")).rstrip("/")
    return rasa


@pytest.fixture
async def make_client(aiohttp_client, desk_db: str, fake_rasa: FakeRasa):
    settings = dataclasses.replace(
        load_settings(), database_url=desk_db, rasa_url=fake_rasa.url, rasa_token="test-token"
    )

    async def build() -> TestClient:
        return await aiohttp_client(create_app(settings))

    return build


@pytest.fixture
async def client(make_client) -> TestClient:
    return await make_client()


async def login(client: TestClient, username: str = "lan", password: str = PASSWORD) -> str:
    """Log in through the form as a browser does; returns the uow's CSRF token."""
    page = await client.get("/desk")
    token = CSRF_FIELD.search(await page.text()).group(1)
    response = await client.post(
        "/desk/login", data={"csrf": token, "username": username, "password": password}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    home = await client.get("/desk/")
    assert home.status == 200
    return CSRF_META.search(await home.text()).group(1)
