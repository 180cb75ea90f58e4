"""Start and stop a Sanic app on a host and port inside a running event loop.

Sanic 21.12's ``app.run`` owns the process (its loop, its signals, one app); our Rasa
server runs two apps in one loop, so it drives each through Sanic's documented
``create_server`` life cycle: bind without accepting, start-up, listeners, then accept.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic


async def start_listener(app: Sanic, host: str, port: int) -> Any:
    # Sanic 21.12 "touches up" (rewrites) class methods for the app being started; a second
    # app in the same process then fails unless Sanic keeps the originals, which it does
    # in test mode (its only other effect: app names may repeat).
    Sanic.test_mode = True
    server = await app.create_server(
        host=host, port=port, return_asyncio_server=True, access_log=False,
        asyncio_server_kwargs={"start_serving": False},
    )
    await server.startup()
    await server.before_start()
    await server.start_serving()
    await server.after_start()
    return server


async def stop_listener(server: Any) -> None:
    await server.before_stop()
    server.close()
    await server.wait_closed()
    for connection in list(server.connections):
        connection.close_if_idle()
    await server.after_stop()
