"""Remote actions and message handling never leave the customer without an answer.

The action server is stood in for by small real HTTP servers (down, slow, failing,
rejecting, answering); trackers and the domain are Rasa's own objects.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.faults import FAULT_METADATA_KEY
from bot.rasa import resilience
from bot.rasa.resilience import GuardedRemoteAction, guard_message_handling

DOMAIN = Domain.from_dict(
    {"actions": ["action_converse"], "slots": {"topic": {"type": "any", "mappings": [{"type": "custom"}]}}}
)
NLG = TemplatedNaturalLanguageGenerator({})
SECRET = "test-shared-secret"


def _tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "customer-1", [ActionExecuted("action_listen"), UserUttered("hóa đơn tháng này"), *events]
    )


async def _run(url: str) -> list:
    endpoint = EndpointConfig(url=url, headers={"X-Action-Secret": SECRET})
    action = GuardedRemoteAction("action_converse", endpoint)
    return await action.run(CollectingOutputChannel(), NLG, _tracker(), DOMAIN)


@pytest.fixture(autouse=True)
async def fresh_faults(monkeypatch):
    monkeypatch.setattr(resilience, "FAULTS", resilience.FaultLog(logging.getLogger("bot.rasa.resilience")))
    monkeypatch.setenv("ACTION_TIMEOUT_S", "0.5")
    yield
    await resilience.CLIENT.close()  # the pool belongs to this test's event loop


@pytest.fixture()
async def action_server(aiohttp_server):
    """A stand-in action server whose behaviour each test chooses."""
    seen: list[dict] = []

    async def start(behaviour):
        async def webhook(request: web.Request) -> web.StreamResponse:
            seen.append({"headers": dict(request.headers), "body": await request.json()})
            return await behaviour(request)

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        server = await aiohttp_server(app)
        return str(server.make_url("/webhook")), seen

    yield start


def _is_apology(events: list) -> bool:
    return (
        len(events) == 1 and isinstance(events[0], BotUttered)
        and events[0].text.startswith("Dạ, em xin lỗi") and events[0].metadata[FAULT_METADATA_KEY]
    )


async def test_a_working_action_server_gets_the_secret_and_its_answer_is_used(action_server) -> None:
    async def ok(_request):
        return web.json_response(
            {
                "events": [{"event": "slot", "name": "topic", "value": "bill"}],
                "responses": [{"text": "Dạ, hóa đơn..."}],
            }
        )

    url, seen = await action_server(ok)
    events = await _run(url)
    assert [type(e) for e in events] == [BotUttered, SlotSet]
    assert events[0].text == "Dạ, hóa đơn..."
    assert seen[0]["headers"]["X-Action-Secret"] == SECRET
    assert seen[0]["body"]["next_action"] == "action_converse"


async def test_action_server_down_answers_the_apology_at_once(unused_tcp_port, caplog) -> None:
    started = time.perf_counter()
    with caplog.at_level(logging.ERROR):
        first = await _run(f"http://127.0.0.1:{unused_tcp_port}/webhook")
        second = await _run(f"http://127.0.0.1:{unused_tcp_port}/webhook")
    assert _is_apology(first) and _is_apology(second)
    assert time.perf_counter() - started < 1.0
    errors = [r.getMessage() for r in caplog.records if r.name == "bot.rasa.resilience"]
    assert len(errors) == 1, "the incident is logged once"
    assert "cannot connect" in errors[0]


async def test_slow_action_server_answers_the_apology_after_the_timeout(action_server) -> None:
    async def slow(_request):
        await asyncio.sleep(3)
        return web.json_response({"events": [], "responses": []})

    url, _seen = await action_server(slow)
    started = time.perf_counter()
    events = await _run(url)
    assert _is_apology(events)
    assert 0.4 < time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    "answer",
    [
        web.json_response({"error": "boom"}, status=500),
        web.json_response({"error": "missing or wrong shared secret"}, status=401),
        web.Response(text="<html>proxy error</html>", status=502),
        web.Response(text="not json", status=200),
        web.json_response([1, 2], status=200),
        web.json_response({"events": "not a list"}, status=200),
    ],
    ids=["500", "401", "502-html", "not-json", "json-array", "invalid-events"],
)
async def test_failing_or_garbled_answers_become_the_apology(action_server, answer) -> None:
    async def failing(_request):
        return answer

    url, _seen = await action_server(failing)
    assert _is_apology(await _run(url))


async def test_a_rejection_keeps_rasas_meaning(action_server) -> None:
    async def reject(_request):
        return web.json_response({"action_name": "action_converse", "error": "not now"}, status=400)

    url, _seen = await action_server(reject)
    with pytest.raises(ActionExecutionRejection):
        await _run(url)


async def test_one_apology_per_turn(unused_tcp_port) -> None:
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{unused_tcp_port}/webhook")
    action = GuardedRemoteAction("action_converse", endpoint)
    tracker = _tracker()
    first = await action.run(CollectingOutputChannel(), NLG, tracker, DOMAIN)
    tracker.update_with_events([ActionExecuted("action_converse"), *first], DOMAIN)
    assert await action.run(CollectingOutputChannel(), NLG, tracker, DOMAIN) == []


async def test_recovery_is_logged_once_and_answers_flow_again(action_server, unused_tcp_port, caplog) -> None:
    async def ok(_request):
        return web.json_response({"events": [], "responses": [{"text": "Dạ, xong."}]})

    url, _seen = await action_server(ok)
    with caplog.at_level(logging.INFO):
        await _run(f"http://127.0.0.1:{unused_tcp_port}/webhook")
        events = await _run(url)
        await _run(url)
    assert events[0].text == "Dạ, xong."
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.rasa.resilience"]
    assert [level for level, _ in lines] == ["ERROR", "WARNING"]
    assert lines[1][1].startswith("action server back after")


def test_install_replaces_rasas_remote_action_everywhere() -> None:
    from rasa.core.actions import action, forms

    resilience.install()
    assert action.RemoteAction is GuardedRemoteAction and forms.RemoteAction is GuardedRemoteAction
    built = action.action_for_name_or_text("action_converse", DOMAIN, EndpointConfig(url="http://x"))
    assert isinstance(built, GuardedRemoteAction)


# ------------------------------------------------------------------ message handling


class _Agent:
    def __init__(self, failure: Exception | None) -> None:
        self.failure = failure

    async def handle_message(self, message: UserMessage):
        if self.failure is not None:
            raise self.failure
        await message.output_channel.send_text_message(message.sender_id, "Dạ, chào anh/chị.")


async def test_lock_store_down_answers_the_apology(unused_tcp_port, caplog) -> None:
    try:
        redis.Redis(port=unused_tcp_port, socket_connect_timeout=1).ping()
    except redis.ConnectionError as error:
        down = error
    agent = _Agent(down)
    guard_message_handling(agent)
    channel = CollectingOutputChannel()
    with caplog.at_level(logging.ERROR):
        assert await agent.handle_message(UserMessage("xin chào", channel, "customer-1")) is None
        await agent.handle_message(UserMessage("alo", CollectingOutputChannel(), "customer-2"))
    assert channel.messages[0]["text"].startswith("Dạ, em xin lỗi")
    records = [r for r in caplog.records if r.name == "bot.rasa.resilience"]
    assert len(records) == 1 and records[0].getMessage().startswith("lock store unavailable: ConnectionError")
    agent.failure = None
    ok = CollectingOutputChannel()
    await agent.handle_message(UserMessage("xin chào", ok, "customer-1"))
    assert ok.messages[0]["text"] == "Dạ, chào anh/chị."


async def test_a_bug_in_message_handling_is_logged_with_its_trace_and_apologised(caplog) -> None:
    agent = _Agent(KeyError("slot"))
    guard_message_handling(agent)
    channel = CollectingOutputChannel()
    with caplog.at_level(logging.ERROR):
        await agent.handle_message(UserMessage("xin chào", channel, "customer-1"))
    assert channel.messages[0]["text"].startswith("Dạ, em xin lỗi")
    assert "message handling unavailable: KeyError" in caplog.text and "Traceback" in caplog.text


async def test_a_failed_form_validation_keeps_nothing_unvalidated(unused_tcp_port) -> None:
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{unused_tcp_port}/webhook")
    action = GuardedRemoteAction("validate_account_form", endpoint)
    tracker = _tracker()  # ends with the customer's message
    extracted = [SlotSet("verify_answer", "1321"), SlotSet("customer_code", "PB05010000001")]
    tracker.update_with_events([*extracted, SlotSet("requested_slot", "verify_answer")], DOMAIN)
    events = await action.run(CollectingOutputChannel(), NLG, tracker, DOMAIN)
    assert _is_apology(events[:1])
    assert events[1:] == [SlotSet("verify_answer", None), SlotSet("customer_code", None)]
