"""Makes the pinned Sanic 21.12's websockets work on Python 3.11.

Sanic 21.12's ``WebsocketImplProtocol.recv`` passes the coroutine of
``WebsocketFrameAssembler.get`` to ``asyncio.wait``, which Python 3.11 refuses (coroutines
must be wrapped in tasks), so every websocket closed right after its handshake: the
widget's socket.io connection could only poll. The shim makes ``get`` return a task,
which ``asyncio.wait`` accepts and every ``await`` of it still works. Applied once, by the
widget channel; it changes nothing on Python versions where ``get`` already works.
"""

from __future__ import annotations

import asyncio
from typing import Any


def make_sanic_websockets_work() -> None:
    from sanic.server.websockets.frame import WebsocketFrameAssembler

    original = WebsocketFrameAssembler.get
    if getattr(original, "_returns_task", False):
        return

    def get(self: Any, timeout: float | None = None) -> asyncio.Future:
        return asyncio.ensure_future(original(self, timeout))

    get._returns_task = True  # type: ignore[attr-defined]
    WebsocketFrameAssembler.get = get  # type: ignore[method-assign]
