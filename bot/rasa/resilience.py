"""Never silence on the Rasa side: remote actions and message handling that fail answer the
customer with an apology instead of nothing.

Rasa 3.6 behaviour this replaces (rasa/core/actions/action.py, rasa/core/processor.py):
a custom action whose server is down, slow (5 min timeout) or answers 5xx raises; the
processor logs a stack trace, drops the action's events and sends the customer nothing.
An exception in the lock store (Redis down), the tracker store or the processor ends the
channel's request with an empty answer.

- :class:`GuardedRemoteAction` replaces Rasa's ``RemoteAction`` (installed by
  :func:`install`, called from ``bot.rasa.server`` before the model loads). It calls the
  action server with one shared connection pool, a timeout of ``ACTION_TIMEOUT_S``
  (default 8 s) and the endpoint's headers (the shared secret); on a connection failure,
  a timeout, an HTTP error other than 400 or a malformed answer it returns a bot message
  with :func:`bot.faults.technical_apology` (at most one per customer turn). 400 keeps
  Rasa's meaning (the action rejected its execution). A form validation (``validate_*``)
  that fails also clears the values extracted this turn, so nothing unvalidated (a
  verification answer!) completes a form; the form asks again.
- :func:`guard_message_handling` wraps ``Agent.handle_message``: an exception (lock store,
  tracker store, event broker, a bug) sends the apology through the message's output
  channel.
Both log through one :class:`bot.faults.FaultLog`: one line when a part starts failing,
one when it is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core import events as rasa_events
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered

from bot import perfstats
from bot.config import load_settings
from bot.faults import FAULT_METADATA_KEY, FaultLog, technical_apology

log = logging.getLogger(__name__)
FAULTS = FaultLog(log)

ACTION_SERVER = "action server"
KEEPALIVE_S = 30  # below the action server's keep-alive (bot.rasa.action_server)


class ActionServerError(Exception):
    """The action server answered, but not with a usable result."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ActionServerClient:
    """One connection pool per event loop (connection reuse across turns)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=KEEPALIVE_S)
            self._session = aiohttp.ClientSession(connector=connector)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def post(self, endpoint: Any, body: dict, timeout_s: float) -> dict:
        headers = {"Content-Type": "application/json", **(endpoint.headers or {})}
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        ssl_context = ssl.create_default_context(cafile=endpoint.cafile) if endpoint.cafile else None
        payload = json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                async with self.session().post(
                    endpoint.url, data=payload, headers=headers, params=endpoint.combine_parameters(),
                    auth=auth, ssl=ssl_context, timeout=aiohttp.ClientTimeout(total=timeout_s),
                ) as response:
                    raw = await response.read()
                    return _parse_answer(response.status, raw)
            except aiohttp.ServerDisconnectedError:
                # A pooled connection closed by the server between two turns: the request
                # was not read; try once on a fresh connection.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _parse_answer(status: int, raw: bytes) -> dict:
    if status == 400:
        try:
            body = json.loads(raw)
            raise ActionExecutionRejection(body["action_name"], body.get("error"))
        except (ValueError, KeyError, TypeError):
            raise ActionServerError("HTTP 400 without a rejection body") from None
    if status != 200:
        raise ActionServerError(f"HTTP {status}")
    try:
        answer = json.loads(raw)
    except ValueError:
        raise ActionServerError("answer is not JSON") from None
    if not isinstance(answer, dict):
        raise ActionServerError("answer is not a JSON object")
    return answer


CLIENT = _ActionServerClient()


def apology_event(part: str) -> BotUttered:
    return BotUttered(text=technical_apology(), metadata={FAULT_METADATA_KEY: part})


def already_apologised(tracker: Any) -> bool:
    """True when this customer turn already carries a fault apology."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(FAULT_METADATA_KEY):
            return True
    return False


def validate_action_answer(answer: dict) -> None:
    """The shape of an action server's answer: ``events`` a list of event objects (each
    with its ``event`` name), ``responses`` a list of objects; else ``ValidationError``
    (the customer gets the apology).

    Rasa checks the answer against its whole JSON schema of events (``jsonschema.validate``,
    which also re-checks the schema itself on every call): a quarter of a turn's time on
    the event loop before, still 5 % with the validator built once (docs/benchmarks.md).
    The answer comes from our own action server, authenticated; a malformed event is still
    refused when Rasa reads it (``deserialise_events`` raises, which answers the apology)."""
    from jsonschema import ValidationError

    events, responses = answer.get("events", []), answer.get("responses", [])
    if events is not None and (
        not isinstance(events, list)
        or not all(isinstance(event, dict) and isinstance(event.get("event"), str) for event in events)
    ):
        raise ValidationError("'events' must be a list of events. Failed to validate Action server response.")
    if responses is not None and (
        not isinstance(responses, list) or not all(isinstance(item, dict) for item in responses)
    ):
        raise ValidationError(
            "'responses' must be a list of objects. Failed to validate Action server response."
        )


class GuardedRemoteAction(RemoteAction):
    """Rasa's RemoteAction with a timeout, a shared pool and an apology instead of silence."""

    def _validate_action_result(self, result: dict) -> bool:
        validate_action_answer(result)
        return True

    async def run(self, output_channel, nlg, tracker, domain) -> list[Event]:
        if not self.action_endpoint:
            return await super().run(output_channel, nlg, tracker, domain)
        started = time.perf_counter()
        body = self._action_call_format(tracker, domain)
        try:
            answer = await CLIENT.post(self.action_endpoint, body, load_settings().action_timeout_s)
            perfstats.record("rasa", f"call {self.name()} (round trip)", time.perf_counter() - started)
            self._validate_action_result(answer)
            events_json = answer.get("events") or []
            responses = answer.get("responses") or []
            bot_messages = await self._utter_responses(responses, output_channel, nlg, tracker)
            new_events = rasa_events.deserialise_events(events_json)
        except ActionExecutionRejection:
            FAULTS.succeeded(ACTION_SERVER)
            raise
        except Exception as error:  # any failure: the customer hears from us, once per turn
            FAULTS.failed(
                ACTION_SERVER, _reason(error),
                consequence=f"'{self.name()}' and the next custom actions answer with the apology",
            )
            events: list[Event] = [] if already_apologised(tracker) else [apology_event(ACTION_SERVER)]
            if self.name().startswith(VALIDATION_PREFIX):
                events += unvalidated_slots_cleared(tracker)
            return events
        FAULTS.succeeded(ACTION_SERVER)
        return [*bot_messages, *new_events]


VALIDATION_PREFIX = "validate_"


def unvalidated_slots_cleared(tracker: Any) -> list[Event]:
    """A form's validation did not run: the values extracted this turn must not count as
    validated (Rasa would keep them and complete the form), so they are cleared and the
    form asks again after the apology."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, SlotSet) and event.key != "requested_slot" and event.key not in names:
            names.append(event.key)
    return [SlotSet(name, None) for name in reversed(names)]


def _reason(error: BaseException) -> str:
    if isinstance(error, ActionServerError):
        return error.reason
    if isinstance(error, asyncio.TimeoutError):
        return f"no answer within {load_settings().action_timeout_s:g} s"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect ({error.os_error.strerror or type(error.os_error).__name__})"
    if isinstance(error, aiohttp.ClientError):
        return type(error).__name__
    return f"invalid answer ({type(error).__name__})"


def install() -> None:
    """Make Rasa build :class:`GuardedRemoteAction` wherever it builds a RemoteAction."""
    rasa_action.RemoteAction = GuardedRemoteAction
    from rasa.core.actions import forms

    forms.RemoteAction = GuardedRemoteAction


# ------------------------------------------------------------------ message handling


def _failing_part(error: BaseException) -> tuple[str, bool]:
    """(part, is_our_bug) for an exception that escaped message handling."""
    from rasa.core.lock_store import LockError

    module = type(error).__module__ or ""
    if isinstance(error, LockError) or module.startswith("redis"):
        return "lock store", False
    if module.startswith(("sqlalchemy", "psycopg2", "sqlite3")):
        return "tracker store", False
    if module.startswith(("aio_pika", "aiormq", "pika")):
        return "event broker", False
    return "message handling", True


PARTS_OF_MESSAGE_HANDLING = ("lock store", "tracker store", "event broker", "message handling")


def guard_message_handling(agent: Any) -> None:
    """Wrap ``agent.handle_message`` so a failure answers the apology (see module doc)."""
    original: Callable[[Any], Awaitable[Any]] = agent.handle_message

    async def handle_message(message: Any) -> Any:
        try:
            result = await original(message)
        except Exception as error:
            part, bug = _failing_part(error)
            FAULTS.failed(part, error, consequence="customers get the apology", trace=bug)
            await send_apology(message, part)
            return None
        for part in PARTS_OF_MESSAGE_HANDLING:
            FAULTS.succeeded(part)
        return result

    agent.handle_message = handle_message


async def send_apology(message: Any, part: str) -> None:
    channel = getattr(message, "output_channel", None)
    if channel is None:
        return
    try:
        await channel.send_text_message(message.sender_id, technical_apology())
    except Exception as error:  # the channel itself is down: nothing more we can do
        FAULTS.failed(f"output channel {channel.name()}", error, consequence=f"apology for {part} not sent")
