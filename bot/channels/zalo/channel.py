"""The Zalo OA input channel (``bot.channels.zalo.ZaloInput``) and its output channel.

Webhook: ``POST /webhooks/zalo/webhook``. Conversation ids are ``zalo:<user id>``; the
output channel sends only to such ids (never to an id that came from elsewhere).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic.request import Request

from bot.channels.delivery import Delivery
from bot.channels.events import PlatformEvent
from bot.channels.platform import PlatformInput
from bot.channels.platform_output import PlatformOutput
from bot.channels.signatures import zalo_problem
from bot.channels.zalo import events, messages
from bot.channels.zalo.client import ZaloClient
from bot.config import ChannelSettings, load_channel_settings

log = logging.getLogger(__name__)

PREFIX = "zalo:"


class ZaloOutput(PlatformOutput):
    """Sends Rasa's responses to a Zalo user through the outbox."""

    prefix = PREFIX
    text_messages = staticmethod(messages.text_messages)
    image_message = staticmethod(messages.image_message)

    @classmethod
    def name(cls) -> str:
        return "zalo"

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """``{"zalo": <a Zalo message object>}`` is sent as it is; other custom payloads
        are not for Zalo."""
        raw = json_message.get("zalo") if isinstance(json_message, dict) else None
        if isinstance(raw, dict):
            await self.send_all(recipient_id, [raw])


class ZaloInput(PlatformInput):
    conversation_prefix = PREFIX
    signature_before_json = False  # the signature covers the body's own timestamp

    @classmethod
    def name(cls) -> str:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = load_channel_settings()
        overrides = {k: v for k, v in (credentials or {}).items() if k in ("zalo_api_url", "zalo_oauth_url")}
        if overrides:
            import dataclasses

            settings = dataclasses.replace(settings, **overrides)
        return cls(settings)

    def __init__(self, settings: ChannelSettings) -> None:
        self.client = ZaloClient(settings, self.session)
        super().__init__(settings)
        if not settings.zalo_verify_signature:
            log.warning(
                "zalo: ZALO_VERIFY_SIGNATURE is off: webhook signatures are NOT checked. "
                "Only for local development; anyone can post messages as any Zalo user."
            )
        elif not (settings.zalo_oa_secret_key and settings.zalo_app_id):
            log.info("zalo: no ZALO_APP_ID / ZALO_OA_SECRET_KEY set: the webhook refuses every request")

    def make_delivery(self) -> Delivery:
        return Delivery(self.client, self.settings.database_url)

    def output(self) -> OutputChannel:
        return ZaloOutput(self.delivery)

    def signature_problem(self, request: Request, raw: bytes, body: dict | None) -> str | None:
        if not self.settings.zalo_verify_signature:
            return None
        return zalo_problem(
            request.headers.get("x-zevent-signature"),
            self.settings.zalo_app_id,
            raw,
            events.signed_timestamp(body or {}),
            self.settings.zalo_oa_secret_key,
        )

    def parse(self, body: dict[str, Any]) -> list[PlatformEvent]:
        return events.parse(body)

    async def keep_fresh(self) -> None:
        await self.client.tokens.keep_fresh()
