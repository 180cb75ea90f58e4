"""The website widget's pages and assets in the web app (the demo page is the root).

- ``GET /``: the demo page, which embeds the widget with its one tag.
- ``GET /webchat/widget.js``: the widget; it loads the rest from ``/webchat/static/``.
- ``GET /webchat/config.json``: where the browser reaches the Rasa socket.io channel
  (``WEBCHAT_SOCKET_URL``).
- ``GET /webchat/static/...``: styles and the vendored socket.io client (no CDN).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.config import load_channel_settings

STATIC = Path(__file__).resolve().parent / "static" / "webchat"


async def demo_page(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "demo.html", headers={"Content-Type": "text/html; charset=utf-8"})


async def widget(_: web.Request) -> web.FileResponse:
    return web.FileResponse(
        STATIC / "widget.js",
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache"},
    )


async def config(_: web.Request) -> web.Response:
    settings = load_channel_settings()
    return web.json_response(
        {"socketUrl": settings.webchat_socket_url, "socketPath": "/socket.io"},
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


def setup_webchat(app: web.Application) -> None:
    app.router.add_get("/", demo_page)
    app.router.add_get("/webchat/widget.js", widget)
    app.router.add_get("/webchat/config.json", config)
    app.router.add_static("/webchat/static/", STATIC, follow_symlinks=False, show_index=False)
