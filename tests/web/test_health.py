"""GET /health against real (small) HTTP servers standing in for Rasa and the action server."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp import web

from bot.config import load_settings
from bot.web.app import create_app


def _server_app(path: str, status: int) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"}, status=status)

    app = web.Application()
    app.router.add_get(path, handler)
    return app


@pytest.fixture()
async def settings_for(aiohttp_server, tmp_path):
    async def build(rasa_status: int = 200, action_status: int = 200, database_ok: bool = True):
        rasa = await aiohttp_server(_server_app("/", rasa_status))
        actions = await aiohttp_server(_server_app("/health", action_status))
        (tmp_path / "a-file").write_text("not a directory")
        database = f"sqlite:///{tmp_path / 'h.db'}" if database_ok else f"sqlite:///{tmp_path}/a-file/x.db"
        return dataclasses.replace(
            load_settings(),
            rasa_url=str(rasa.make_url("")).rstrip("/"),
            action_server_url=str(actions.make_url("/webhook")),
            database_url=database,
        )

    return build


async def test_all_parts_up_is_200(aiohttp_client, settings_for) -> None:
    client = await aiohttp_client(create_app(await settings_for()))
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 200, body
    assert body["status"] == "ok"
    assert {name: part["ok"] for name, part in body["parts"].items()} == {
        "rasa": True, "action_server": True, "database": True,
    }


@pytest.mark.parametrize(
    ("broken", "kwargs"),
    [
        ("rasa", {"rasa_status": 500}),
        ("action_server", {"action_status": 404}),
        ("database", {"database_ok": False}),
    ],
)
async def test_a_part_down_is_503_with_its_reason(aiohttp_client, settings_for, broken, kwargs) -> None:
    client = await aiohttp_client(create_app(await settings_for(**kwargs)))
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 503
    assert body["status"] == "degraded"
    assert body["parts"][broken]["ok"] is False and body["parts"][broken]["detail"]
    assert all(part["ok"] for name, part in body["parts"].items() if name != broken)


async def test_unreachable_rasa_is_reported_not_raised(aiohttp_client, settings_for, unused_tcp_port) -> None:
    settings = dataclasses.replace(await settings_for(), rasa_url=f"http://127.0.0.1:{unused_tcp_port}")
    client = await aiohttp_client(create_app(settings))
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 503
    assert "Connect" in body["parts"]["rasa"]["detail"]
