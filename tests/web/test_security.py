"""Issue 9 #10: security headers on every answer of the web app, no server version, a body
cap. Routes added by other modules get the same headers without doing anything."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from bot.config import load_settings
from bot.web.app import create_app
from bot.web.security import content_security_policy


def _app(**changes) -> web.Application:
    settings = dataclasses.replace(
        load_settings(), rasa_public_url="https://chat.example.vn",
        operator_token="op-token-for-tests-0123456789", **changes,
    )
    app = create_app(settings)

    async def account(request: web.Request) -> web.Response:
        return web.json_response({"customer_code": "PB01010000101", "amount": "798.660 đ"})

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"size": len(await request.read())})

    async def cached(request: web.Request) -> web.Response:
        return web.Response(text="x", headers={"Cache-Control": "public, max-age=60"})

    app.router.add_get("/api/account", account)
    app.router.add_post("/api/echo", echo)
    app.router.add_get("/static/widget.js", cached)
    app.router.add_get("/static/plain.css", lambda request: web.Response(text="body{}"))
    app.router.add_get("/desk/static/desk.js", lambda request: web.Response(text="//"))
    return app


EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


async def test_every_answer_carries_the_headers_and_no_server_version(aiohttp_client) -> None:
    client = await aiohttp_client(_app())
    for method, path, status in [
        ("GET", "/api/account", 200), ("GET", "/no/such/page", 404),
        ("GET", "/health/details", 401), ("POST", "/health", 405), ("GET", "/static/plain.css", 200),
    ]:
        response = await client.request(method, path)
        assert response.status == status, (path, response.status)
        await response.read()
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (path, name)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "Server" not in response.headers, (path, response.headers.get("Server"))


async def test_account_data_is_never_cached_static_files_revalidate(aiohttp_client) -> None:
    client = await aiohttp_client(_app())
    assert (await client.get("/api/account")).headers["Cache-Control"] == "no-store"
    assert (await client.get("/health/details")).headers["Cache-Control"] == "no-store"
    assert (await client.get("/static/plain.css")).headers["Cache-Control"] == "no-cache"
    assert (await client.get("/desk/static/desk.js")).headers["Cache-Control"] == "no-cache"
    assert (await client.get("/static/widget.js")).headers["Cache-Control"] == "public, max-age=60"


def test_the_policy_allows_the_widget_to_reach_rasa_and_nothing_inline() -> None:
    settings = dataclasses.replace(load_settings(), rasa_public_url="https://chat.example.vn/")
    policy = content_security_policy(settings)
    assert "connect-src 'self' https://chat.example.vn wss://chat.example.vn" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    local = content_security_policy(dataclasses.replace(settings, rasa_public_url="http://localhost:5005"))
    assert "connect-src 'self' http://localhost:5005 ws://localhost:5005" in local


async def test_bodies_over_the_cap_are_refused_with_413(aiohttp_client) -> None:
    client = await aiohttp_client(_app(web_max_body_bytes=1024))
    assert (await client.post("/api/echo", data=b"x" * 1000)).status == 200
    too_big = await client.post("/api/echo", data=b"x" * 5000)
    assert too_big.status == 413
    assert too_big.headers["X-Content-Type-Options"] == "nosniff"
