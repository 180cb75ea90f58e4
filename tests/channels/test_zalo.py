"""The Zalo OA channel against a local fake Zalo API that checks every request's format."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.channels import outbound
from bot.services import channel_clock, channel_tokens, inbox, outbox
from tests.channels.conftest import FakeAgent
from tests.channels.platforms import (
    data,
    eventually,
    now_ms,
    recorded,
    restamped_zalo,
    settle,
    zalo_signed,
    zalo_stack,
)

USER = "246845883529197922"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(outbound, "QUICK_RETRY_DELAY_S", 0.01)
    monkeypatch.setattr(outbound, "DEFAULT_TIMEOUT_S", 0.5)


@pytest.fixture
async def zalo(serve, settings, aiohttp_server):
    stack = await zalo_stack(serve, settings, aiohttp_server)
    yield stack
    assert stack.fake.problems == [], "every request to Zalo must have Zalo's format"


def text_event(text: str = "tiền điện tháng này bao nhiêu", msg_id: str = "96d3cdf3af150460909", **changes):
    body = restamped_zalo(recorded("zalo", "user_send_text"))
    body["message"] = {"msg_id": msg_id, "text": text}
    return {**body, **changes}


async def test_a_text_is_answered_through_the_send_api(zalo) -> None:
    status, body, _ = await zalo.post(*zalo_signed(text_event()))
    assert status == 200 and body["accepted"] == 1
    await eventually(lambda: zalo.fake.sent, what="a reply sent to Zalo")
    message = zalo.agent.messages[0]
    assert message.sender_id == f"zalo:{USER}" and message.input_channel == "zalo"
    assert message.text == "tiền điện tháng này bao nhiêu"
    assert message.metadata["identity"] == {"kind": "platform", "key": USER}
    assert message.message_id == "96d3cdf3af150460909"
    sent = zalo.fake.sent[0]
    assert sent["recipient"] == {"user_id": USER}
    assert sent["message"]["text"].startswith("Dạ, em nhận được")
    buttons = sent["message"]["attachment"]["payload"]["buttons"]
    assert buttons[0] == {"title": "Tiền điện", "type": "oa.query.hide", "payload": "/ask_bill"}
    await eventually(
        lambda: data(zalo.database_url, inbox.counts, "zalo").get("done") == 1, what="event done"
    )
    assert data(zalo.database_url, outbox.counts, "zalo") == {"sent": 1}


async def test_a_button_click_comes_back_as_its_payload(zalo) -> None:
    body = restamped_zalo(recorded("zalo", "user_send_text_button"))
    status, _, _ = await zalo.post(*zalo_signed(body))
    assert status == 200
    await eventually(lambda: zalo.agent.messages, what="the payload reaches the dialogue")
    assert zalo.agent.messages[0].text == "/ask_outage_schedule"


@pytest.mark.parametrize(
    "name", ["user_send_image", "user_send_sticker", "user_send_location", "user_send_file"]
)
async def test_attachments_get_a_polite_request_to_type(zalo, name) -> None:
    status, _, _ = await zalo.post(*zalo_signed(restamped_zalo(recorded("zalo", name))))
    assert status == 200
    await eventually(lambda: zalo.fake.sent, what="a reply")
    assert zalo.fake.texts() == [
        "Dạ, hiện em chỉ đọc được tin nhắn chữ thôi ạ. Anh/chị nhập nội dung cần hỗ trợ bằng chữ giúp em "
        "nha, ví dụ: “tiền điện tháng này bao nhiêu” hoặc “nhà tôi bị mất điện”."
    ]
    assert zalo.agent.messages == []


async def test_an_image_with_a_caption_is_read_as_the_caption(zalo) -> None:
    body = restamped_zalo(recorded("zalo", "user_send_image"))
    body["message"]["text"] = "hóa đơn này sao cao vậy"
    await zalo.post(*zalo_signed(body))
    await eventually(lambda: zalo.agent.messages, what="the caption reaches the dialogue")
    assert zalo.agent.messages[0].text == "hóa đơn này sao cao vậy"


async def test_follow_gets_the_welcome(zalo) -> None:
    status, _, _ = await zalo.post(*zalo_signed(restamped_zalo(recorded("zalo", "follow"))))
    assert status == 200
    await eventually(lambda: zalo.agent.messages, what="the welcome")
    message = zalo.agent.messages[0]
    assert message.text == "/greet" and message.sender_id == "zalo:357956994640308033"
    assert message.metadata["event"] == "follow"


@pytest.mark.parametrize("name", ["unfollow", "oa_send_text"])
async def test_other_events_are_acknowledged_and_ignored(zalo, name) -> None:
    status, body, _ = await zalo.post(*zalo_signed(restamped_zalo(recorded("zalo", name))))
    assert status == 200 and body["accepted"] == 0
    await settle()
    assert zalo.agent.messages == [] and zalo.fake.sent == []


async def test_a_retried_event_is_answered_once(zalo) -> None:
    raw, headers = zalo_signed(text_event())
    results = await asyncio.gather(*[zalo.post(raw, headers) for _ in range(3)])
    results.append(await zalo.post(raw, headers))
    assert [status for status, _, _ in results] == [200] * 4
    assert sum(body["accepted"] for _, body, _ in results) == 1
    assert sum(body["duplicates"] for _, body, _ in results) == 3
    await eventually(lambda: zalo.fake.sent, what="the reply")
    await settle()
    assert len(zalo.agent.messages) == 1 and len(zalo.fake.sent) == 1


async def test_the_webhook_answers_before_the_dialogue_finishes(serve, settings, aiohttp_server) -> None:
    """Zalo wants its answer within 2 s; the dialogue may take longer (timings: bench_channels.py)."""
    slow = await zalo_stack(serve, settings, aiohttp_server, agent=FakeAgent(delay_s=1.0))
    status, _, _ = await slow.post(*zalo_signed(text_event()))
    assert status == 200
    assert slow.agent.messages and slow.agent.finished == 0, "answered while the dialogue still works"
    await eventually(lambda: slow.fake.sent, what="the reply, later")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw, headers: (raw, {**headers, "X-ZEvent-Signature": "mac=" + "0" * 64}),
        lambda raw, headers: (raw, {k: v for k, v in headers.items() if k != "X-ZEvent-Signature"}),
        lambda raw, headers: (raw, {**headers, "X-ZEvent-Signature": ""}),
        lambda raw, headers: (raw.replace("tháng này".encode(), "tháng 9".encode()), headers),
        lambda raw, headers: (raw, {**headers, "X-ZEvent-Signature": headers["X-ZEvent-Signature"][:-2]}),
    ],
    ids=["forged", "missing", "empty", "body-changed", "truncated"],
)
async def test_bad_signatures_are_refused_with_403(zalo, tamper) -> None:
    raw, headers = tamper(*zalo_signed(text_event()))
    status, body, _ = await zalo.post(raw, headers)
    assert status == 403 and body["error"] == "bad_signature"
    await settle()
    assert zalo.agent.messages == [] and not data(
        zalo.database_url, inbox.is_known, "zalo", "96d3cdf3af150460909"
    )


async def test_a_signature_made_with_another_secret_is_refused(zalo) -> None:
    status, _, _ = await zalo.post(*zalo_signed(text_event(), secret="not-our-secret"))
    assert status == 403


async def test_the_signature_is_accepted_with_or_without_mac_prefix(zalo) -> None:
    status, _, _ = await zalo.post(*zalo_signed(text_event(msg_id="m-plain"), prefix=""))
    assert status == 200
    status, _, _ = await zalo.post(*zalo_signed(text_event(msg_id="m-mac"), prefix="mac="))
    assert status == 200


async def test_a_replayed_old_event_is_not_answered(zalo) -> None:
    old = text_event(msg_id="m-old", timestamp=str(now_ms() - 3 * 24 * 3600 * 1000))
    status, body, _ = await zalo.post(*zalo_signed(old))  # validly signed, three days old
    assert status == 200 and body["accepted"] == 0
    await settle()
    assert zalo.agent.messages == []


async def test_unsigned_requests_are_refused_when_no_secret_is_configured(
    serve, settings, aiohttp_server
) -> None:
    """The local-development default: nothing configured, nothing accepted."""
    bare = await zalo_stack(serve, settings, aiohttp_server, zalo_oa_secret_key="")
    status, body, _ = await bare.post(*zalo_signed(text_event(), secret=""))
    assert status == 403 and "secret" in body["reason"]


async def test_verification_can_be_turned_off_explicitly_with_a_warning(
    serve, settings, aiohttp_server, caplog
):
    stack = await zalo_stack(serve, settings, aiohttp_server, zalo_verify_signature=False)
    assert "NOT checked" in caplog.text
    raw, headers = zalo_signed(text_event())
    status, _, _ = await stack.post(raw, {"Content-Type": "application/json"})
    assert status == 200


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'"text"', b"\xff\xfe", b"{" * 50_000])
async def test_malformed_bodies_get_400_and_nothing_breaks(zalo, raw) -> None:
    status, body, _ = await zalo.post(
        raw, {"X-ZEvent-Signature": "mac=00", "Content-Type": "application/json"}
    )
    assert status == 400 and body["error"].startswith("body_")
    status, _, _ = await zalo.post(*zalo_signed(text_event()))
    assert status == 200


async def test_a_nineteen_digit_id_sent_as_a_number_stays_exact(zalo) -> None:
    body = text_event(msg_id="m-number")
    body["sender"] = {"id": 2468458835291979229}
    raw, headers = zalo_signed(body)
    assert b"2468458835291979229" in raw
    await zalo.post(raw, headers)
    await eventually(lambda: zalo.fake.sent, what="the reply")
    assert zalo.agent.messages[0].sender_id == "zalo:2468458835291979229"
    assert zalo.fake.sent[0]["recipient"]["user_id"] == "2468458835291979229"


async def test_timeouts_and_5xx_are_retried_and_the_reply_delivered_once(zalo) -> None:
    zalo.fake.slow_s = 1.0
    zalo.fake.script = ["timeout", "http503"]  # the token refresh goes first and works
    zalo.fake.script.insert(0, None)
    await zalo.post(*zalo_signed(text_event()))
    await eventually(lambda: zalo.fake.sent, timeout_s=8, what="delivery after retries")
    await settle()
    assert len(zalo.fake.sent) == 1
    assert data(zalo.database_url, outbox.counts, "zalo") == {"sent": 1}


async def test_a_long_outage_keeps_the_message_and_delivers_it_later_in_order(zalo) -> None:
    zalo.fake.script = [None] + ["http500"] * 3  # refresh ok, then 3 quick tries fail
    await zalo.post(*zalo_signed(text_event(msg_id="first", text="một")))
    await eventually(lambda: zalo.fake.requests == 4 and not zalo.fake.script, what="three tries")
    await settle()
    assert data(zalo.database_url, outbox.counts, "zalo") == {"pending": 1}
    await zalo.post(*zalo_signed(text_event(msg_id="second", text="hai")))
    await eventually(
        lambda: data(zalo.database_url, outbox.counts, "zalo").get("pending") == 2, what="queued behind"
    )
    assert zalo.fake.sent == [], "the second reply never overtakes the first"
    channel_clock.advance(60)  # the retry is due
    await zalo.channel.sweep_once()
    await eventually(lambda: len(zalo.fake.sent) == 2, what="both delivered")
    assert [m["message"]["text"] for m in zalo.fake.sent] == [
        "Dạ, em nhận được: một",
        "Dạ, em nhận được: hai",
    ]
    # the fake API answered before the outbox row is marked sent: wait for that commit
    await eventually(
        lambda: data(zalo.database_url, outbox.counts, "zalo") == {"sent": 2}, what="marked sent"
    )


async def test_a_permanent_refusal_is_recorded_and_not_retried(zalo) -> None:
    zalo.fake.script = [None, -213]  # -213: the user does not follow the OA
    await zalo.post(*zalo_signed(text_event()))
    await eventually(lambda: data(zalo.database_url, outbox.counts, "zalo").get("failed") == 1, what="failed")
    [failed] = data(zalo.database_url, outbox.failed, "zalo")
    assert "-213" in failed.error and failed.recipient_id == USER
    channel_clock.advance(3600)
    await zalo.channel.sweep_once()
    assert zalo.fake.sent == []


async def test_an_expired_token_is_refreshed_and_the_message_sent(zalo) -> None:
    await zalo.post(*zalo_signed(text_event(msg_id="before")))
    await eventually(lambda: zalo.fake.sent, what="first reply")
    assert zalo.fake.refreshes == 1  # the configured pair had no known expiry: renewed first
    zalo.fake.access_token = "rotated-elsewhere"  # Zalo now refuses our token
    zalo.fake.refresh_token = data(zalo.database_url, channel_tokens.current, "zalo").refresh_token
    await zalo.post(*zalo_signed(text_event(msg_id="after")))
    await eventually(lambda: len(zalo.fake.sent) == 2, what="reply after the refresh")
    assert zalo.fake.refreshes == 2
    stored = data(zalo.database_url, channel_tokens.current, "zalo")
    assert stored.access_token == "access-2" and stored.refresh_token == "refresh-2"
    assert stored.expires_at - channel_clock.real_now() > timedelta(hours=24)


async def test_the_token_is_renewed_ahead_of_expiry_without_traffic(zalo) -> None:
    await zalo.channel.sweep_once()
    assert zalo.fake.refreshes == 1
    await zalo.channel.sweep_once()
    assert zalo.fake.refreshes == 1, "a fresh token is not renewed again"
    channel_clock.advance(24.5 * 3600)  # 25 h tokens: within the last hour now
    await zalo.channel.sweep_once()
    assert zalo.fake.refreshes == 2


async def test_an_event_left_by_a_dead_instance_is_answered_after_a_restart(zalo) -> None:
    recorded_event = data(
        zalo.database_url, inbox.record, "zalo", "left-behind", USER, "text", "lịch cúp điện"
    )
    assert recorded_event is not None  # recorded, then the process died before answering
    await zalo.channel.sweep_once()
    assert zalo.agent.messages == [], "not before its lease runs out"
    channel_clock.advance(6 * 60)
    await zalo.channel.sweep_once()
    await eventually(lambda: zalo.fake.sent, what="the late answer")
    assert zalo.agent.messages[0].text == "lịch cúp điện"
    await eventually(lambda: data(zalo.database_url, inbox.counts, "zalo") == {"done": 1}, what="closed")


async def test_two_instances_sharing_the_database_answer_a_retry_once(
    serve, settings, aiohttp_server
) -> None:
    one = await zalo_stack(serve, settings, aiohttp_server)
    two = await zalo_stack(serve, settings, aiohttp_server, share=one)
    raw, headers = zalo_signed(text_event())
    await asyncio.gather(one.post(raw, headers), two.post(raw, headers))
    await eventually(lambda: one.fake.sent, what="a reply")
    await settle()
    assert len(one.agent.messages) + len(two.agent.messages) == 1
    assert len(one.fake.sent) == 1


async def test_the_output_channel_sends_only_to_zalo_conversations(zalo) -> None:
    output = zalo.channel.get_output_channel()
    await output.send_text_message(f"zalo:{USER}", "Dạ, tư vấn viên trả lời anh/chị ạ.")
    await output.send_text_message("demo-rest-sender", "không được gửi")
    await output.send_text_message("facebook:123", "không được gửi")
    assert zalo.fake.texts() == ["Dạ, tư vấn viên trả lời anh/chị ạ."]


async def test_long_replies_and_many_buttons_fit_zalo_limits(zalo) -> None:
    output = zalo.channel.get_output_channel()
    buttons = [{"title": f"Lựa chọn số {i} " + "rất dài " * 20, "payload": f"/choice{i}"} for i in range(7)]
    await output.send_text_with_buttons(f"zalo:{USER}", "đoạn văn dài. " * 400, buttons)
    assert len(zalo.fake.sent) >= 4 and zalo.fake.problems == []
    sent_buttons = [
        b
        for m in zalo.fake.sent
        for b in m["message"].get("attachment", {}).get("payload", {}).get("buttons", [])
    ]
    assert [b["payload"] for b in sent_buttons] == [f"/choice{i}" for i in range(7)]
