"""Nobody gets into the desk who should not: anonymous and cross-site requests to every desk
route are refused, state changes need the CSRF token, logins lock after repeated failures,
cookies are HttpOnly + SameSite=Strict (+ Secure behind TLS)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot import clock
from tests.web.desk.conftest import CSRF_FIELD, PASSWORD, login

OPEN_PATHS = {"/desk/login"}


def desk_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every desk route of the app, with sample ids filled in."""
    routes = []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if not path or not path.startswith("/desk") or route.method == "HEAD":
            continue
        path = path.replace("{handoff_id}", "1").replace("{code}", "SC-1").replace("{alert_id}", "1")
        if path.endswith("/static/") or path.endswith("/static"):
            continue
        routes.append((route.method, path))
    assert len(routes) >= 15, routes
    return sorted(set(routes))


async def test_an_anonymous_visitor_gets_the_login_form(client: TestClient) -> None:
    for path in ("/desk", "/desk/"):
        response = await client.get(path)
        page = await response.text()
        assert response.status == 401
        assert '<form method="post" action="/desk/login"' in page and 'type="password"' in page
        assert "Đăng nhập" in page and response.headers["Content-Security-Policy"].startswith(
            "default-src 'self'"
        )


async def test_every_desk_route_refuses_anonymous_requests(client: TestClient) -> None:
    for method, path in desk_routes(client):
        if path in OPEN_PATHS:
            continue
        response = await client.request(method, path, data={"text": "x"}, allow_redirects=False)
        assert response.status == 401, (method, path, response.status)


async def test_every_desk_route_refuses_cross_site_requests(client: TestClient) -> None:
    csrf = await login(client, "hoa")  # a supervisor: every page is hers otherwise
    for method, path in desk_routes(client):
        for headers in (
            {"Origin": "http://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Origin": "null"},
        ):
            response = await client.request(
                method,
                path,
                headers={**headers, "X-CSRF-Token": csrf},
                data={"csrf": csrf},
                allow_redirects=False,
            )
            assert response.status == 403, (method, path, headers, response.status)
    # A POST without Origin but with a foreign Referer is cross-site too.
    response = await client.post(
        "/desk/logout",
        headers={"Referer": "http://evil.example/page", "X-CSRF-Token": csrf},
        allow_redirects=False,
    )
    assert response.status == 403
    same = await client.get("/desk/", headers={"Origin": str(client.make_url("")).rstrip("/")})
    assert same.status == 200


async def test_state_changes_need_the_sessions_csrf_token(client: TestClient) -> None:
    csrf = await login(client)
    for headers, data in (({}, {}), ({"X-CSRF-Token": "forged"}, {}), ({}, {"csrf": "forged"})):
        response = await client.post("/desk/logout", headers=headers, data=data, allow_redirects=False)
        assert response.status == 403
    assert (await client.get("/desk/")).status == 200  # still logged in
    response = await client.post("/desk/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    assert (await client.get("/desk/")).status == 401


async def test_the_login_form_has_its_own_csrf(make_client) -> None:
    client = await make_client()
    response = await client.post(
        "/desk/login", data={"username": "lan", "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 403 and "desk_session" not in response.cookies
    page = await client.get("/desk")
    token = CSRF_FIELD.search(await page.text()).group(1)
    wrong = await client.post(
        "/desk/login",
        data={"csrf": token + "x", "username": "lan", "password": PASSWORD},
        allow_redirects=False,
    )
    assert wrong.status == 403


async def test_session_cookies_are_httponly_strict_and_secure_behind_tls(make_client) -> None:
    client = await make_client()
    page = await client.get("/desk")
    token = CSRF_FIELD.search(await page.text()).group(1)
    plain = await client.post(
        "/desk/login", data={"csrf": token, "username": "lan", "password": PASSWORD}, allow_redirects=False
    )
    cookie = plain.headers["Set-Cookie"]
    header = next(h for h in plain.headers.getall("Set-Cookie") if h.startswith("desk_session="))
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/desk" in header
    assert "Secure" not in header and cookie
    client = await make_client()  # another browser, behind a TLS proxy
    page = await client.get("/desk", headers={"X-Forwarded-Proto": "https"})
    token = CSRF_FIELD.search(await page.text()).group(1)
    login_cookie = next(h for h in page.headers.getall("Set-Cookie") if h.startswith("desk_login_csrf="))
    assert "Secure" in login_cookie  # so the test client (plain HTTP) will not send it back: we do
    tls = await client.post(
        "/desk/login",
        data={"csrf": token, "username": "lan", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https", "Cookie": f"desk_login_csrf={token}"},
        allow_redirects=False,
    )
    header = next(h for h in tls.headers.getall("Set-Cookie") if h.startswith("desk_session="))
    assert "Secure" in header


async def test_five_wrong_passwords_lock_the_account(client: TestClient) -> None:
    page = await client.get("/desk")
    token = CSRF_FIELD.search(await page.text()).group(1)

    async def attempt(password: str) -> tuple[int, str]:
        response = await client.post(
            "/desk/login",
            data={"csrf": token, "username": "lan", "password": password},
            allow_redirects=False,
        )
        return response.status, await response.text()

    for _ in range(4):
        status, page_text = await attempt("sai mật khẩu")
        assert status == 401 and "chưa đúng" in page_text
        token = CSRF_FIELD.search(page_text).group(1)
    status, page_text = await attempt("sai mật khẩu")
    assert status == 429 and "tạm khóa đến 09:15" in page_text
    token = CSRF_FIELD.search(page_text).group(1)
    status, page_text = await attempt(PASSWORD)  # the right password during the lock
    assert status == 429
    token = CSRF_FIELD.search(page_text).group(1)
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        status, _ = await attempt(PASSWORD)
    assert status == 303


@pytest.mark.parametrize("path", ["/desk/supervisor"])
async def test_supervisor_pages_refuse_agents(client: TestClient, path: str) -> None:
    csrf = await login(client, "lan")
    assert (await client.get(path)).status == 403
    response = await client.post("/desk/settings/hours", data={"csrf": csrf, "hours": "T2 08:00-09:00"})
    assert response.status == 403
    response = await client.post("/desk/incidents/SC-1", data={"csrf": csrf, "action": "restored"})
    assert response.status == 403


async def test_the_websocket_needs_a_session_and_the_same_site(client: TestClient) -> None:
    response = await client.get("/desk/ws", headers={"Connection": "Upgrade", "Upgrade": "websocket"})
    assert response.status == 401
    await login(client)
    response = await client.get("/desk/ws", headers={"Origin": "http://evil.example"})
    assert response.status == 403
    ws = await client.ws_connect("/desk/ws")
    first = await ws.receive_json(timeout=5)
    assert first["type"] == "queue" and "Khách đang chờ" in first["html"]
    await ws.close()
