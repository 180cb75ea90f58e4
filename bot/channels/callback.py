"""The secure callback channel (``bot.channels.callback.SecureCallbackInput``, name "callback").

Rasa's CallbackInput semantics: ``POST /webhooks/callback/webhook`` with the REST body
answers ``success`` once the message is handled, and every bot message is POSTed as
JSON (``{"recipient_id", "text", "buttons", …}``) to the configured URL (``CALLBACK_URL``
or ``url:`` in credentials.yml), with retries on timeouts and 5xx. Same protections as the
REST channel (400/403/413, ``X-Session-Token``). Agent replies and notices reach a
callback conversation through ``execute?output_channel=latest``.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.base import OnNewMessage
from bot.channels.http import error
from bot.channels.outbound import DeliveryError, request, with_retries
from bot.channels.rest import EXPOSE, Admitted, SecureRestInput
from bot.config import ChannelSettings, load_channel_settings
from bot.services.verification import identity

log = logging.getLogger(__name__)


class CallbackOutput(CollectingOutputChannel):
    """Collects the bot's messages and POSTs each one to the callback URL."""

    @classmethod
    def name(cls) -> str:
        return "callback"

    def __init__(self, channel: SecureCallbackInput) -> None:
        super().__init__()
        self.channel = channel

    async def _persist_message(self, message: dict[str, Any]) -> None:
        await super()._persist_message(message)
        await self.channel.post(message)


class SecureCallbackInput(SecureRestInput):
    @classmethod
    def name(cls) -> str:
        return "callback"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = load_channel_settings()
        url = (credentials or {}).get("url") or settings.callback_url
        return cls(settings, url if isinstance(url, str) else "")

    def __init__(self, settings: ChannelSettings, url: str) -> None:
        super().__init__(settings)
        self.url = url
        self.http: aiohttp.ClientSession | None = None
        if not url:
            log.info("callback: no CALLBACK_URL set: the callback webhook answers 503")

    async def admit(self, request: Request) -> Admitted | HTTPResponse:
        if not self.url:
            return error(503, "not_configured", "the callback channel has no CALLBACK_URL configured", EXPOSE)
        return await super().admit(request)

    async def respond(self, on_new_message: OnNewMessage, admitted: Admitted) -> HTTPResponse:
        await self.hand_over(
            on_new_message,
            CallbackOutput(self),
            conversation_id=admitted.sender,
            text=admitted.text,
            identity=identity("session", admitted.identity_key),
            client=admitted.client,
            **admitted.network,
        )
        return response.text("success", headers=admitted.headers)

    async def post(self, message: dict[str, Any]) -> None:
        """POST one bot message to the callback URL (3 tries); a failure is logged."""
        if not self.url:
            return
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        try:
            result = await with_retries(lambda: request(self.http, "POST", self.url, json_body=message))
        except DeliveryError as failure:
            log.error("callback: a bot message could not be delivered: %s", failure)
            return
        if result.status >= 400:
            log.error("callback: the callback URL refused a bot message (HTTP %s)", result.status)

    async def close(self) -> None:
        if self.http is not None and not self.http.closed:
            await self.http.close()

    def get_output_channel(self) -> CollectingOutputChannel:
        return CallbackOutput(self)
