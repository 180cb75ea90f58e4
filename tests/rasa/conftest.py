from __future__ import annotations

import contextlib

import pytest

from bot.rasa.listeners import start_listener, stop_listener


@pytest.fixture()
def serve_sanic(unused_tcp_port_factory):
    """Serve a Sanic app on a free loopback port for the test; yields its base URL."""

    @contextlib.asynccontextmanager
    async def serve(app):
        port = unused_tcp_port_factory()
        server = await start_listener(app, "127.0.0.1", port)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await stop_listener(server)

    return serve
