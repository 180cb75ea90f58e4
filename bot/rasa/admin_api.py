"""The two faces of our Rasa server: public channels, and an admin API for our own processes.

Rasa 3.6 serves its whole HTTP API (trackers, events, execute, train, replace the model)
on the same port as the channel webhooks, behind one shared ``?token=``. We split them:

- the **public app** (``RASA_HOST:RASA_PORT``, default 0.0.0.0:5005) has the channel
  webhooks (``/webhooks/...``), socket.io, and a minimal ``GET /`` answer; nothing else;
- the **admin app** (``RASA_ADMIN_HOST:RASA_ADMIN_PORT``, default 127.0.0.1:5105) is
  Rasa's own API (``rasa.server.create_app``) restricted to :data:`ADMIN_ROUTES`, each
  needing the token (constant-time comparison). Every other Rasa route (train, test,
  replace or unload the model, replace events, story, predict, trigger_intent, messages,
  domain, version) answers 403.

Both add ``X-Content-Type-Options: nosniff`` and ``Cache-Control: no-store`` (channel
answers carry bills) and cap the request body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sanic import Sanic, response
from sanic.request import Request

from bot.tokens import same_secret

# (method, path pattern, needs the token) — what the desk, the notices, the health check
# and the benchmark use. Nothing else of Rasa's API is reachable.
ADMIN_ROUTES: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("GET", re.compile(r"/"), False),
    ("GET", re.compile(r"/status"), True),
    ("GET", re.compile(r"/conversations/.+/tracker"), True),
    ("POST", re.compile(r"/conversations/.+/tracker/events"), True),
    ("POST", re.compile(r"/conversations/.+/execute"), True),
    ("POST", re.compile(r"/model/parse"), True),
)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # a 100,000-character message still fits


def admin_route(method: str, path: str) -> tuple[bool, bool]:
    """(allowed, needs_token) for a request to the admin app."""
    for allowed_method, pattern, needs_token in ADMIN_ROUTES:
        if method == allowed_method and pattern.fullmatch(path):
            return True, needs_token
    return False, True


def _error(status: int, reason: str, message: str) -> response.HTTPResponse:
    return response.json({"status": "failure", "reason": reason, "message": message}, status=status)


def restrict_to_admin_routes(app: Sanic, token: str) -> None:
    """Request middleware of the admin app: allowlist, then the token."""

    @app.on_request
    async def only_admin_routes(request: Request) -> Any:
        allowed, needs_token = admin_route(request.method, request.path)
        if not allowed:
            return _error(403, "Disabled", "This endpoint is disabled on this server.")
        if needs_token and not same_secret(request.args.get("token"), token):
            return _error(401, "NotAuthenticated", "A valid token is required.")
        return None


def add_safe_headers(app: Sanic, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    app.config.REQUEST_MAX_SIZE = max_body_bytes

    @app.on_response
    async def safe_headers(_request: Request, answer: response.HTTPResponse) -> None:
        answer.headers.setdefault("X-Content-Type-Options", "nosniff")
        answer.headers.setdefault("Cache-Control", "no-store")


def build_admin_app(
    agent: Any, token: str, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    input_channels: Iterable[Any] = (),
) -> Sanic:
    """Rasa's API app (no CORS: no browser calls it) sharing ``agent``, restricted.

    ``input_channels`` are the public app's channel objects: ``execute`` with
    ``output_channel`` (the desk's agent replies, the notices) answers through them."""
    from rasa import server as rasa_server

    app = rasa_server.create_app(agent=agent, cors_origins=None, auth_token=token)
    app.ctx.input_channels = list(input_channels)
    restrict_to_admin_routes(app, token)
    add_safe_headers(app, max_body_bytes)
    return app


def build_public_app(
    agent: Any, input_channels: Iterable[Any], cors_origins: str | list[str] | None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, route: str = "/webhooks/", proxies_count: int = 0,
) -> Sanic:
    """The channels only, sharing ``agent``; ``GET /`` says the server is up, nothing more.

    ``proxies_count`` (``RASA_PROXIES_COUNT``): how many proxies of ours stand in front
    (the production profile's balancer: 1). The client address the channels see (the
    per-network rate limits) is then taken from ``X-Forwarded-For``, that many entries
    from the right; 0 trusts no header (a client could write any address there)."""
    from rasa import server as rasa_server
    from rasa.core import channels

    app = Sanic("rasa_channels", configure_logging=False)
    if proxies_count > 0:
        app.config.PROXIES_COUNT = proxies_count
    rasa_server.configure_cors(app, cors_origins)

    @app.get("/")
    async def alive(_request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    app.ctx.agent = agent
    channels.channel.register(list(input_channels), app, route=route)
    add_safe_headers(app, max_body_bytes)
    return app
