"""The channels in the whole stack (`make run` defaults): identity attacks of issue 9 #2
through the real Rasa server, the local-development refusal of unsigned webhooks, and
agent-style delivery to the widget with `execute?output_channel=latest`."""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid

import socketio
from sqlalchemy import select

from bot.db.models import ChannelLink
from bot.services import unit_of_work
from tests.e2e.stack import Stack, _open

REST = "/webhooks/rest/webhook"


def sender(name: str) -> str:
    return f"e2e-{name}-{uuid.uuid4().hex[:8]}"


def said(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def post_raw(url: str, raw: bytes, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=raw, headers={"Content-Type": "application/json", **(headers or {})}
    )
    return _open(request, 30)


def test_input_channel_zalo_over_rest_links_nothing_and_reads_nothing_later(stack: Stack) -> None:
    """Issue 9 #2: '"input_channel": "zalo"' over REST created a permanent Zalo link."""
    me = sender("fake-zalo")
    first = {"sender": me, "message": "tiền điện tháng 10/2026 mã PB05010000001", "input_channel": "zalo"}
    status, _, headers = stack.post_json_with_headers(stack.rasa_url + REST, first)
    assert status == 200
    token = {"X-Session-Token": headers["X-Session-Token"]}
    status, replies = stack.post_json(
        stack.rasa_url + REST, {"sender": me, "message": "1321", "input_channel": "zalo"}, headers=token
    )
    assert status == 200 and "798.660 đ" in said(replies)  # verified for this REST session only
    with unit_of_work(stack.env["DATABASE_URL"]) as uow:
        links = uow.session.execute(select(ChannelLink).where(ChannelLink.channel == "zalo")).scalars().all()
        assert links == [], "a REST request never creates a Zalo link"
    status, tracker = stack.get_json(stack.rasa_api(f"/conversations/{me}/tracker"))
    channels = {event.get("input_channel") for event in tracker["events"] if event["event"] == "user"}
    assert channels == {"rest"}


def test_a_reused_sender_id_cannot_read_the_previous_users_bill(stack: Stack) -> None:
    """Issue 9 #2: a reused REST sender id read the previous user's bill."""
    victim = sender("victim")
    stack.say(victim, "tiền điện tháng 10/2026 mã PB05010000001")
    assert "798.660 đ" in said(stack.say(victim, "1321"))
    status, body = stack.post_json(stack.rasa_url + REST, {"sender": victim, "message": "tháng 10 bao nhiêu"})
    assert status == 403 and body["error"] == "session_token_required"


def test_requests_without_a_sender_or_with_a_bad_body_get_400(stack: Stack) -> None:
    """Issue 9 #2 and #9: no shared 'default' conversation, no 500, no empty 200."""
    status, body = stack.post_json(stack.rasa_url + REST, {"message": "xin chào"})
    assert status == 400 and body["error"] == "sender_missing"
    for raw in (b"", b"[1]", b'"x"', b"{not json"):
        status, body = post_raw(stack.rasa_url + REST, raw)
        assert status == 400 and body["reason"], (raw, status, body)
    status, body = stack.post_json(stack.rasa_url + REST, {"sender": "x" * 10_000, "message": "hi"})
    assert status == 400 and body["error"] == "sender_too_long"


def test_a_100000_character_message_gets_a_polite_answer(stack: Stack) -> None:
    replies = stack.say(sender("long"), "điện " * 20_000)
    assert "dài quá" in said(replies)


def test_unsigned_webhooks_are_refused_by_default(stack: Stack) -> None:
    """Nothing configured (the `make run` default): Zalo and Messenger accept nothing."""
    body = json.dumps(
        {
            "event_name": "user_send_text",
            "timestamp": "1",
            "sender": {"id": "1"},
            "message": {"msg_id": "m1", "text": "xin chào"},
        }
    ).encode()
    assert post_raw(stack.rasa_url + "/webhooks/zalo/webhook", body)[0] == 403
    assert (
        post_raw(stack.rasa_url + "/webhooks/zalo/webhook", body, {"X-ZEvent-Signature": "mac=00"})[0] == 403
    )
    assert post_raw(stack.rasa_url + "/webhooks/facebook/webhook", b'{"object":"page","entry":[]}')[0] == 403
    status, _ = stack.get_json(
        stack.rasa_url + "/webhooks/facebook/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1"
    )
    assert status == 403


def test_execute_with_output_channel_latest_reaches_the_widget(stack: Stack) -> None:
    """How the agent desk and the notices deliver to a widget conversation."""
    asyncio.run(_widget_receives_an_executed_action(stack))


async def _widget_receives_an_executed_action(stack: Stack) -> None:
    client = socketio.AsyncClient(reconnection=False)
    heard: list[dict] = []
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client.on("bot_uttered", heard.append)
    client.on("session_confirm", lambda data: confirmed.done() or confirmed.set_result(data["session_id"]))
    origin = f"http://localhost:{stack.env['WEB_PORT']}"
    await client.connect(stack.rasa_url, headers={"Origin": origin}, transports=["polling"], wait_timeout=10)
    try:
        await client.emit("session_request", {})
        session_id = await asyncio.wait_for(confirmed, 10)
        await client.emit("user_uttered", {"message": "xin chào"})
        for _ in range(300):
            if heard:
                break
            await asyncio.sleep(0.1)
        assert heard and heard[0]["text"].startswith("Dạ, em chào"), heard
        from bot.channels.webchat_session import conversation_id

        conversation = conversation_id(session_id)
        before = len(heard)
        url = stack.rasa_api(f"/conversations/{conversation}/execute", output_channel="latest")
        status, _ = await asyncio.to_thread(stack.post_json, url, {"name": "action_converse"})
        assert status == 200
        for _ in range(100):
            if len(heard) > before:
                break
            await asyncio.sleep(0.1)
        assert len(heard) > before and heard[before]["text"].startswith("Dạ, em chào")
    finally:
        eio = client.eio
        await eio.disconnect(abort=True)
        task = getattr(eio, "read_loop_task", None)
        if task is not None:
            task.cancel()
