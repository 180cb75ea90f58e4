"""Clients for the handoff tests through the whole stack: customers on Rasa's callback and
socket.io channels, and agents using the desk over HTTP + WebSocket, as a browser does.

The channel-specific parts are the two ``*Customer`` classes (small, so they can follow the
channels helper's secure channels); both offer ``say(text)`` and ``wait_for(pattern)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aiohttp

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
WAIT_S = 20.0


# ------------------------------------------------------------------ callback channel


class CallbackInbox:
    """Receives what Rasa's callback channel posts to CALLBACK_URL (a thread: one per module)."""

    def __init__(self, port: int) -> None:
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.changed = threading.Condition()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with contextlib.suppress(ValueError):
                    message = json.loads(body)
                    with inbox.changed:
                        inbox.messages[str(message.get("recipient_id"))].append(message)
                        inbox.changed.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class CallbackCustomer:
    def __init__(self, rasa_url: str, inbox: CallbackInbox, name: str) -> None:
        self.rasa_url = rasa_url
        self.inbox = inbox
        self.sender = f"e2e-{name}-{uuid.uuid4().hex[:8]}"
        self.read = 0
        self.token: str | None = None  # the channel's session credential for this sender id

    async def say(self, text: str) -> None:
        headers = {"X-Session-Token": self.token} if self.token else {}
        async with aiohttp.ClientSession() as http:
            response = await http.post(
                f"{self.rasa_url}/webhooks/callback/webhook",
                json={"sender": self.sender, "message": text},
                headers=headers,
            )
            assert response.status == 200, await response.text()
            self.token = response.headers.get("X-Session-Token") or self.token

    def _new(self) -> list[dict]:
        with self.inbox.changed:
            return list(self.inbox.messages[self.sender][self.read :])

    async def wait_for(self, pattern: str, timeout: float = WAIT_S) -> str:
        """The bot's messages since the last wait, once one matches ``pattern``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = self._new()
            texts = [m.get("text") or "" for m in new]
            if any(re.search(pattern, t) for t in texts):
                self.read += len(new)
                return "\n".join(texts)
            await asyncio.sleep(0.1)
        raise AssertionError(f"no message matching {pattern!r} for {self.sender}; got {self._new()}")

    async def silent_for(self, seconds: float) -> bool:
        await asyncio.sleep(seconds)
        return not self._new()

    def buttons(self) -> list[dict]:
        return [b for m in self.inbox.messages[self.sender] for b in m.get("buttons") or []]


# ------------------------------------------------------------------ socket.io channel


class SocketCustomer:
    """The website widget's protocol (Rasa's socketio channel, session persistence on)."""

    def __init__(self, rasa_url: str, name: str) -> None:
        import socketio

        self.rasa_url = rasa_url
        self.sender = f"e2e-{name}-{uuid.uuid4().hex[:8]}"
        self.session_id = self.sender
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict] = []
        self.read = 0
        self.confirmed = asyncio.Event()

        @self.client.on("bot_uttered")
        async def bot_uttered(data: dict) -> None:
            self.received.append(data)

        @self.client.on("session_confirm")
        async def session_confirm(data: Any) -> None:
            if isinstance(data, dict) and data.get("session_id"):
                self.session_id = str(data["session_id"])  # a server may issue its own
            self.confirmed.set()

    async def connect(self) -> None:
        # polling: python-engineio's websocket transport needs aiohttp>=3.10 (pinned 3.9.5)
        await self.client.connect(self.rasa_url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": self.sender})
        await asyncio.wait_for(self.confirmed.wait(), 10)

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def wait_for(self, pattern: str, timeout: float = WAIT_S) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = self.received[self.read :]
            texts = [m.get("text") or "" for m in new]
            if any(re.search(pattern, t) for t in texts):
                self.read += len(new)
                return "\n".join(texts)
            await asyncio.sleep(0.1)
        raise AssertionError(f"no message matching {pattern!r}; got {self.received[self.read:]}")

    async def silent_for(self, seconds: float) -> bool:
        await asyncio.sleep(seconds)
        return not self.received[self.read :]

    async def close(self) -> None:
        await self.client.disconnect()


# --------------------------------------------------------------------------- agents


class Agent:
    """An agent at the desk: logged in through the form, the desk page's WebSocket open
    (so they count as online), acting through the same requests the page's script sends."""

    def __init__(self, web_url: str, username: str, password: str) -> None:
        self.web_url = web_url
        self.username = username
        self.password = password
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.events: list[dict] = []
        self.csrf = ""
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> Agent:
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        page = await (await self.http.get(f"{self.web_url}/desk")).text()
        token = CSRF_FIELD.search(page).group(1)
        response = await self.http.post(
            f"{self.web_url}/desk/login",
            data={"csrf": token, "username": self.username, "password": self.password},
            allow_redirects=False,
        )
        assert response.status == 303, await response.text()
        home = await self.http.get(f"{self.web_url}/desk/")
        self.csrf = CSRF_META.search(await home.text()).group(1)
        self.ws = await self.http.ws_connect(f"{self.web_url}/desk/ws")
        self._reader = asyncio.create_task(self._read())
        await self.wait_event(lambda e: e["type"] == "queue")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._reader:
            self._reader.cancel()
        if self.ws:
            await self.ws.close()
        if self.http:
            await self.http.close()

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.events.append(json.loads(message.data))

    async def wait_event(self, predicate: Any, timeout: float = WAIT_S) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if predicate(event):
                    return event
            seen = len(self.events)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching desk event; got {[e['type'] for e in self.events]}")

    async def post(self, path: str, **data: str) -> tuple[int, dict]:
        response = await self.http.post(
            f"{self.web_url}{path}",
            data=data,
            headers={"Accept": "application/json", "X-CSRF-Token": self.csrf},
        )
        return response.status, await response.json()

    async def queue(self) -> dict:
        return await (await self.http.get(f"{self.web_url}/desk/api/queue")).json()

    async def handoff(self, handoff_id: int) -> dict:
        return await (await self.http.get(f"{self.web_url}/desk/api/handoffs/{handoff_id}")).json()

    async def known_handoffs(self) -> set[int]:
        queue = await self.queue()
        return {item["id"] for item in queue["waiting"] + queue["active"]}

    async def new_handoff(self, before: set[int], channel: str, timeout: float = WAIT_S) -> dict:
        """The handoff that appeared in the queue since ``before``, from this channel (the
        conversation id is the channel's business: a channel may derive its own)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            queue = await self.queue()
            for item in queue["waiting"] + queue["active"]:
                if item["id"] not in before and item["channel"] == channel:
                    return item
            await asyncio.sleep(0.2)
        raise AssertionError(f"no new {channel} handoff in the desk's queue: {await self.queue()}")

    async def wait_customer_message(self, handoff_id: int, text: str, timeout: float = WAIT_S) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            detail = await self.handoff(handoff_id)
            for message in detail["messages"]:
                if message["direction"] == "customer" and text in message["text"]:
                    return message
            await asyncio.sleep(0.2)
        raise AssertionError(f"the desk never got {text!r}: {await self.handoff(handoff_id)}")
