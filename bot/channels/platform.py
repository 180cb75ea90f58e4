"""What Zalo and Messenger webhooks have in common.

A webhook request is checked (size, signature, JSON), its events are recorded in the
inbox under the platform's message id (a retry or replay is a duplicate and is dropped),
and the platform gets its 200 at once; each new event is then processed in the
background: text goes to the dialogue, a follow gets the welcome, an image or sticker
a polite request to type. A sweeper finishes events whose processor died, retries
undelivered messages and keeps tokens fresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import replies
from bot.channels.base import GuardedInputChannel, OnNewMessage, Outcome
from bot.channels.data import DataUnavailable, in_unit_of_work
from bot.channels.delivery import Delivery
from bot.channels.errors import BadRequest
from bot.channels.events import FOLLOW, IGNORED, UNSUPPORTED, PlatformEvent
from bot.channels.http import TooLarge, error, json_object, read_body, too_large
from bot.config import ChannelSettings
from bot.services import inbox, outbox
from bot.services.verification import identity

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 10.0
PURGE_EVERY_S = 3600.0
INBOX_RETENTION = timedelta(days=7)  # above the replay window (CHANNEL_MAX_EVENT_AGE_S)
SENT_RETENTION = timedelta(days=7)
MAX_CONCURRENT_EVENTS = 8  # events answered at once per instance (each runs the dialogue)
# The webhook's own database work (recording the event) gets threads of its own, so that a
# burst of background work (answers, outbox) never delays the platform's 200.
_WEBHOOK_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-inbox")
FUTURE_TOLERANCE_S = 600

FOLLOW_TEXT = "/greet"  # a follow (or Messenger's Get Started) is greeted like a "xin chào"


class PlatformInput(GuardedInputChannel):
    """Base of the Zalo and Messenger input channels."""

    conversation_prefix = ""  # "zalo:" / "facebook:"

    def __init__(self, settings: ChannelSettings) -> None:
        super().__init__(settings)
        self.database_url = settings.database_url
        self.http: aiohttp.ClientSession | None = None
        self.delivery: Delivery = self.make_delivery()
        self._on_new_message: OnNewMessage | None = None
        self._tasks: set[asyncio.Task] = set()
        self._sweeper: asyncio.Task | None = None
        self._semaphore: asyncio.Semaphore | None = None

    # ---------------------------------------------------------------- platform hooks

    def make_delivery(self) -> Delivery:
        raise NotImplementedError

    def output(self) -> OutputChannel:
        raise NotImplementedError

    def signature_problem(self, request: Request, raw: bytes, body: dict | None) -> str | None:
        """Why the request's signature is not acceptable, or None when it is."""
        raise NotImplementedError

    def parse(self, body: dict[str, Any]) -> list[PlatformEvent]:
        raise NotImplementedError

    signature_before_json = True  # Messenger signs the raw body; Zalo's needs a body field

    async def keep_fresh(self) -> None:
        """Periodic platform chores (Zalo refreshes its token)."""

    def get_output_channel(self) -> OutputChannel:
        return self.output()

    # ---------------------------------------------------------------- HTTP session

    def session(self) -> aiohttp.ClientSession:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        return self.http

    # ---------------------------------------------------------------- webhook

    def blueprint(self, on_new_message: Callable[..., Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        hook = Blueprint(f"{self.name()}_webhook", url_prefix=None)

        @hook.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            self.start_sweeper()

        @hook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await self.stop()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request)

        self.add_routes(hook)
        return hook

    def add_routes(self, hook: Blueprint) -> None:
        """More routes of a platform (Messenger's verification handshake)."""

    async def receive(self, request: Request) -> HTTPResponse:
        try:
            raw = await read_body(request, self.settings.max_body_bytes)
        except TooLarge:
            return too_large(self.settings.max_body_bytes)
        body = None
        if self.signature_before_json:
            problem = self.signature_problem(request, raw, None)
            if problem:
                log.warning("%s: webhook refused: %s", self.name(), problem)
                return error(403, "bad_signature", problem)
        try:
            body = json_object(raw)
        except BadRequest as bad:
            return error(400, bad.code, bad.reason)
        if not self.signature_before_json:
            problem = self.signature_problem(request, raw, body)
            if problem:
                log.warning("%s: webhook refused: %s", self.name(), problem)
                return error(403, "bad_signature", problem)
        try:
            events = self.parse(body)
        except BadRequest as bad:
            return error(400, bad.code, bad.reason)
        accepted = duplicates = 0
        for event in events:
            if event.kind == IGNORED or not self.is_fresh(event):
                continue
            try:
                recorded = await in_unit_of_work(
                    self.database_url,
                    inbox.record,
                    self.name(),
                    event.event_id,
                    event.user_id,
                    event.kind,
                    event.text,
                    executor=_WEBHOOK_THREADS,
                )
            except DataUnavailable as failure:  # the platform retries on 5xx: nothing lost
                log.error("%s: inbox unavailable (%s)", self.name(), type(failure).__name__)
                return error(503, "unavailable", "the inbox is unavailable; retry later")
            if recorded is None:
                duplicates += 1
                continue
            accepted += 1
            self.spawn(self.process(recorded))
        return response.json({"status": "ok", "accepted": accepted, "duplicates": duplicates})

    def is_fresh(self, event: PlatformEvent) -> bool:
        """Refuse replays of old events (and clocks far in the future)."""
        limit = self.settings.max_event_age_s
        if not limit or event.timestamp_ms is None:
            return True
        age_s = time.time() - event.timestamp_ms / 1000
        if age_s > limit or age_s < -FUTURE_TOLERANCE_S:
            log.warning("%s: event %s ignored: %d s old", self.name(), event.event_id[:40], int(age_s))
            return False
        return True

    # ---------------------------------------------------------------- processing

    def spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def conversation_id(self, user_id: str) -> str:
        return self.conversation_prefix + user_id

    async def process(self, event: inbox.InboxEvent) -> None:
        """Answer one recorded event, then close it in the inbox."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(MAX_CONCURRENT_EVENTS)
        async with self._semaphore:
            status, problem = "done", None
            try:
                outcome = await self.answer(event)
                if outcome is Outcome.FAILED:
                    status, problem = "failed", "the dialogue failed; apology sent"
            except asyncio.CancelledError:
                raise  # left "processing": the sweeper takes it up after the lease
            except Exception as failure:
                log.exception("%s: event %s could not be processed", self.name(), event.id)
                status, problem = "failed", type(failure).__name__
            with contextlib.suppress(DataUnavailable):
                await in_unit_of_work(self.database_url, inbox.finish, event.id, status, problem)

    async def answer(self, event: inbox.InboxEvent) -> Outcome:
        conversation_id = self.conversation_id(event.sender_id)
        output = self.output()
        if event.kind == UNSUPPORTED:
            await self.reply(output, conversation_id, replies.text_only())
            return Outcome.ANSWERED
        if self._on_new_message is None:
            raise RuntimeError("the channel's blueprint was never registered")
        follow = event.kind == FOLLOW
        return await self.hand_over(
            self._on_new_message,
            output,
            conversation_id=conversation_id,
            text=FOLLOW_TEXT if follow else event.text,
            identity=identity("platform", event.sender_id),
            message_id=None if follow else event.event_id,
            **({"event": "follow"} if follow else {}),
        )

    # ---------------------------------------------------------------- sweeper

    def start_sweeper(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.ensure_future(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        last_purge = 0.0
        while True:
            try:
                await self.sweep_once()
                if time.monotonic() - last_purge > PURGE_EVERY_S:
                    await in_unit_of_work(self.database_url, inbox.forget_finished, INBOX_RETENTION)
                    await in_unit_of_work(self.database_url, outbox.forget_sent, SENT_RETENTION)
                    last_purge = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception as failure:  # try again at the next round
                log.warning("%s: sweep failed (%s)", self.name(), type(failure).__name__)
            await asyncio.sleep(SWEEP_INTERVAL_S)

    async def sweep_once(self) -> None:
        await self.keep_fresh()
        for event in await in_unit_of_work(self.database_url, inbox.reclaim_stale, self.name(), 20):
            log.warning("%s: taking up interrupted event %s", self.name(), event.id)
            self.spawn(self.process(event))
        await self.delivery.sweep()

    async def stop(self, grace_s: float = 5.0) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_s)
        for task in list(self._tasks):
            task.cancel()
        if self.http is not None and not self.http.closed:
            await self.http.close()
