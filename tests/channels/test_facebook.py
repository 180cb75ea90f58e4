"""The Messenger channel against a local fake Graph API that checks every request's format."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.channels import outbound
from bot.services import inbox, outbox
from tests.channels.conftest import FB_VERIFY_TOKEN
from tests.channels.platforms import (
    FB_PATH,
    data,
    eventually,
    facebook_signed,
    facebook_stack,
    now_ms,
    recorded,
    restamped_facebook,
    settle,
)

PSID = "6512390485527631"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbound, "QUICK_RETRY_DELAY_S", 0.01)
    monkeypatch.setattr(outbound, "DEFAULT_TIMEOUT_S", 0.5)


@pytest.fixture
async def messenger(serve, settings, aiohttp_server):
    stack = await facebook_stack(serve, settings, aiohttp_server)
    yield stack
    assert stack.fake.problems == [], "every request to the Graph API must have its format"


def event(name: str = "message_text") -> dict:
    return restamped_facebook(recorded("facebook", name))


async def test_a_text_is_answered_with_quick_replies(messenger) -> None:
    status, body, _ = await messenger.post(*facebook_signed(event()))
    assert status == 200 and body["accepted"] == 1
    await eventually(lambda: messenger.fake.sent, what="a reply")
    message = messenger.agent.messages[0]
    assert message.sender_id == f"facebook:{PSID}" and message.input_channel == "facebook"
    assert message.metadata["identity"] == {"kind": "platform", "key": PSID}
    sent = messenger.fake.sent[0]
    assert sent["recipient"] == {"id": PSID} and sent["messaging_type"] == "RESPONSE"
    assert sent["message"]["quick_replies"][0] == {
        "content_type": "text",
        "title": "Tiền điện",
        "payload": "/ask_bill",
    }
    await eventually(
        lambda: data(messenger.database_url, inbox.counts, "facebook") == {"done": 1}, what="done"
    )


@pytest.mark.parametrize(
    ("name", "text"), [("quick_reply", "/ask_outage_schedule"), ("postback", "/ask_bill")]
)
async def test_quick_replies_and_postbacks_reach_the_dialogue_as_their_payload(messenger, name, text) -> None:
    await messenger.post(*facebook_signed(event(name)))
    await eventually(lambda: messenger.agent.messages, what="the payload")
    assert messenger.agent.messages[0].text == text


async def test_get_started_gets_the_welcome(messenger) -> None:
    await messenger.post(*facebook_signed(event("get_started")))
    await eventually(lambda: messenger.agent.messages, what="the welcome")
    assert messenger.agent.messages[0].text == "/greet"
    assert messenger.agent.messages[0].metadata["event"] == "follow"


@pytest.mark.parametrize("name", ["image", "sticker"])
async def test_attachments_get_a_polite_request_to_type(messenger, name) -> None:
    await messenger.post(*facebook_signed(event(name)))
    await eventually(lambda: messenger.fake.sent, what="a reply")
    assert messenger.fake.texts()[0].startswith("Dạ, hiện em chỉ đọc được tin nhắn chữ")
    assert messenger.agent.messages == []


async def test_echoes_deliveries_and_reads_are_ignored(messenger) -> None:
    status, body, _ = await messenger.post(*facebook_signed(event("echo_and_delivery")))
    assert status == 200 and body["accepted"] == 0
    await settle()
    assert messenger.agent.messages == [] and messenger.fake.sent == []


async def test_a_batch_is_answered_event_by_event(messenger) -> None:
    status, body, _ = await messenger.post(*facebook_signed(event("batch")))
    assert status == 200 and body["accepted"] == 2
    await eventually(lambda: len(messenger.fake.sent) == 2, what="two replies")
    assert {m["recipient"]["id"] for m in messenger.fake.sent} == {PSID, "7023341958812207"}


async def test_a_retried_delivery_is_answered_once(messenger) -> None:
    raw, headers = facebook_signed(event())
    results = await asyncio.gather(*[messenger.post(raw, headers) for _ in range(3)])
    assert [s for s, _, _ in results] == [200, 200, 200]
    assert sum(b["accepted"] for _, b, _ in results) == 1
    await eventually(lambda: messenger.fake.sent, what="the reply")
    await settle()
    assert len(messenger.agent.messages) == 1 and len(messenger.fake.sent) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw, h: (raw, {**h, "X-Hub-Signature-256": "sha256=" + "0" * 64}),
        lambda raw, h: (raw, {k: v for k, v in h.items() if k != "X-Hub-Signature-256"}),
        lambda raw, h: (raw + b" ", h),
        lambda raw, h: (
            raw,
            {**h, "X-Hub-Signature-256": h["X-Hub-Signature-256"].replace("sha256=", "sha1=")},
        ),
        # Rasa's connector accepted the SHA-1 header alone: we do not.
        lambda raw, h: (raw, {"X-Hub-Signature": "sha1=" + "0" * 40, "Content-Type": "application/json"}),
    ],
    ids=["forged", "missing", "body-changed", "wrong-algorithm", "sha1-only"],
)
async def test_bad_signatures_are_refused_with_403(messenger, tamper) -> None:
    status, body, _ = await messenger.post(*tamper(*facebook_signed(event())))
    assert status == 403 and body["error"] == "bad_signature"
    await settle()
    assert messenger.agent.messages == []


async def test_signature_is_checked_before_the_json(messenger) -> None:
    status, _, _ = await messenger.post(b"{not json", {"X-Hub-Signature-256": "sha256=00"})
    assert status == 403
    status, body, _ = await messenger.post(*facebook_signed_raw(b"{not json"))
    assert status == 400 and body["error"] == "body_not_json"


def facebook_signed_raw(raw: bytes) -> tuple[bytes, dict]:
    from bot.channels.signatures import hub_signature
    from tests.channels.conftest import FB_APP_SECRET

    return raw, {"X-Hub-Signature-256": hub_signature(raw, FB_APP_SECRET)}


async def test_a_replayed_old_event_is_not_answered(messenger) -> None:
    old = restamped_facebook(recorded("facebook", "message_text"), at_ms=now_ms() - 2 * 24 * 3600 * 1000)
    status, body, _ = await messenger.post(*facebook_signed(old))
    assert status == 200 and body["accepted"] == 0


async def test_verify_token_handshake(messenger) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    async with aiohttp.ClientSession() as http:
        async with http.get(messenger.url + FB_PATH, params=params) as response:
            assert response.status == 200 and await response.text() == "1158201444"
        wrong = {**params, "hub.verify_token": "guess"}
        async with http.get(messenger.url + FB_PATH, params=wrong) as response:
            assert response.status == 403


async def test_the_handshake_is_refused_when_no_verify_token_is_configured(serve, settings, aiohttp_server):
    bare = await facebook_stack(serve, settings, aiohttp_server, facebook_verify_token="")
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    async with aiohttp.ClientSession() as http, http.get(bare.url + FB_PATH, params=params) as response:
        assert response.status == 403


async def test_graph_errors_retried_or_recorded(messenger) -> None:
    messenger.fake.script = [1200, "http500"]  # temporary send failure, then a 5xx: retried
    await messenger.post(*facebook_signed(event()))
    await eventually(lambda: messenger.fake.sent, timeout_s=5, what="delivered after retries")
    messenger.fake.script = [551]  # the person is not available: permanent
    await messenger.post(*facebook_signed(event("postback")))
    await eventually(
        lambda: data(messenger.database_url, outbox.counts, "facebook").get("failed") == 1, what="failed"
    )
    assert "551" in data(messenger.database_url, outbox.failed, "facebook")[0].error


async def test_proactive_messages_may_carry_a_message_tag(messenger) -> None:
    output = messenger.channel.get_output_channel()
    await output.send_custom_json(
        f"facebook:{PSID}",
        {
            "facebook": {
                "message": {"text": "Dạ, điện khu vực anh/chị đã có lại."},
                "messaging_type": "MESSAGE_TAG",
                "tag": "ACCOUNT_UPDATE",
            }
        },
    )
    await output.send_text_message("zalo:1", "không được gửi")
    assert [(m["messaging_type"], m.get("tag")) for m in messenger.fake.sent] == [
        ("MESSAGE_TAG", "ACCOUNT_UPDATE")
    ]


async def test_long_texts_and_many_quick_replies_fit_messenger_limits(messenger) -> None:
    output = messenger.channel.get_output_channel()
    buttons = [{"title": f"Lựa chọn {i} dài dài dài", "payload": f"/c{i}"} for i in range(20)]
    await output.send_text_with_buttons(f"facebook:{PSID}", "chữ " * 1200, buttons)
    assert len(messenger.fake.sent) == 3 and messenger.fake.problems == []
    assert len(messenger.fake.sent[-1]["message"]["quick_replies"]) == 13
