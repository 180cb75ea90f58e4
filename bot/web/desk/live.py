"""Live desk: one WebSocket per open desk page (``/desk/ws``).

The server pushes the queue (rendered HTML, one per page, so its forms carry that page's
CSRF token), new customer messages, delivery updates, and an alert when an urgent handoff
arrives. Pages ping every 30 s; while a page is connected its agent counts as online
(``desk_sessions.present_until``), which the bot uses to offer a wait or a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web

from bot import clock
from bot.services import desk_auth, handoff_config, handoff_queue
from bot.services.desk_auth import SessionInfo
from bot.web.desk.auth import current, in_db

log = logging.getLogger(__name__)

PING_SECONDS = 30


@dataclass(eq=False)
class Client:
    ws: web.WebSocketResponse
    session: SessionInfo


class Hub:
    def __init__(self, app: web.Application, database_url: str) -> None:
        self.app = app
        self.database_url = database_url
        self.clients: set[Client] = set()
        self._fingerprint: object = None

    async def send(self, client: Client, payload: dict[str, Any]) -> None:
        try:
            await client.ws.send_str(json.dumps(payload, ensure_ascii=False, default=str))
        except (ConnectionError, RuntimeError):
            self.clients.discard(client)

    async def broadcast(self, payload: dict[str, Any]) -> None:
        await asyncio.gather(*(self.send(c, payload) for c in list(self.clients)))

    async def _snapshot(self) -> handoff_queue.QueueSnapshot:
        from bot.web.desk.db import run_db

        return await run_db(self.database_url, handoff_queue.queue_snapshot)

    async def push_queue(self, alert_handoff: int | None = None, force: bool = True) -> None:
        """Send every page its queue (when it changed, unless ``force``)."""
        snapshot = await self._snapshot()
        fingerprint = (
            [(i.id, i.status, i.agent_id, i.last_customer_text) for i in snapshot.waiting + snapshot.active],
            [(c.handoff_id, c.phone) for c in snapshot.callbacks],
        )
        if not force and fingerprint == self._fingerprint:
            return
        self._fingerprint = fingerprint
        urgent = [i.id for i in snapshot.waiting if i.priority == 1]
        for client in list(self.clients):
            html = render(self.app, "_queue.html", queue=snapshot, me=client.session, now=clock.now())
            await self.send(
                client,
                {
                    "type": "queue",
                    "html": html,
                    "waiting": len(snapshot.waiting),
                    "urgent": urgent,
                    "alert": alert_handoff is not None and alert_handoff in urgent,
                },
            )

    async def push_message(self, handoff_id: int, message: Any) -> None:
        html = render(self.app, "_message.html", m=message)
        await self.broadcast(
            {
                "type": "message",
                "handoff_id": handoff_id,
                "id": message.id,
                "direction": message.direction,
                "delivery": message.delivery,
                "text": message.text,
                "html": html,
            }
        )

    async def push_handoff(self, handoff_id: int, status: str, note: str = "") -> None:
        await self.broadcast({"type": "handoff", "handoff_id": handoff_id, "status": status, "note": note})


def render(app: web.Application, name: str, **context: Any) -> str:
    """A template (partial) rendered outside a request, for the WebSocket."""
    return aiohttp_jinja2.get_env(app).get_template(name).render(**context)


async def websocket(request: web.Request) -> web.StreamResponse:
    from bot.web.desk.state import desk_state

    state = desk_state(request.app)
    info = current(request)
    ws = web.WebSocketResponse(heartbeat=PING_SECONDS, max_msg_size=4096)
    await ws.prepare(request)
    client = Client(ws, info)
    hub: Hub = state.hub  # type: ignore[assignment]
    hub.clients.add(client)
    presence = handoff_config.load_config().presence_seconds
    try:
        await in_db(request, desk_auth.mark_present, info.id, presence)
        await hub.push_queue()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            with contextlib.suppress(ValueError, TypeError):
                if json.loads(message.data).get("type") == "ping":
                    await in_db(request, desk_auth.mark_present, info.id, presence)
                    await ws.send_str('{"type": "pong"}')
    finally:
        hub.clients.discard(client)
        if not any(c.session.id == info.id for c in hub.clients):
            with contextlib.suppress(Exception):
                await in_db(request, desk_auth.mark_present, info.id, 0)
        with contextlib.suppress(Exception):
            await hub.push_queue()
    return ws
