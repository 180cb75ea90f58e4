"""Issue 9 #1, #10, #11 on the running stack: the attacks from the issue get nothing."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

from tests.e2e.stack import Stack

PUBLISHED_TOKEN = "dev-rasa-token-change-me"


def _raw(
    url: str, method: str = "GET", body: object = None, headers: dict | None = None
) -> tuple[int, str, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def _conversation(stack: Stack) -> str:
    victim = f"e2e-victim-{uuid.uuid4().hex[:8]}"
    stack.say(victim, "tiền điện tháng 10/2026 mã PB05010000001 bao nhiêu vậy")
    return victim


def test_the_issues_tracker_read_from_outside_gets_nothing(stack: Stack) -> None:
    victim = _conversation(stack)
    for token in (PUBLISHED_TOKEN, stack.env["RASA_TOKEN"]):
        for method, path, body in [
            ("GET", f"/conversations/{victim}/tracker", None),
            ("POST", f"/conversations/{victim}/tracker/events", [{"event": "bot", "text": "x"}]),
            ("POST", f"/conversations/{victim}/execute", {"name": "action_listen"}),
            ("PUT", "/model", {"model_file": "/tmp/evil.tar.gz"}),
            ("DELETE", "/model", None),
            ("POST", "/model/train", {}),
        ]:
            status, text, _ = _raw(f"{stack.rasa_url}{path}?token={token}", method, body)
            assert status == 404, (method, path, status)
            assert "PB05010000001" not in text


def test_the_admin_listener_refuses_the_published_token_and_unused_routes(stack: Stack) -> None:
    victim = _conversation(stack)
    status, text, _ = _raw(f"{stack.rasa_api_url}/conversations/{victim}/tracker?token={PUBLISHED_TOKEN}")
    assert status == 401 and "PB05010000001" not in text
    unused = [("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"), ("GET", "/domain")]
    for method, path in unused:
        status, _text, _ = _raw(stack.rasa_api(path), method, {})
        assert status == 403, (method, path, status)


def test_the_desk_and_notices_path_works_from_loopback_with_the_token(stack: Stack) -> None:
    victim = _conversation(stack)
    status, tracker = stack.get_json(stack.rasa_api(f"/conversations/{victim}/tracker"))
    assert status == 200 and tracker["sender_id"] == victim
    agent_reply = [{"event": "bot", "text": "Dạ, tư vấn viên đây."}]
    status, _ = stack.post_json(stack.rasa_api(f"/conversations/{victim}/tracker/events"), agent_reply)
    assert status == 200
    execute = stack.rasa_api(f"/conversations/{victim}/execute")
    status, body = stack.post_json(execute, {"name": "action_listen"})
    assert status == 200, body
    _status, tracker = stack.get_json(stack.rasa_api(f"/conversations/{victim}/tracker"))
    assert "Dạ, tư vấn viên đây." in [event.get("text") for event in tracker["events"]]


def test_a_forged_tracker_posted_to_the_action_server_gets_401_and_no_data(stack: Stack) -> None:
    forged = {
        "next_action": "action_account_answer",
        "sender_id": "zalo-attacker",
        "tracker": {
            "sender_id": "zalo-attacker",
            "slots": {"customer_code": "PB05010000001", "verify_answer": "verified"},
            "latest_message": {"text": "hóa đơn", "intent": {"name": "ask_bill"}, "entities": []},
            "events": [], "paused": False, "followup_action": None, "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {}, "version": "3.6.21",
    }
    url = stack.env["ACTION_SERVER_URL"]
    for headers in ({}, {"X-Action-Secret": "guess"}, {"X-Action-Secret": stack.env["RASA_TOKEN"]}):
        status, text, _ = _raw(url, "POST", forged, headers)
        assert status == 401, headers
        assert "PB05010000001" not in text and "đ" not in text
    status, _text, _ = _raw(url.rsplit("/", 1)[0] + "/actions")
    assert status == 401


def test_web_answers_carry_security_headers_and_no_version(stack: Stack) -> None:
    for path in ("/health", "/health/details", "/nowhere"):
        _status, _text, headers = _raw(f"{stack.web_url}{path}")
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert "script-src 'self'" in headers.get("Content-Security-Policy", ""), path
        assert headers.get("Cache-Control") == "no-store", path
        assert "Server" not in headers and "aiohttp" not in json.dumps(headers), path


def test_channel_answers_with_account_data_are_not_cacheable(stack: Stack) -> None:
    message = {"sender": f"e2e-{uuid.uuid4().hex[:8]}", "message": "alo"}
    status, _text, headers = _raw(f"{stack.rasa_url}/webhooks/rest/webhook", "POST", message)
    assert status == 200
    assert headers.get("Cache-Control") == "no-store" and headers.get("X-Content-Type-Options") == "nosniff"
