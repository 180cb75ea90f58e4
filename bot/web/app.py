"""aiohttp application factory for the web app (port 8080)."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.config import Settings, load_settings
from bot.web.health import check_all
from bot.web.webchat import setup_webchat

SETTINGS_KEY = web.AppKey("settings", Settings)
HTTP_KEY = web.AppKey("http", aiohttp.ClientSession)


async def health(request: web.Request) -> web.Response:
    parts = await check_all(request.app[SETTINGS_KEY], request.app[HTTP_KEY])
    all_ok = all(part.ok for part in parts)
    body = {"status": "ok" if all_ok else "degraded", "parts": {p.name: p.as_dict() for p in parts}}
    return web.json_response(body, status=200 if all_ok else 503)


async def _http_client(app: web.Application):
    app[HTTP_KEY] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
    yield
    await app[HTTP_KEY].close()


def create_app(settings: Settings | None = None, desk_background: bool = True) -> web.Application:
    """The web app; ``desk_background=False`` leaves out the desk's event reader and retry
    worker (route tests)."""
    from bot.web.desk import setup_desk

    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS_KEY] = settings or load_settings()
    app.cleanup_ctx.append(_http_client)
    app.router.add_get("/health", health)
    setup_desk(app, app[SETTINGS_KEY], background=desk_background)
    setup_webchat(app)  # demo page at /, widget assets (channels helper)
    return app
