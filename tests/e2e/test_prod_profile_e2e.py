"""The production profile (`make run-prod`) under concurrent customers.

Started as `make run-prod` starts it (bot.prod.launch: PostgreSQL for the utility data and
the tracker store, Redis lock store, RabbitMQ event broker, two Rasa instances and two
action servers behind nginx, the web app and the notifier, BOT_ENV=production), on free
ports with databases of its own (bot/prod/stack.py). Skipped, saying which, when
PostgreSQL, Redis, RabbitMQ or nginx is absent (a failure instead under .ci/run, which
installs and starts them: EVN_REQUIRE_PROD_PROFILE=1).

- 20 customers talk at once through the balancer, six turns each, the last one sent as a
  double message (two at once, as an impatient customer does): in the PostgreSQL tracker
  store every conversation has each message once, each followed by exactly the replies
  its own request got, nothing lost or interleaved, although the two messages of the
  last turn were usually handled by different instances (the Redis lock serialises
  them). Both Rasa instances and both action servers served traffic.
- The widget works through the balancer: websockets (upgrade headers) and long-polling
  (sticky), and a bot message posted through either instance reaches the visitor, whose
  socket is held by one of them (Redis pub/sub).
- An instance killed: customers keep being answered by the other, without an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bot.channels import webchat_session
from bot.modelcache import ensure_model
from bot.prod.load import SCRIPT, Customer, demo_customers, is_apology
from bot.prod.stack import ProdStack, start_prod_stack, stop_prod_stack, unavailable
from bot.rasa.redaction import mask_digits, mask_phones
from tests.e2e.stack import FROZEN_NOW

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CUSTOMERS = 20
DOUBLE = ("cảm ơn em nhiều", "vậy thôi, chào em nha")  # the last turn: two messages at once
MONEY = re.compile(r"\d[\d.]* đ(?!\w)")
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> ProdStack:
    reason = unavailable()
    if reason and os.environ.get("EVN_REQUIRE_PROD_PROFILE") == "1":  # CI (.ci/run) installs them
        pytest.fail(f"EVN_REQUIRE_PROD_PROFILE=1 but the production profile cannot run: {reason}")
    if reason:
        pytest.skip(f"production profile not runnable here: {reason}")
    started = time.monotonic()
    stack = start_prod_stack(tmp_path_factory.mktemp("prod"), ensure_model(), frozen_now=FROZEN_NOW)
    TIMINGS["ready"] = time.monotonic() - started
    yield stack
    print("\nmeasured:", ", ".join(f"{name} {value:.1f}" for name, value in TIMINGS.items()))
    stop_prod_stack(stack)


def stored(message: str) -> str:
    """A message as the tracker store keeps it (verification digits and phones masked)."""
    return mask_digits(message) if message.strip().isdigit() else mask_phones(message)


@dataclass
class Conversation:
    customer: Customer
    sender: str = field(default_factory=lambda: f"prod-{uuid.uuid4().hex[:10]}")
    token: str | None = None
    answers: list[tuple[str, list[dict]]] = field(default_factory=list)  # (message, replies)

    async def say(self, http: aiohttp.ClientSession, url: str, message: str) -> list[dict]:
        headers = {"X-Session-Token": self.token} if self.token else {}
        async with http.post(
            f"{url}/webhooks/rest/webhook", json={"sender": self.sender, "message": message}, headers=headers
        ) as answer:
            body = await answer.json(content_type=None)
            assert answer.status == 200, f"{self.sender}: {message!r} got HTTP {answer.status}: {body}"
            self.token = answer.headers.get("X-Session-Token") or self.token
        assert isinstance(body, list) and body, f"{self.sender}: silence after {message!r}"
        assert not is_apology(body), f"{self.sender}: an apology after {message!r}: {body}"
        self.answers.append((message, body))
        return body

    async def talk(self, http: aiohttp.ClientSession, url: str) -> None:
        for template in SCRIPT[:-1]:
            await self.say(http, url, template.format(code=self.customer.code, digits=self.customer.digits))
        await asyncio.gather(*(self.say(http, url, message) for message in DOUBLE))

    def messages(self) -> list[str]:
        code, digits = self.customer.code, self.customer.digits
        return [template.format(code=code, digits=digits) for template in SCRIPT[:-1]]


def tracker_events(prod: ProdStack, senders: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each conversation's user and bot events, in the order the tracker store has them."""
    engine = create_engine(prod.env["TRACKER_STORE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT sender_id, type_name, data FROM events "
                    "WHERE sender_id = ANY(:senders) AND type_name IN ('user', 'bot') ORDER BY id"
                ),
                {"senders": senders},
            ).all()
    finally:
        engine.dispose()
    events: dict[str, list[dict[str, Any]]] = {sender: [] for sender in senders}
    for sender, kind, data in rows:
        events[sender].append({"event": kind, "text": json.loads(data).get("text")})
    return events


def turns_of(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(user message, the bot texts that follow it before the next user message)."""
    turns: list[tuple[str, list[str]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event["text"], []))
        else:
            assert turns, f"a bot message before any user message: {event}"
            turns[-1][1].append(event["text"])
    return turns


async def test_concurrent_conversations_are_complete_and_in_order(prod: ProdStack) -> None:
    pool = demo_customers(prod.env["DATABASE_URL"])
    conversations = [Conversation(pool[n % len(pool)]) for n in range(CUSTOMERS)]
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=150)) as http:
        await asyncio.gather(*(conversation.talk(http, prod.url) for conversation in conversations))
    TIMINGS["conversations_s"] = time.monotonic() - started
    TIMINGS["turns_per_s"] = CUSTOMERS * (len(SCRIPT) + 1) / TIMINGS["conversations_s"]

    events = tracker_events(prod, [conversation.sender for conversation in conversations])
    for conversation in conversations:
        turns = turns_of(events[conversation.sender])
        sent = [stored(message) for message in conversation.messages()]
        said = [message for message, _ in turns]
        # Each message once, in the order sent; the double message in either order.
        assert said[: len(sent)] == sent, f"{conversation.sender}: sent {sent}, stored {said}"
        assert sorted(said[len(sent):]) == sorted(DOUBLE), f"{conversation.sender}: {said}"
        # Each message followed by exactly the replies its own request got.
        replies = {
            stored(message): [reply.get("text") for reply in body] for message, body in conversation.answers
        }
        for message, bot_texts in turns:
            assert bot_texts == replies[message], (
                f"{conversation.sender}: after {message!r} the tracker has {bot_texts}, "
                f"the customer got {replies[message]}"
            )
        # The verification and the bill went through, whichever instance had each turn.
        bill = " ".join(reply.get("text") or "" for reply in conversation.answers[2][1])
        assert conversation.customer.code in bill and MONEY.search(bill), f"{conversation.sender}: {bill}"

    sent = CUSTOMERS * (len(SCRIPT) + 1)
    channels = await logged(prod, prod.layout.public_port, "/webhooks/rest/webhook", sent)
    instances = {f"127.0.0.1:{port}" for port in prod.layout.rasa_ports}
    assert set(channels) == instances, f"REST turns by instance: {dict(channels)}"
    total = sum(channels.values())
    assert all(count >= 0.2 * total for count in channels.values()), f"unbalanced: {dict(channels)}"
    actions = prod.upstreams(prod.layout.actions_port)
    assert set(actions) == {f"127.0.0.1:{port}" for port in prod.layout.action_ports}, dict(actions)


async def logged(prod: ProdStack, port: int, path: str, count: int, since: int = 0) -> Counter:
    """The balancer's requests by upstream once ``count`` of them are logged (nginx writes a
    line after the answer has left, so the last ones may lag a little)."""
    for _ in range(50):
        served = prod.upstreams(port, path, since)
        if sum(served.values()) >= count:
            break
        await asyncio.sleep(0.1)
    return served


class Socket:
    """The widget's socket.io protocol over a raw websocket (the Python client's websocket
    transport needs a newer aiohttp than Rasa's pin; see tests/channels/test_webchat.py)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def event(self, timeout: float = 20) -> tuple[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            if frame == "2":  # engine.io ping
                await self.ws.send("3")
            elif frame.startswith("42"):
                name, data = json.loads(frame[2:])
                return name, data

    async def emit(self, name: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([name, data]))


async def test_the_widget_works_through_the_balancer_on_either_instance(prod: ProdStack) -> None:
    import websockets

    url = prod.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url, extra_headers={"Origin": prod.origin}) as ws:
        assert (await asyncio.wait_for(ws.recv(), 10)).startswith("0{")  # engine.io open: upgraded
        await ws.send("40")
        assert (await asyncio.wait_for(ws.recv(), 10)).startswith("40")
        socket = Socket(ws)
        await socket.emit("session_request", {})
        name, data = await socket.event()
        assert name == "session_confirm", (name, data)
        conversation = webchat_session.conversation_id(data["session_id"])
        await socket.emit("user_uttered", {"message": "xin chào"})
        name, data = await socket.event(60)
        assert name == "bot_uttered" and "chào" in data["text"], (name, data)
        # A notice or an agent message posted through each instance's own admin API: one of
        # them holds this socket, the other reaches it only through Redis pub/sub.
        async with aiohttp.ClientSession() as http:
            for instance in range(len(prod.layout.rasa_admin_ports)):
                notice = f"Dạ, đây là tin thử số {instance + 1} ạ."
                async with http.post(
                    prod.admin_url(
                        instance, f"/conversations/{conversation}/tracker/events",
                        output_channel="socketio", execute_side_effects="true",
                    ),
                    json=[{"event": "bot", "text": notice}],
                ) as answer:
                    assert answer.status == 200, await answer.text()
                name, data = await socket.event()
                assert (name, data.get("text")) == ("bot_uttered", notice), (instance, name, data)


async def test_the_widget_falls_back_to_long_polling_on_one_instance(prod: ProdStack) -> None:
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    heard: list[dict] = []
    confirmed: list[str] = []
    client.on("bot_uttered", lambda data: heard.append(data))
    client.on("session_confirm", lambda data: confirmed.append(data["session_id"]))
    try:
        # Every poll after the handshake must reach the process that holds the session.
        await client.connect(
            prod.url, headers={"Origin": prod.origin}, transports=["polling"], wait_timeout=10
        )
        await client.emit("session_request", {})
        for _ in range(100):
            if confirmed:
                break
            await asyncio.sleep(0.1)
        assert confirmed, "no session over long-polling"
        await client.emit("user_uttered", {"message": "xin chào"})
        for _ in range(600):
            if heard:
                break
            await asyncio.sleep(0.1)
        assert heard and "chào" in heard[0]["text"], heard
    finally:
        with contextlib.suppress(Exception):
            await client.eio.disconnect(abort=True)
        with contextlib.suppress(Exception):
            await client.disconnect()
    widget = prod.upstreams(prod.layout.public_port, "/socket.io/")
    assert widget, "no widget request reached Rasa through the balancer"


async def test_a_killed_instance_leaves_the_customers_to_the_other(prod: ProdStack) -> None:
    """rasa1 dead (the supervisor restarts it; it refuses connections until its model is
    loaded, RASA_EARLY_BIND=false): every message is answered by rasa2, none waits. (A
    message rasa1 was processing when it died gets 502: nginx never resends a POST.)"""
    pool = demo_customers(prod.env["DATABASE_URL"])
    since = len(prod.access_log())
    prod.kill("rasa1", prod.layout.rasa_ports[0])
    started = time.monotonic()
    conversations = [Conversation(pool[n % len(pool)]) for n in range(10)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        await asyncio.gather(*(one.say(http, prod.url, "xin chào") for one in conversations))
        await asyncio.gather(*(
            conversation.say(http, prod.url, f"tiền điện tháng này mã {conversation.customer.code}")
            for conversation in conversations
        ))
    TIMINGS["20_turns_after_a_kill_s"] = time.monotonic() - started
    served = await logged(prod, prod.layout.public_port, "/webhooks/rest/webhook", 20, since)
    assert served == {f"127.0.0.1:{prod.layout.rasa_ports[1]}": 20}, dict(served)
