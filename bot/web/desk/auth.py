"""Who is at the desk: session cookies, CSRF, cross-site refusal, login and logout.

* The session cookie (``desk_session``) holds a random token; the database keeps its hash
  (bot.services.desk_auth). HttpOnly, SameSite=Strict, Path=/desk, and Secure when the
  request came over TLS (directly or through a proxy saying ``X-Forwarded-Proto: https``).
* Every desk request from another site is refused (403): an ``Origin`` (or, for POSTs
  without one, a ``Referer``) naming another host, or ``Sec-Fetch-Site: cross-site``.
* Every state-changing request carries the session's CSRF token (form field ``csrf`` or
  header ``X-CSRF-Token``); the login form has its own (a double-submit cookie).
* Anonymous requests get 401 (pages show the login form with it), or 403 for a
  supervisor's page asked by an agent.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from bot.services import desk_auth
from bot.services.desk_auth import SessionInfo
from bot.web.desk.db import run_db

SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
COOKIE_PATH = "/desk"
CSRF_HEADER = "X-CSRF-Token"
SESSION_KEY = "desk_session"
PUBLIC_PATHS = frozenset({"/desk/login"})
PUBLIC_PREFIXES = ("/desk/static/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Stricter than the web app's policy (bot.web.security, which adds the other headers and
# the caching rules): desk pages talk to the desk only.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def database_url(request: web.Request) -> str:
    from bot.web.desk.state import desk_state

    return desk_state(request.app).settings.database_url


async def in_db(request: web.Request, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(session, ...)`` in a unit of work off the event loop."""
    return await run_db(database_url(request), function, *args, **kwargs)


def is_tls(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _host_of(url: str) -> str | None:
    try:
        return urlsplit(url).netloc.lower() or None
    except ValueError:
        return None


def cross_site(request: web.Request) -> bool:
    """True for a request another site made the browser send."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return True
    host = request.host.lower()
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == "null" or _host_of(origin) != host
    if request.method not in SAFE_METHODS and (referer := request.headers.get("Referer")):
        return _host_of(referer) != host
    return False


def current(request: web.Request) -> SessionInfo | None:
    return request.get(SESSION_KEY)


def csrf_ok(request: web.Request, expected: str, form: Any = None) -> bool:
    given = request.headers.get(CSRF_HEADER) or (form.get("csrf") if form is not None else None) or ""
    return bool(expected) and hmac.compare_digest(str(given), expected)


def set_session_cookie(
    response: web.StreamResponse, request: web.Request, token: str, expires: datetime
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=is_tls(request),
        max_age=max(60, int((expires - datetime.now(expires.tzinfo)).total_seconds())),
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def login_page(request: web.Request, status: int = 401, error: str | None = None) -> web.Response:
    """The login form (the answer to any anonymous page request), with a fresh login CSRF."""
    token = secrets.token_urlsafe(24)
    response = aiohttp_jinja2.render_template(
        "login.html", request, {"me": None, "csrf": token, "error": error, "username": ""}, status=status
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="Strict", secure=is_tls(request)
    )
    return response


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.path.startswith("/desk/api/")


def refuse(request: web.Request, status: int, reason: str) -> web.Response:
    if wants_json(request) or request.method not in SAFE_METHODS:
        return web.json_response({"ok": False, "error": reason}, status=status)
    if status == 401:
        return login_page(request)
    return web.Response(status=status, text=reason, content_type="text/plain", charset="utf-8")


@web.middleware
async def desk_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Guards every /desk route: cross-site refusal, session, CSRF; security headers."""
    if request.path != "/desk" and not request.path.startswith("/desk/"):
        return await handler(request)
    response = await _guarded(request, handler)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    if cross_site(request):
        return refuse(request, 403, "Yêu cầu từ trang khác bị từ chối.")
    if request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE)
    info = await in_db(request, desk_auth.session_for_token, token) if token else None
    if info is None:
        return refuse(request, 401, "Anh/chị cần đăng nhập.")
    request[SESSION_KEY] = info
    if request.method not in SAFE_METHODS:
        form = await request.post() if request.content_type in _FORM_TYPES else None
        if not csrf_ok(request, info.csrf_token, form):
            return refuse(request, 403, "Phiên làm việc không hợp lệ, anh/chị tải lại trang giúp em.")
    return await handler(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def require_supervisor(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        info = current(request)
        if info is None or not info.agent.is_supervisor:
            return refuse(request, 403, "Trang này dành cho giám sát viên.")
        return await handler(request)

    return guarded


# ---------------------------------------------------------------- login / logout


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf_ok(request, expected, form):
        return login_page(request, 403, "Phiên đăng nhập đã hết hạn, anh/chị thử lại giúp em.")
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:200]
    result = await in_db(request, desk_auth.authenticate, username, password)
    if result.locked_until is not None:
        until = result.locked_until.strftime("%H:%M")
        return login_page(request, 429, f"Đăng nhập sai nhiều lần: tài khoản tạm khóa đến {until}.")
    if not result.ok:
        return login_page(request, 401, "Tên đăng nhập hoặc mật khẩu chưa đúng.")
    token, info = await in_db(request, desk_auth.start_session, result.agent.id)
    response = see_other("/desk/")
    set_session_cookie(response, request, token, info.expires_at)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    await in_db(request, desk_auth.end_session, request.cookies.get(SESSION_COOKIE))
    response = see_other("/desk/")
    clear_session_cookie(response)
    return response
