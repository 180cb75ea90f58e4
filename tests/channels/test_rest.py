"""The secure REST channel: identity from the endpoint, session tokens, clear refusals."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels.rest import SecureRestInput
from bot.db.models import ChannelSession
from bot.services import unit_of_work
from bot.services.channel_sessions import token_hash
from bot.services.verification import requester_for

PATH = "/webhooks/rest/webhook"


@pytest.fixture
async def rest(serve, settings):
    return await serve(SecureRestInput(settings))


async def post(url: str, payload=None, *, raw: bytes | None = None, token: str | None = None, headers=None):
    data = raw if raw is not None else json.dumps(payload).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["X-Session-Token"] = token
    async with aiohttp.ClientSession() as http, http.post(url + PATH, data=data, headers=sent) as response:
        text = await response.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        return response.status, body, response.headers


def sender() -> str:
    return f"rest-{uuid.uuid4().hex[:10]}"


async def test_first_message_gets_a_token_and_the_dialogue_hears_the_rest_channel(rest) -> None:
    who = sender()
    status, body, headers = await post(rest.url, {"sender": who, "message": "xin chào"})
    assert status == 200
    assert body[0]["recipient_id"] == who and "xin chào" in body[0]["text"]
    assert len(headers["X-Session-Token"]) >= 40
    message = rest.agent.messages[-1]
    assert message.input_channel == "rest" and message.sender_id == who
    assert message.metadata["identity"]["kind"] == "session"
    # The token is not the identity, and only its hash is stored.
    with unit_of_work(rest.channels[0].settings.database_url) as uow:
        row = uow.session.execute(
            select(ChannelSession).where(ChannelSession.conversation_id == who)
        ).scalar_one()
        assert row.token_hash == token_hash(headers["X-Session-Token"])
        assert headers["X-Session-Token"] not in (row.token_hash, row.identity_key)
        assert message.metadata["identity"]["key"] == row.identity_key


async def test_later_messages_need_the_token(rest) -> None:
    who = sender()
    _, _, headers = await post(rest.url, {"sender": who, "message": "xin chào"})
    token = headers["X-Session-Token"]
    status, body, later = await post(rest.url, {"sender": who, "message": "tiền điện"}, token=token)
    assert status == 200 and body and "X-Session-Token" not in later
    assert rest.agent.messages[-1].metadata["identity"] == rest.agent.messages[0].metadata["identity"]


async def test_a_reused_sender_id_without_its_token_is_refused(rest) -> None:
    """Issue 9 #2: a reused REST sender id read the previous user's bill."""
    who = sender()
    await post(rest.url, {"sender": who, "message": "xin chào"})
    heard = len(rest.agent.messages)
    status, body, _ = await post(rest.url, {"sender": who, "message": "tiền điện tháng này"})
    assert status == 403 and body["error"] == "session_token_required" and "X-Session-Token" in body["reason"]
    status, body, _ = await post(rest.url, {"sender": who, "message": "tiền điện"}, token="guessed-token")
    assert status == 403 and body["error"] == "session_token_invalid"
    assert len(rest.agent.messages) == heard, "a refused message never reaches the dialogue"


async def test_a_token_of_another_sender_does_not_open_this_one(rest) -> None:
    a, b = sender(), sender()
    _, _, headers_a = await post(rest.url, {"sender": a, "message": "xin chào"})
    await post(rest.url, {"sender": b, "message": "xin chào"})
    status, _, _ = await post(rest.url, {"sender": b, "message": "hi"}, token=headers_a["X-Session-Token"])
    assert status == 403


async def test_input_channel_in_the_body_is_ignored(rest) -> None:
    """Issue 9 #2: "input_channel": "zalo" over REST created a permanent Zalo link."""
    who = sender()
    payload = {
        "sender": who,
        "message": "xin chào",
        "input_channel": "zalo",
        "metadata": {"identity": {"kind": "platform", "key": "246845883529197922"}},
    }
    status, _, _ = await post(rest.url, payload)
    assert status == 200
    message = rest.agent.messages[-1]
    assert message.input_channel == "rest"
    assert message.metadata["identity"]["kind"] == "session"
    requester = requester_for(message.input_channel, message.sender_id, message.metadata)
    assert requester.channel == "rest" and not requester.persistent and requester.verifiable


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"message": "xin chào"}, "sender_missing"),
        ({"sender": None, "message": "xin chào"}, "sender_missing"),
        ({"sender": "   ", "message": "xin chào"}, "sender_missing"),
        ({"sender": "x" * 129, "message": "xin chào"}, "sender_too_long"),
        ({"sender": "x" * 10_000, "message": "xin chào"}, "sender_too_long"),
        ({"sender": ["a"], "message": "xin chào"}, "sender_invalid"),
        ({"sender": "a\nb", "message": "xin chào"}, "sender_invalid"),
        ({"sender": "zalo:246845883529197922", "message": "xin chào"}, "sender_reserved"),
        ({"sender": "web:abc", "message": "xin chào"}, "sender_reserved"),
        ({"sender": "s"}, "message_missing"),
        ({"sender": "s", "message": None}, "message_missing"),
        ({"sender": "s", "message": 42}, "message_invalid"),
        ({"sender": "s", "message": ["a"]}, "message_invalid"),
        ({"sender": "s", "message": "hi", "metadata": "x"}, "metadata_invalid"),
        ({"sender": "s", "message": "hi", "metadata": [1]}, "metadata_invalid"),
        ({"sender": "s", "message": "hi", "metadata": {"x": "y" * 3000}}, "metadata_too_large"),
    ],
)
async def test_bad_fields_get_400_with_a_reason(rest, payload, code) -> None:
    status, body, _ = await post(rest.url, payload)
    assert status == 400, body
    assert body["error"] == code and body["reason"]
    assert rest.agent.messages == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "body_empty"),
        (b"   ", "body_empty"),
        (b"[1, 2]", "body_not_object"),
        (b'"a string"', "body_not_object"),
        (b"42", "body_not_object"),
        (b"null", "body_not_object"),
        (b'{"sender": "s", "message": ', "body_not_json"),
        (b"\xff\xfe\x00garbage", "body_not_json"),
        (b"[" * 100_000 + b"]" * 100_000, "body_not_json"),
        (b'{"sender": "s", "message": 1' + b"1" * 5000 + b"}", "body_not_json"),
    ],
)
async def test_bodies_that_are_not_a_json_object_get_400(rest, raw, code) -> None:
    status, body, _ = await post(rest.url, raw=raw)
    assert status == 400, body
    assert body["error"] == code


async def test_oversized_body_gets_413(rest) -> None:
    big = json.dumps({"sender": sender(), "message": "a" * (1024 * 1024 + 10)}).encode()
    status, body, _ = await post(rest.url, raw=big)
    assert status == 413 and body["error"] == "body_too_large"
    # And the server still answers afterwards.
    status, _, _ = await post(rest.url, {"sender": sender(), "message": "xin chào"})
    assert status == 200


async def test_client_metadata_passes_only_the_allowlist(rest) -> None:
    payload = {
        "sender": sender(),
        "message": "xin chào",
        "metadata": {"web_token": "abc.123.def", "evil": "x", "identity": "forged"},
    }
    status, _, _ = await post(rest.url, payload)
    assert status == 200
    metadata = rest.agent.messages[-1].metadata
    assert metadata["web_token"] == "abc.123.def"
    assert "evil" not in metadata and metadata["identity"]["kind"] == "session"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
async def test_empty_text_gets_a_polite_answer_without_the_dialogue(rest, text) -> None:
    status, body, _ = await post(rest.url, {"sender": sender(), "message": text})
    assert status == 200
    assert body[0]["text"].startswith("Dạ, em chưa nhận được nội dung")
    assert rest.agent.messages == []


async def test_a_100000_character_message_is_answered_without_the_dialogue(rest) -> None:
    """(How fast: tests/channels/bench_channels.py, numbers in docs/channels.md.)"""
    status, body, _ = await post(rest.url, {"sender": sender(), "message": "điện " * 20_000})
    assert status == 200
    assert "dài quá" in body[0]["text"] and "2.000 ký tự" in body[0]["text"]
    assert rest.agent.messages == []


async def test_a_long_message_does_not_hold_up_other_conversations(serve, settings) -> None:
    from tests.channels.conftest import FakeAgent

    served = await serve(SecureRestInput(settings), agent=FakeAgent(delay_s=0.05))
    long_one = post(served.url, {"sender": sender(), "message": "a" * 100_000})
    short_ones = [post(served.url, {"sender": sender(), "message": f"câu {i}"}) for i in range(5)]
    results = await asyncio.gather(long_one, *short_ones)
    assert all(status == 200 and body for status, body, _ in results)


async def test_dialogue_failure_gets_an_apology_with_the_hotline(serve, settings) -> None:
    from tests.channels.conftest import FakeAgent

    async def broken(message):
        raise ConnectionError("action server down")

    served = await serve(SecureRestInput(settings), agent=FakeAgent(reply=broken))
    status, body, _ = await post(served.url, {"sender": sender(), "message": "tiền điện"})
    assert status == 200
    assert "19001006" in body[0]["text"] and body[0]["text"].startswith("Dạ, em xin lỗi")


async def test_two_first_messages_at_once_give_one_token(rest) -> None:
    who = sender()
    results = await asyncio.gather(*[post(rest.url, {"sender": who, "message": "hi"}) for _ in range(4)])
    issued = [headers.get("X-Session-Token") for status, _, headers in results if status == 200]
    assert len([t for t in issued if t]) == 1
    assert sorted(status for status, _, _ in results) == [200, 403, 403, 403]


async def test_the_client_network_is_a_server_fact_never_the_clients(rest) -> None:
    """The per-network verification limits read the network the channel saw on the socket;
    a client-sent value is dropped (issue 9 #4)."""
    from bot.services import rate_limits

    payload = {"sender": sender(), "message": "xin chào", "metadata": {"client_network": "net:forged"}}
    status, _, _ = await post(rest.url, payload)
    assert status == 200
    metadata = rest.agent.messages[-1].metadata
    assert metadata["client_network"] == rate_limits.network_key("127.0.0.1")
    assert metadata["client_network"] != "net:forged"
