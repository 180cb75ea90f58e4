"""The foundation, end to end: greetings through the REST channel, health, security."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from tests.e2e.stack import Stack

CAPABILITY_WORDS = ("hóa đơn", "chỉ số", "cúp điện", "mất điện")


@pytest.mark.parametrize("greeting", ["xin chào", "chao ban", "alo ad oi"])
def test_greetings_get_a_vietnamese_greeting_that_says_what_the_bot_does(stack: Stack, greeting: str) -> None:
    replies = stack.say(f"e2e-{uuid.uuid4().hex[:8]}", greeting)
    text = " ".join(reply.get("text", "") for reply in replies)
    assert text.startswith("Dạ, em chào anh/chị"), replies
    for word in CAPABILITY_WORDS:
        assert word in text, f"the greeting should mention {word!r}: {text}"


def test_health_reports_every_part_up(stack: Stack) -> None:
    status, body = stack.get_json(f"{stack.web_url}/health")
    assert (status, body) == (200, {"status": "ok"}), "the public answer says nothing more"
    status, body = stack.get_json(f"{stack.web_url}/health/details", headers=stack.operator_headers())
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"rasa", "action_server", "database"}
    assert all(part["ok"] for part in body["parts"].values()), body


def test_rasa_http_api_needs_the_token_and_is_not_on_the_public_port(stack: Stack) -> None:
    status, _ = stack.get_json(f"{stack.rasa_api_url}/status")
    assert status == 401
    status, body = stack.get_json(stack.rasa_api("/status"))
    assert status == 200 and body["model_file"], body
    status, _ = stack.get_json(f"{stack.rasa_url}/status?token={stack.env['RASA_TOKEN']}")
    assert status == 404, "the channels' port has no API at all"


def test_rest_channel_survives_bad_input(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    for message in ("", "😀😀😀", "a" * 10_000, "'; DROP TABLE events; --"):
        replies = stack.say(sender, message)
        assert isinstance(replies, list)
    status, _ = stack.post_json(f"{stack.rasa_url}/webhooks/rest/webhook", {"sender": sender})
    assert status in (200, 400)
    assert stack.say(sender, "xin chào"), "the conversation goes on after bad input"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port``, read from /proc/net (no traffic)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                addresses.add(address)
    return addresses


def test_action_server_and_rasa_admin_api_listen_on_loopback_only(stack: Stack) -> None:
    for name in ("ACTION_PORT", "RASA_ADMIN_PORT"):
        port = int(stack.env[name])
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        # 0100007F is 127.0.0.1 as the kernel writes it; 00000000 would be every interface.
        assert _listening_addresses(port) == {"0100007F"}, name
