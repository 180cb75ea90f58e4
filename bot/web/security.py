"""What every answer of the web app carries, and the operator credential.

Set on every response (pages, JSON, static files, errors) by an ``on_response_prepare``
hook, so routes added by other modules (widget page, desk, handoff API) get it without
doing anything:

- ``X-Content-Type-Options: nosniff``; ``Referrer-Policy: same-origin``;
  ``X-Frame-Options: DENY``;
- ``Content-Security-Policy``: scripts, styles, fonts, images only from this server (no
  inline scripts or style elements: put code in files under /static), network calls to
  this server and to Rasa's public channels (``RASA_PUBLIC_URL``, for the widget's
  socket.io), never framed (``frame-ancestors 'none'``);
- ``Cache-Control: no-store`` on everything but static files (a ``/static/`` segment:
  ``/static/...``, ``/desk/static/...``; they revalidate: ``no-cache``) unless the
  handler chose its own, so no page or JSON with account data
  stays in a browser or proxy cache;
- no ``Server`` header (aiohttp would name itself and its version).

The body of a request is capped at ``WEB_MAX_BODY_BYTES`` (default 256 KiB; aiohttp answers
413 beyond it) by :func:`bot.web.app.create_app`.

:func:`require_operator` checks the operator credential of the detailed health page: for
now ``Authorization: Bearer $OPERATOR_TOKEN`` (constant-time comparison); the desk's
supervisor login replaces it later.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.config import Settings
from bot.tokens import same_secret

STATIC_SEGMENT = "/static/"  # /static/..., /desk/static/...


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(settings: Settings) -> str:
    connect = ["'self'"]
    rasa = _origin(settings.rasa_public_url)
    if rasa:
        websocket = "wss" + rasa[5:] if rasa.startswith("https") else "ws" + rasa[4:]
        connect += [rasa, websocket]
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {' '.join(connect)}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def install_security_headers(app: web.Application, settings: Settings) -> None:
    fixed = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": content_security_policy(settings),
    }

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        if "Cache-Control" not in response.headers:
            static = STATIC_SEGMENT in request.path
            response.headers["Cache-Control"] = "no-cache" if static else "no-store"
        response.headers.popall("Server", None)

    app.on_response_prepare.append(add_headers)


def require_operator(request: web.Request, settings: Settings) -> None:
    """Raise 401 unless the request carries the operator credential."""
    header = request.headers.get("Authorization", "")
    scheme, _, provided = header.partition(" ")
    if scheme.lower() != "bearer" or not same_secret(provided.strip(), settings.operator_token):
        raise web.HTTPUnauthorized(
            text='{"error": "operator credential required"}',
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="operator"'},
        )
