"""aiohttp application factory for the web app (port 8080).

Security headers, the body cap and the health routes come from their own modules
(bot.web.security, bot.web.health_routes); add feature routes below them.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.config import Settings, load_settings
from bot.web.health_routes import add_health_routes
from bot.web.security import install_security_headers
from bot.web.webchat import setup_webchat

SETTINGS_KEY = web.AppKey("settings", Settings)
HTTP_KEY = web.AppKey("http", aiohttp.ClientSession)


async def _http_client(app: web.Application):
    app[HTTP_KEY] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
    yield
    await app[HTTP_KEY].close()


def create_app(settings: Settings | None = None, desk_background: bool = False) -> web.Application:
    """The web app. ``desk_background=True`` (the running web app, bot.web.__main__) adds the
    desk's reader of Rasa's event stream and its delivery worker; route tests leave them out."""
    from bot.web.desk import setup_desk

    settings = settings or load_settings()
    app = web.Application(client_max_size=settings.web_max_body_bytes)
    app[SETTINGS_KEY] = settings
    install_security_headers(app, settings)
    app.cleanup_ctx.append(_http_client)
    add_health_routes(app, settings, lambda: app[HTTP_KEY])
    setup_desk(app, settings, background=desk_background)  # /desk (agent desk)
    setup_webchat(app)  # demo page at /, widget assets
    return app
