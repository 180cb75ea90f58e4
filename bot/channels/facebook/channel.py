"""The Messenger input channel (``bot.channels.facebook.FacebookInput``) and its output.

Replaces Rasa's connector, which checks only the SHA-1 ``X-Hub-Signature`` with ``==``
and answers a bad signature with HTTP 200. Here: ``X-Hub-Signature-256`` (HMAC-SHA256
of the raw body, constant time) or 403; the verify-token handshake on ``GET
/webhooks/facebook/webhook``; conversation ids ``facebook:<PSID>``.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import Delivery
from bot.channels.events import PlatformEvent
from bot.channels.facebook import events, messages
from bot.channels.facebook.client import FacebookClient
from bot.channels.http import error
from bot.channels.platform import PlatformInput
from bot.channels.platform_output import PlatformOutput
from bot.channels.signatures import hub_problem
from bot.config import ChannelSettings, load_channel_settings

log = logging.getLogger(__name__)

PREFIX = "facebook:"
MESSAGING_TYPES = frozenset({"RESPONSE", "UPDATE", "MESSAGE_TAG"})


class FacebookOutput(PlatformOutput):
    """Sends Rasa's responses to a Messenger user through the outbox."""

    prefix = PREFIX
    text_messages = staticmethod(messages.text_messages)
    image_message = staticmethod(messages.image_message)

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def payload(self, message: dict[str, Any], **envelope: Any) -> dict[str, Any]:
        return {"message": message, **envelope}

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """``{"facebook": {"message": …, "messaging_type": "MESSAGE_TAG", "tag": …}}``:
        a Messenger message sent as it is (proactive messages outside the 24-hour
        window need a tag)."""
        raw = json_message.get("facebook") if isinstance(json_message, dict) else None
        if not isinstance(raw, dict) or not isinstance(raw.get("message"), dict):
            return
        envelope = {}
        if raw.get("messaging_type") in MESSAGING_TYPES:
            envelope["messaging_type"] = raw["messaging_type"]
        if isinstance(raw.get("tag"), str):
            envelope["tag"] = raw["tag"]
        await self.send_all(recipient_id, [raw["message"]], **envelope)


class FacebookInput(PlatformInput):
    conversation_prefix = PREFIX
    signature_before_json = True

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = load_channel_settings()
        url = (credentials or {}).get("facebook_graph_url")
        if isinstance(url, str) and url:
            import dataclasses

            settings = dataclasses.replace(settings, facebook_graph_url=url.rstrip("/"))
        return cls(settings)

    def __init__(self, settings: ChannelSettings) -> None:
        self.client = FacebookClient(settings, self.session)
        super().__init__(settings)
        if not settings.facebook_verify_signature:
            log.warning(
                "facebook: FACEBOOK_VERIFY_SIGNATURE is off: webhook signatures are NOT checked. "
                "Only for local development; anyone can post messages as any Messenger user."
            )
        elif not settings.facebook_app_secret:
            log.info("facebook: no FACEBOOK_APP_SECRET set: the webhook refuses every request")

    def make_delivery(self) -> Delivery:
        return Delivery(self.client, self.settings.database_url)

    def output(self) -> OutputChannel:
        return FacebookOutput(self.delivery)

    def signature_problem(self, request: Request, raw: bytes, body: dict | None) -> str | None:
        if not self.settings.facebook_verify_signature:
            return None
        return hub_problem(request.headers.get("x-hub-signature-256"), raw, self.settings.facebook_app_secret)

    def parse(self, body: dict[str, Any]) -> list[PlatformEvent]:
        return events.parse(body)

    def add_routes(self, hook: Blueprint) -> None:
        @hook.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            """Messenger's subscription check: echo hub.challenge for our verify token."""
            expected = self.settings.facebook_verify_token
            presented = request.args.get("hub.verify_token", "")
            challenge = request.args.get("hub.challenge", "")
            if (
                request.args.get("hub.mode") == "subscribe"
                and expected
                and hmac.compare_digest(presented.encode(), expected.encode())
                and challenge
            ):
                return response.text(challenge[:200])
            log.warning("facebook: webhook verification refused (wrong verify token)")
            return error(403, "bad_verify_token", "hub.verify_token does not match FACEBOOK_VERIFY_TOKEN")
