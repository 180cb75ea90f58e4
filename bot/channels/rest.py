"""The secure REST channel (``bot.channels.rest.SecureRestInput``, name "rest").

``POST /webhooks/rest/webhook`` with ``{"sender": "<id>", "message": "<text>",
"metadata": {…}}``; the answer is the bot's messages as a JSON list. Unlike Rasa's
RestInput it never trusts the body's ``input_channel`` and refuses what it cannot read:

- 400 with ``{"error", "reason"}``: a body that is not a JSON object; ``sender`` missing,
  not a string, over 128 characters or in a reserved namespace; ``message`` missing,
  null or not a string; ``metadata`` not an object or over 2 KB.
- 413: a body over ``CHANNEL_MAX_BODY_BYTES``.
- 403: a sender id already claimed, without its ``X-Session-Token`` (or with another).
  The first message for a sender id claims it and the answer carries the token in the
  ``X-Session-Token`` header; only its hash is stored.
- 503: the session store (database) is unavailable.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import replies
from bot.channels.base import (
    GuardedInputChannel,
    OnNewMessage,
    client_metadata,
    client_sender,
    network_fact,
)
from bot.channels.data import DataUnavailable, in_unit_of_work
from bot.channels.errors import BadRequest
from bot.channels.http import TooLarge, error, json_object, read_body, too_large
from bot.config import load_channel_settings
from bot.services import channel_sessions
from bot.services.channel_sessions import Outcome
from bot.services.verification import identity

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Session-Token"
EXPOSE = {"Access-Control-Expose-Headers": TOKEN_HEADER}


def message_text(body: dict[str, Any]) -> str:
    if "message" not in body or body["message"] is None:
        raise BadRequest("message_missing", "'message' is required: a string")
    if not isinstance(body["message"], str):
        raise BadRequest("message_invalid", "'message' must be a string")
    return body["message"]


@dataclass(frozen=True)
class Admitted:
    """A request that passed every check: who, what, and the headers to answer with."""

    sender: str
    text: str
    client: dict[str, str]
    identity_key: str
    headers: dict[str, str]
    network: dict[str, str] = field(default_factory=dict)  # the client network fact


class SecureRestInput(GuardedInputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(load_channel_settings())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint(f"secure_{self.name()}_webhook", url_prefix=None)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            self._housekeeping = asyncio.ensure_future(self.forget_idle_sessions())

        @hook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self._housekeeping is not None:
                self._housekeeping.cancel()
            await self.close()

        @hook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            admitted = await self.admit(request)
            if isinstance(admitted, HTTPResponse):
                return admitted
            return await self.respond(on_new_message, admitted)

        return hook

    async def admit(self, request: Request) -> Admitted | HTTPResponse:
        """Every check of a request, in order: size, JSON, fields, session credential."""
        cap = self.settings.max_body_bytes
        try:
            raw = await read_body(request, cap)
        except TooLarge:
            return too_large(cap)
        try:
            body = json_object(raw)
            sender = client_sender(body.get("sender"))
            text = message_text(body)
            client = client_metadata(body.get("metadata"))
        except BadRequest as bad:
            return error(400, bad.code, bad.reason, EXPOSE)
        presented = request.headers.get(TOKEN_HEADER.lower()) or None
        try:
            check = await in_unit_of_work(
                self.settings.database_url, channel_sessions.check, sender, self.name(), presented
            )
        except DataUnavailable as failure:
            # The database is down or locked: the sender cannot be checked, so nothing goes
            # on to the dialogue (fail closed), but the customer is never left in silence.
            log.error("%s: session store unavailable (%s)", self.name(), type(failure).__name__)
            busy = replies.system_busy(self.settings.hotline)
            return response.json([{"recipient_id": sender, "text": busy}], headers=dict(EXPOSE))
        if check.outcome is Outcome.MISSING:
            return error(
                403,
                "session_token_required",
                f"this sender id is in use: send the {TOKEN_HEADER} header you received",
                EXPOSE,
            )
        if check.outcome is Outcome.WRONG:
            return error(
                403,
                "session_token_invalid",
                f"the {TOKEN_HEADER} header does not belong to this sender id",
                EXPOSE,
            )
        headers = dict(EXPOSE)
        if check.outcome is Outcome.ISSUED:
            headers[TOKEN_HEADER] = check.token or ""
        network = network_fact(request.remote_addr or request.ip)
        return Admitted(sender, text, client, check.identity_key or "", headers, network)

    async def respond(self, on_new_message: OnNewMessage, admitted: Admitted) -> HTTPResponse:
        collector = CollectingOutputChannel()
        await self.hand_over(
            on_new_message,
            collector,
            conversation_id=admitted.sender,
            text=admitted.text,
            identity=identity("session", admitted.identity_key),
            client=admitted.client,
            **admitted.network,
        )
        return response.json(collector.messages, headers=admitted.headers)

    _housekeeping: asyncio.Task | None = None

    async def forget_idle_sessions(self) -> None:
        """Hourly: forget credentials idle for CHANNEL_SESSION_RETENTION_DAYS."""
        idle_for = timedelta(days=self.settings.session_retention_days)
        while True:
            try:
                forgotten = await in_unit_of_work(
                    self.settings.database_url, channel_sessions.forget_idle, idle_for
                )
                if forgotten:
                    log.info("%s: forgot %d idle session credentials", self.name(), forgotten)
            except Exception as failure:  # the next round tries again
                log.warning("%s: session purge failed (%s)", self.name(), type(failure).__name__)
            await asyncio.sleep(3600)

    async def close(self) -> None:
        """Release what the channel holds (the callback channel's HTTP client)."""

    def get_output_channel(self) -> OutputChannel | None:
        return None  # REST clients read replies from the response (execute: in its body)
