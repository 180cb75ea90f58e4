"""The secure callback channel: Rasa's CallbackInput semantics with the REST protections."""

from __future__ import annotations

import json
import uuid

import aiohttp
import pytest
from aiohttp import web

from bot.channels import outbound
from bot.channels.callback import SecureCallbackInput
from tests.channels.platforms import eventually

PATH = "/webhooks/callback/webhook"


class Receiver:
    """The client's callback URL: keeps what the bot POSTs; ``fail`` first answers 503."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail:
            self.fail -= 1
            return web.Response(status=503)
        assert request.content_type == "application/json"
        self.received.append(json.loads(await request.text()))
        return web.Response(text="ok")


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbound, "QUICK_RETRY_DELAY_S", 0.01)


@pytest.fixture
async def callback(serve, settings, aiohttp_server):
    receiver = Receiver()
    server = await aiohttp_server(receiver.app())
    channel = SecureCallbackInput(settings, str(server.make_url("/bot")))
    served = await serve(channel)
    return served, receiver


async def post(url: str, payload, token: str | None = None):
    headers = {"X-Session-Token": token} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url + PATH, json=payload, headers=headers) as response,
    ):
        return response.status, await response.text(), response.headers


async def test_bot_messages_are_posted_to_the_callback_url(callback) -> None:
    served, receiver = callback
    who = f"cb-{uuid.uuid4().hex[:8]}"
    status, text, headers = await post(served.url, {"sender": who, "message": "xin chào"})
    assert status == 200 and text == "success" and headers["X-Session-Token"]
    assert receiver.received[0]["recipient_id"] == who
    assert receiver.received[0]["text"] == "Dạ, em nhận được: xin chào"
    assert [b["payload"] for b in receiver.received[0]["buttons"]] == ["/ask_bill", "/ask_outage_schedule"]
    message = served.agent.messages[0]
    assert message.input_channel == "callback" and message.metadata["identity"]["kind"] == "session"


async def test_the_rest_protections_apply(callback) -> None:
    served, _ = callback
    who = f"cb-{uuid.uuid4().hex[:8]}"
    _, _, headers = await post(served.url, {"sender": who, "message": "xin chào"})
    assert (await post(served.url, {"sender": who, "message": "lại"}))[0] == 403
    assert (await post(served.url, {"sender": who, "message": "lại"}, headers["X-Session-Token"]))[0] == 200
    assert (await post(served.url, {"message": "không có sender"}))[0] == 400
    assert (await post(served.url, ["not", "an", "object"]))[0] == 400
    status, text, _ = await post(served.url, {"sender": "x", "message": "a", "input_channel": "zalo"})
    assert status == 200 and served.agent.messages[-1].input_channel == "callback"


async def test_agent_replies_go_to_the_callback_url(callback) -> None:
    """What `execute?output_channel=latest` uses for a callback conversation (handoff)."""
    served, receiver = callback
    output = served.channels[0].get_output_channel()
    await output.send_text_message("cb-desk", "Dạ, em là tư vấn viên, em hỗ trợ anh/chị ạ.")
    assert receiver.received == [
        {"recipient_id": "cb-desk", "text": "Dạ, em là tư vấn viên, em hỗ trợ anh/chị ạ."}
    ]
    assert output.messages == receiver.received  # and the execute response lists them too


async def test_a_failing_callback_url_is_retried(callback) -> None:
    served, receiver = callback
    receiver.fail = 2
    status, _, _ = await post(served.url, {"sender": f"cb-{uuid.uuid4().hex[:8]}", "message": "xin chào"})
    assert status == 200
    await eventually(lambda: receiver.received, what="delivered on the third try")


async def test_without_a_callback_url_the_webhook_says_so(serve, settings) -> None:
    served = await serve(SecureCallbackInput(settings, ""))
    status, text, _ = await post(served.url, {"sender": "x", "message": "xin chào"})
    assert status == 503 and "CALLBACK_URL" in text
    assert served.agent.messages == []
