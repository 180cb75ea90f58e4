"""A bounded fuzz run (hypothesis) of the REST endpoint and the Zalo/Messenger webhooks.

Issue 9 ("Bad input, fuzzed"): no exception escapes (never a 500), no empty reply (a 200
always carries a message), no request over a second. The endpoints run on a real Sanic
server in a thread, with the stand-in dialogue of conftest.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.channels.facebook import FacebookInput
from bot.channels.rest import SecureRestInput
from bot.channels.zalo import ZaloInput
from bot.config import load_channel_settings
from tests.channels.conftest import FB_APP_SECRET, ZALO_APP_ID, ZALO_OA_SECRET, FakeAgent, free_port
from tests.channels.platforms import facebook_signed, zalo_signed
from tests.channels.test_properties import json_value

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def endpoints(channel_db: str) -> Iterator[str]:
    configured = dataclasses.replace(
        load_channel_settings(),
        database_url=channel_db,
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret_key=ZALO_OA_SECRET,
        zalo_access_token="",
        zalo_refresh_token="",
        zalo_api_url="http://127.0.0.1:9",  # nothing listens: replies stay in the outbox
        facebook_app_secret=FB_APP_SECRET,
        facebook_graph_url="http://127.0.0.1:9",
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = free_port()

    async def start() -> Any:
        app = Sanic(f"fuzz_{port}")
        app.config.ACCESS_LOG = False
        app.ctx.agent = FakeAgent()
        register(
            [SecureRestInput(configured), ZaloInput(configured), FacebookInput(configured)], app, "/webhooks/"
        )
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        await server.after_start()
        return server

    async def stop(server: Any) -> None:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(stop(server), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def post(url: str, raw: bytes, headers: dict[str, str]) -> tuple[int, Any, float]:
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    elapsed = time.perf_counter() - started
    try:
        return status, json.loads(text), elapsed
    except ValueError:
        return status, text.decode(errors="replace"), elapsed


texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "😀" * 50, "'; DROP TABLE events; --", "tiền điện tháng này", "\x00\x1f", "a" * 10_000]
    ),
)
rest_bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "sender": st.one_of(st.text(min_size=1, max_size=20), st.text(max_size=200), json_value),
            "message": st.one_of(texts, json_value),
            "metadata": json_value,
            "input_channel": st.sampled_from(["zalo", "facebook", "socketio"]) | json_value,
        },
    ).map(lambda body: json.dumps(body).encode()),
    json_value.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=500),
)


def assert_answered(status: int, body: Any, elapsed: float) -> None:
    assert status != 500 and status in (200, 400, 403, 413, 503), (status, body)
    if status == 200:
        assert isinstance(body, list) and body, "a 200 always carries a reply"
        assert all(isinstance(m.get("text"), str) and m["text"] for m in body)
    else:
        assert isinstance(body, dict) and body["error"] and body["reason"]
    assert elapsed < 1.0, f"took {elapsed:.2f} s"


@FUZZ
@given(
    raw=rest_bodies, token=st.none() | st.text(max_size=60).filter(lambda t: t.isascii() and t.isprintable())
)
def test_rest_endpoint_fuzzed(endpoints: str, raw: bytes, token: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Session-Token"] = token
    assert_answered(*post(endpoints + "/webhooks/rest/webhook", raw, headers))


def assert_acknowledged(status: int, body: Any) -> None:
    assert status in (200, 400, 403), (status, body)
    if status == 200:
        assert body["status"] == "ok"


@FUZZ
@given(
    body=st.dictionaries(st.text(max_size=12), json_value, max_size=6)
    | st.fixed_dictionaries(
        {
            "event_name": st.sampled_from(["user_send_text", "follow", "user_send_image"]),
            "timestamp": json_value,
            "sender": json_value,
            "follower": json_value,
            "message": json_value,
        }
    )
)
def test_zalo_webhook_fuzzed_with_valid_signatures(endpoints: str, body: dict) -> None:
    raw, headers = zalo_signed(body)
    status, answer, _ = post(endpoints + "/webhooks/zalo/webhook", raw, headers)
    assert_acknowledged(status, answer)
    assert status != 403, "a valid signature is accepted whatever the body"


@FUZZ
@given(body=json_value)
def test_messenger_webhook_fuzzed_with_valid_signatures(endpoints: str, body: Any) -> None:
    raw, headers = facebook_signed(body) if isinstance(body, dict) else (json.dumps(body).encode(), {})
    if not isinstance(body, dict):
        from bot.channels.signatures import hub_signature

        headers = {"X-Hub-Signature-256": hub_signature(raw, FB_APP_SECRET)}
    status, answer, _ = post(endpoints + "/webhooks/facebook/webhook", raw, headers)
    assert_acknowledged(status, answer)


@FUZZ
@given(
    raw=st.binary(max_size=400),
    signature=st.text(max_size=80).filter(lambda t: t.isascii() and t.isprintable()),
)
def test_webhooks_refuse_unsigned_noise(endpoints: str, raw: bytes, signature: str) -> None:
    for path, header in (
        ("/webhooks/zalo/webhook", "X-ZEvent-Signature"),
        ("/webhooks/facebook/webhook", "X-Hub-Signature-256"),
    ):
        status, answer, _ = post(endpoints + path, raw, {header: signature})
        assert status in (400, 403), (path, status, answer)
