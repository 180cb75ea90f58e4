"""GET /health (public, minimal) and /health/details (operator) against real small HTTP
servers standing in for Rasa's admin API and the action server."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from aiohttp import web

from bot.config import load_settings
from bot.web.app import create_app

RASA_TOKEN = "health-test-rasa-token"
OPERATOR = "health-test-operator-token-0123456789"


def _server_app(path: str, status: int, hits: list[str], token: str | None = None) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        if token is not None and request.query.get("token") != token:
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        return web.json_response({"status": "ok"}, status=status)

    app = web.Application()
    app.router.add_get(path, handler)
    return app


@pytest.fixture()
async def settings_for(aiohttp_server, tmp_path):
    async def build(rasa_status: int = 200, action_status: int = 200, database_ok: bool = True, hits=None):
        hits = hits if hits is not None else []
        rasa = await aiohttp_server(_server_app("/status", rasa_status, hits, token=RASA_TOKEN))
        actions = await aiohttp_server(_server_app("/health", action_status, hits))
        (tmp_path / "a-file").write_text("not a directory")
        database = f"sqlite:///{tmp_path / 'h.db'}" if database_ok else f"sqlite:///{tmp_path}/a-file/x.db"
        return dataclasses.replace(
            load_settings(),
            rasa_url=str(rasa.make_url("")).rstrip("/"),
            rasa_token=RASA_TOKEN,
            action_server_url=str(actions.make_url("/webhook")),
            database_url=database,
            operator_token=OPERATOR,
        )

    return build


OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}


async def test_all_parts_up(aiohttp_client, settings_for) -> None:
    client = await aiohttp_client(create_app(await settings_for()))
    public = await client.get("/health")
    assert public.status == 200
    assert await public.json() == {"status": "ok"}, "nothing but the status for anyone"
    details = await client.get("/health/details", headers=OPERATOR_HEADERS)
    body = await details.json()
    assert details.status == 200, body
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
async def test_a_part_down_is_503_publicly_without_details(
    aiohttp_client, settings_for, broken, kwargs
) -> None:
    client = await aiohttp_client(create_app(await settings_for(**kwargs)))
    public = await client.get("/health")
    assert public.status == 503
    raw = await public.text()
    assert json.loads(raw) == {"status": "unavailable"}
    assert "127.0.0.1" not in raw and broken not in raw
    details = await client.get("/health/details", headers=OPERATOR_HEADERS)
    body = await details.json()
    assert details.status == 503 and body["status"] == "degraded"
    assert body["parts"][broken]["ok"] is False and body["parts"][broken]["detail"]
    assert all(part["ok"] for name, part in body["parts"].items() if name != broken)


@pytest.mark.parametrize(
    "headers",
    [
        {}, {"Authorization": "Bearer wrong"}, {"Authorization": OPERATOR},
        {"Authorization": f"Basic {OPERATOR}"}, {"Authorization": f"Bearer {OPERATOR}x"},
    ],
)
async def test_details_need_the_operator_credential(aiohttp_client, settings_for, headers) -> None:
    client = await aiohttp_client(create_app(await settings_for()))
    response = await client.get("/health/details", headers=headers)
    assert response.status == 401
    assert "parts" not in await response.text()


async def test_no_operator_token_configured_means_no_details(aiohttp_client, settings_for) -> None:
    settings = dataclasses.replace(await settings_for(), operator_token="")
    client = await aiohttp_client(create_app(settings))
    assert (await client.get("/health/details", headers={"Authorization": "Bearer "})).status == 401


async def test_a_wrong_rasa_token_shows_in_the_details(aiohttp_client, settings_for) -> None:
    settings = dataclasses.replace(await settings_for(), rasa_token="not-the-token")
    client = await aiohttp_client(create_app(settings))
    body = await (await client.get("/health/details", headers=OPERATOR_HEADERS)).json()
    assert body["parts"]["rasa"]["ok"] is False and "HTTP 401" in body["parts"]["rasa"]["detail"]
    assert "not-the-token" not in json.dumps(body)


async def test_unreachable_rasa_is_reported_not_raised(aiohttp_client, settings_for, unused_tcp_port) -> None:
    settings = dataclasses.replace(await settings_for(), rasa_url=f"http://127.0.0.1:{unused_tcp_port}")
    client = await aiohttp_client(create_app(settings))
    response = await client.get("/health/details", headers=OPERATOR_HEADERS)
    body = await response.json()
    assert response.status == 503
    assert "Connect" in body["parts"]["rasa"]["detail"]


async def test_public_health_probes_at_most_once_a_second(aiohttp_client, settings_for) -> None:
    hits: list[str] = []
    client = await aiohttp_client(create_app(await settings_for(hits=hits)))
    answers = await asyncio.gather(*(client.get("/health") for _ in range(20)))
    assert {answer.status for answer in answers} == {200}
    assert hits.count("/status") == 1, "20 public calls, one probe of Rasa"
