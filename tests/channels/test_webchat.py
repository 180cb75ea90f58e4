"""The widget's socket.io channel: delivery, origins, server-issued sessions bound to sockets."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
import socketio

from bot.channels import webchat_session
from bot.channels.webchat import WebchatInput
from tests.channels.platforms import eventually, settle
from tests.support.services import redis_up

ORIGIN = "http://localhost:8080"

# Closing a polling client without waiting for its long-poll request leaves a pending
# queue read behind in the client library; that is the test client's, not the server's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class Visitor:
    """A browser tab: a socket.io client that keeps what the bot says."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: list[dict[str, Any]] = []
        self.session_id: str | None = None

        @self.client.on("bot_uttered")
        async def bot_uttered(data: dict[str, Any]) -> None:
            self.heard.append(data)

        @self.client.on("session_confirm")
        async def session_confirm(data: dict[str, Any]) -> None:
            self.session_id = data["session_id"]

    async def connect(self, url: str, origin: str = ORIGIN, transport: str = "polling") -> None:
        # The Python client's websocket transport needs a newer aiohttp than Rasa's pin;
        # the browser test (tests/web/test_webchat_browser.py) goes over websockets.
        await self.client.connect(url, headers={"Origin": origin}, transports=[transport], wait_timeout=5)

    async def start(self, url: str, session_id: str | None = None, **connect: Any) -> Visitor:
        await self.connect(url, **connect)
        self.session_id = None
        await self.client.emit("session_request", {"session_id": session_id} if session_id else {})
        await eventually(lambda: self.session_id, what="session_confirm")
        return self

    async def say(self, text: Any, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, **extra})

    async def leave(self) -> None:
        """Close the tab (without waiting for the long-poll request to return)."""
        eio = self.client.eio
        with contextlib.suppress(Exception):
            await eio.disconnect(abort=True)
        task = getattr(eio, "read_loop_task", None)
        if task is not None and not task.done():
            task.cancel()
        with contextlib.suppress(Exception):
            await self.client.disconnect()

    def texts(self) -> list[str]:
        return [item.get("text", "") for item in self.heard]


@pytest.fixture
async def webchat(serve, settings):
    served = await serve(WebchatInput(settings))
    visitors: list[Visitor] = []

    def visitor() -> Visitor:
        visitors.append(Visitor())
        return visitors[-1]

    yield served, visitor
    for one in visitors:
        await one.leave()


async def test_a_message_is_answered_over_socketio(webchat) -> None:
    served, visitor = webchat
    tab = await visitor().start(served.url)
    await tab.say("tiền điện tháng này bao nhiêu")
    await eventually(lambda: tab.heard, what="a reply delivered to the browser")
    assert tab.heard[0]["text"] == "Dạ, em nhận được: tiền điện tháng này bao nhiêu"
    assert [q["payload"] for q in tab.heard[0]["quick_replies"]] == ["/ask_bill", "/ask_outage_schedule"]
    message = served.agent.messages[0]
    assert message.input_channel == "socketio"
    assert message.sender_id == webchat_session.conversation_id(tab.session_id)
    assert tab.session_id not in message.sender_id, "the bearer secret never becomes the conversation id"
    assert message.metadata["identity"] == {
        "kind": "session",
        "key": webchat_session.session_key(tab.session_id),
    }


async def test_session_ids_are_issued_by_us_and_resumed_after_a_reload(webchat) -> None:
    served, visitor = webchat
    first = await visitor().start(served.url)
    assert webchat_session.is_ours(first.session_id, served.channels[0].key)
    await first.leave()
    reloaded = await visitor().start(served.url, session_id=first.session_id)
    assert reloaded.session_id == first.session_id
    await reloaded.say("xin chào")
    await eventually(lambda: served.agent.messages, what="a message")
    assert served.agent.messages[0].sender_id == webchat_session.conversation_id(first.session_id)


@pytest.mark.parametrize(
    "presented",
    ["guessed-session", "a" * 32 + "." + "b" * 22, "", 12345, None],
)
async def test_a_session_id_we_did_not_issue_gets_a_new_one(webchat, presented) -> None:
    served, visitor = webchat
    tab = await visitor().start(served.url, session_id=presented)
    assert tab.session_id != presented and webchat_session.is_ours(tab.session_id, served.channels[0].key)


async def test_messages_before_a_session_get_a_polite_answer(webchat) -> None:
    served, visitor = webchat
    tab = visitor()
    await tab.connect(served.url)
    await tab.say("xin chào", session_id="someone-elses-session")
    await eventually(lambda: tab.heard, what="an answer")
    assert "tải lại trang" in tab.heard[0]["text"]
    assert served.agent.messages == []


async def test_a_session_id_field_in_a_message_cannot_reach_another_conversation(webchat) -> None:
    """Rasa's channel took each message's session_id as the sender: anyone could write
    into (and, once delivery worked, read) any conversation."""
    served, visitor = webchat
    victim = await visitor().start(served.url)
    attacker = await visitor().start(served.url)
    await attacker.say("tiền điện", session_id=victim.session_id)
    await eventually(lambda: attacker.heard, what="the attacker's own reply")
    await settle(0.2)
    assert victim.heard == []
    assert served.agent.messages[0].sender_id == webchat_session.conversation_id(attacker.session_id)


async def test_every_tab_of_a_session_hears_the_replies_and_nobody_else(webchat) -> None:
    served, visitor = webchat
    tab1 = await visitor().start(served.url)
    tab2 = await visitor().start(served.url, session_id=tab1.session_id)
    stranger = await visitor().start(served.url)
    await tab1.say("xin chào")
    await eventually(lambda: tab1.heard and tab2.heard, what="both tabs")
    await settle(0.2)
    assert stranger.heard == []


async def test_agent_replies_reach_the_browser_through_the_output_channel(webchat) -> None:
    """What `POST /conversations/{id}/execute?output_channel=latest` uses during a handoff."""
    served, visitor = webchat
    tab = await visitor().start(served.url)
    output = served.channels[0].get_output_channel()
    await output.send_text_message(
        webchat_session.conversation_id(tab.session_id), "Dạ, em là tư vấn viên Lan ạ."
    )
    await eventually(lambda: tab.heard, what="the agent's reply")
    assert tab.texts() == ["Dạ, em là tư vấn viên Lan ạ."]


async def test_other_origins_cannot_connect(webchat) -> None:
    served, visitor = webchat
    with pytest.raises(socketio.exceptions.ConnectionError):
        await visitor().connect(served.url, origin="https://evil.example", transport="polling")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "chưa nhận được nội dung"),
        ("   ", "chưa nhận được nội dung"),
        (None, "chưa nhận được nội dung"),
        (["x"], "chưa nhận được nội dung"),
        ("a" * 100_000, "dài quá"),
    ],
)
async def test_empty_odd_and_huge_messages_get_a_polite_answer(webchat, text, expected) -> None:
    served, visitor = webchat
    tab = await visitor().start(served.url)
    await tab.say(text)
    await eventually(lambda: tab.heard, what="an answer")
    assert expected in tab.heard[0]["text"]
    assert served.agent.messages == []


async def test_client_metadata_is_filtered(webchat) -> None:
    served, visitor = webchat
    tab = await visitor().start(served.url)
    await tab.say("xin chào", metadata={"identity": {"kind": "platform", "key": "1"}, "web_token": "t.1.s"})
    await eventually(lambda: served.agent.messages, what="a message")
    metadata = served.agent.messages[0].metadata
    assert metadata["identity"]["kind"] == "session" and metadata["web_token"] == "t.1.s"


async def test_a_hundred_thousand_characters_do_not_hold_up_another_visitor(webchat) -> None:
    served, visitor = webchat
    big, small = await visitor().start(served.url), await visitor().start(served.url)
    await asyncio.gather(big.say("a" * 100_000), small.say("xin chào"))
    await eventually(lambda: big.heard and small.heard, what="both answered")


async def test_websockets_stay_open_and_carry_the_conversation(webchat) -> None:
    """Sanic 21.12 on Python 3.11 closed every websocket after the handshake (see
    bot/channels/sanic_compat.py); browsers use websockets, so speak the protocol here."""
    import json

    import websockets

    served, _ = webchat
    url = served.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url, extra_headers={"Origin": ORIGIN}) as ws:
        assert (await asyncio.wait_for(ws.recv(), 5)).startswith("0{")  # engine.io open
        await ws.send("40")  # socket.io connect
        assert (await asyncio.wait_for(ws.recv(), 5)).startswith("40")
        await ws.send('42["session_request",{}]')
        event, data = json.loads((await asyncio.wait_for(ws.recv(), 5))[2:])
        assert event == "session_confirm" and webchat_session.is_ours(
            data["session_id"], served.channels[0].key
        )
        await ws.send(json.dumps(["user_uttered", {"message": "xin chào"}]).join(["42", ""]))
        event, data = json.loads((await asyncio.wait_for(ws.recv(), 5))[2:])
        assert event == "bot_uttered" and data["text"] == "Dạ, em nhận được: xin chào"


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "127.0.0.1"), (1, "203.0.113.9")],
    ids=["no-proxy-trusted: the header is ignored", "behind-the-balancer: its X-Forwarded-For"],
)
async def test_the_client_network_is_the_peer_or_what_our_balancer_says(
    serve, settings, proxies: int, expected: str
) -> None:
    """python-engineio's Sanic driver reported 127.0.0.1 for every visitor; the per-network
    rate limits need the real peer, and behind the balancer (RASA_PROXIES_COUNT=1) the
    address it forwards, never a header a client wrote itself."""
    from bot.services import rate_limits

    served = await serve(WebchatInput(settings))
    served.app.config.PROXIES_COUNT = proxies
    tab = Visitor()
    try:
        await tab.client.connect(
            served.url, headers={"Origin": ORIGIN, "X-Forwarded-For": "203.0.113.9"},
            transports=["polling"], wait_timeout=5,
        )
        await tab.client.emit("session_request", {})
        await eventually(lambda: tab.session_id, what="session_confirm")
        await tab.say("xin chào")
        await eventually(lambda: served.agent.messages, what="a message")
    finally:
        await tab.leave()
    metadata = served.agent.messages[0].metadata
    assert metadata[rate_limits.NETWORK_METADATA_KEY] == rate_limits.network_key(expected)


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
async def test_with_the_redis_pubsub_another_instance_reaches_the_visitor(serve, settings) -> None:
    """Two Rasa instances (production profile): the visitor's socket is on the first; an
    agent reply or a notice executed by the second (the admin API is balanced) must still
    reach the browser; so must the first instance's own replies."""
    import dataclasses
    import uuid

    shared = dataclasses.replace(
        settings, webchat_pubsub_url="redis://127.0.0.1:6379/3",
        webchat_pubsub_channel=f"evncskh-webchat-test-{uuid.uuid4().hex[:8]}",
    )
    first, second = await serve(WebchatInput(shared)), await serve(WebchatInput(shared))
    tab = Visitor()
    try:
        await tab.start(first.url)
        await tab.say("xin chào")
        await eventually(lambda: tab.heard, what="the first instance's own reply")
        conversation = webchat_session.conversation_id(tab.session_id)
        output = second.channels[0].get_output_channel()
        await output.send_text_message(conversation, "Dạ, em là tư vấn viên Lan ạ.")
        await eventually(lambda: len(tab.heard) == 2, what="the reply sent by the other instance")
    finally:
        await tab.leave()
    assert tab.texts() == ["Dạ, em nhận được: xin chào", "Dạ, em là tư vấn viên Lan ạ."]
