"""Bind early, serve later: Sanic apps on sockets inside a running event loop.

Sanic 21.12's ``app.run`` owns the process (its loop, its signals, one app); our Rasa
server runs two apps in one loop, so it drives each through Sanic's documented
``create_server`` life cycle: start-up, listeners, then accept.

The Rasa server binds its sockets first thing (:func:`bind`), before loading the model:
a port taken by someone else fails at once with a clear message, and while the model
loads (20-40 s) connections wait in the listen backlog instead of being refused, so
customers writing during a restart get their answer late rather than an error.
"""

from __future__ import annotations

import socket
from typing import Any

from sanic import Sanic

BACKLOG = 1024


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv4 or IPv6)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    listener.listen(BACKLOG)
    listener.setblocking(False)
    return listener


async def start_listener(app: Sanic, host: str, port: int, sock: socket.socket | None = None) -> Any:
    # Sanic 21.12 "touches up" (rewrites) class methods for the app being started; a second
    # app in the same process then fails unless Sanic keeps the originals, which it does
    # in test mode (its only other effect: app names may repeat).
    Sanic.test_mode = True
    where = {"sock": sock} if sock is not None else {"host": host, "port": port}
    server = await app.create_server(
        **where, return_asyncio_server=True, access_log=False, backlog=BACKLOG,
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
