"""Local stand-ins for what the notifier talks to (aiohttp apps on free ports).

- :class:`FakeZaloOA`: the channels' fake Zalo OA API (format checks, scripted failures)
  plus the conversation history (``GET /v2.0/oa/conversation``) the notifier asks after
  an interruption.
- :class:`FakeGraph`: the channels' fake Messenger Send API.
- :class:`FakeRasa`: Rasa's HTTP API as the notifier uses it: ``POST
  /conversations/{id}/tracker/events`` (token, ``output_channel``, ``execute_side_effects``
  and the bot event checked, events recorded per conversation) and ``GET
  /conversations/{id}/tracker``.

Each records what it accepted; ``delay_s`` slows every answer (crash tests kill the
notifier while requests are in flight).
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.channels.fakes import FakeGraph, FakeZalo

__all__ = ["FakeGraph", "FakeRasa", "FakeZaloOA", "Running", "free_port", "serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeZaloOA(FakeZalo):
    def __init__(self, access_token: str = "zalo-token") -> None:
        super().__init__("1234567890", "app-secret", access_token, "")
        self.delay_s = 0.0
        self.history_requests = 0

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_get("/v2.0/oa/conversation", self.conversation)
        return app

    async def send(self, request: web.Request) -> web.Response:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return await super().send(request)

    async def conversation(self, request: web.Request) -> web.Response:
        self.history_requests += 1
        if request.headers.get("access_token") != self.access_token:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        try:
            query = json.loads(request.query.get("data", ""))
            user, count = str(query["user_id"]), int(query.get("count", 10))
        except (ValueError, KeyError, TypeError):
            self.problems.append("conversation: data must be JSON with user_id")
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        mine = [body for body in self.sent if body["recipient"]["user_id"] == user][::-1][:count]
        return web.json_response(
            {
                "data": [
                    {
                        "src": 0,
                        "type": "text",
                        "message": body["message"].get("text"),
                        "to_id": user,
                        "from_id": "oa",
                        "message_id": f"h{n}",
                    }
                    for n, body in enumerate(mine)
                ],
                "error": 0,
                "message": "Success",
            }
        )

    def texts_to(self, user: str) -> list[str]:
        return [body["message"].get("text", "") for body in self.sent if body["recipient"]["user_id"] == user]


@dataclass
class FakeRasa:
    token: str = "rasa-token"
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deliveries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (channel, id, event)
    problems: list[str] = field(default_factory=list)
    # "http500", "http401"...: refuse the next request; "stored500": keep it, answer 500
    script: list[Any] = field(default_factory=list)
    delay_s: float = 0.0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/conversations/{conversation:.+}/tracker/events", self.append)
        app.router.add_get("/conversations/{conversation:.+}/tracker", self.tracker)
        return app

    @staticmethod
    def _conversation(request: web.Request) -> str:
        """The id as Rasa's Sanic routes see it: the raw path, percent-escapes not decoded."""
        path = request.raw_path.split("?", 1)[0]
        return path[len("/conversations/") :].rsplit("/tracker", 1)[0]

    async def append(self, request: web.Request) -> web.Response:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        stored_then_failed = False
        if self.script:
            step = self.script.pop(0)
            if step != "stored500":
                return web.json_response({"status": "failure"}, status=int(step[4:]))
            stored_then_failed = True
        if request.query.get("token") != self.token:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        conversation = self._conversation(request)
        channel = request.query.get("output_channel", "")
        if request.query.get("execute_side_effects") != "true":
            self.problems.append("execute_side_effects must be true (or nothing is delivered)")
        if channel not in ("socketio", "callback"):
            self.problems.append(f"unexpected output_channel {channel!r}")
        events = json.loads(await request.text())
        if not isinstance(events, list) or not events:
            self.problems.append("the body must be a list of events")
            return web.json_response({"status": "failure"}, status=400)
        for event in events:
            if event.get("event") != "bot" or not isinstance(event.get("text"), str) or not event["text"]:
                self.problems.append(f"not a bot event with text: {event}")
            self.events.setdefault(conversation, []).append(event)
            self.deliveries.append((channel, conversation, event))
        if stored_then_failed:
            return web.json_response({"status": "failure"}, status=500)
        return web.json_response({"sender_id": conversation, "events": self.events[conversation]})

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({"status": "failure"}, status=401)
        conversation = self._conversation(request)
        return web.json_response({"sender_id": conversation, "events": self.events.get(conversation, [])})

    def texts_to(self, conversation: str) -> list[str]:
        return [event["text"] for event in self.events.get(conversation, [])]


@dataclass
class Running:
    url: str
    runner: web.AppRunner


async def serve(app: web.Application) -> Running:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return Running(f"http://127.0.0.1:{port}", runner)
