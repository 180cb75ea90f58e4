"""Messenger Send API client.

``POST {FACEBOOK_GRAPH_URL}/me/messages?access_token=<page token>`` with a JSON body
``{"recipient": {"id": <PSID>}, "messaging_type": …, "message": …}`` (plus ``tag`` for
``MESSAGE_TAG``). Success: HTTP 200 ``{"recipient_id", "message_id"}``. Errors: HTTP 4xx
with ``{"error": {"code", "error_subcode", "message", …}}``; codes 1200 and 2 (temporary
send failure, service unavailable) and 4/613 (rate limits) are retried, the rest (e.g.
190 invalid token, 551 user unavailable, 10 outside the messaging window) are permanent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from bot.channels.outbound import PermanentError, TransientError, request
from bot.config import ChannelSettings

CHANNEL = "facebook"
TRANSIENT_CODES = frozenset({1, 2, 4, 613, 1200})


class FacebookClient:
    channel = CHANNEL

    def __init__(self, settings: ChannelSettings, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.settings = settings
        self.session = session

    async def send(self, recipient_id: str, message: dict[str, Any]) -> str | None:
        """``message`` is what our output channel built: ``{"message": …}`` with optional
        ``messaging_type`` and ``tag``."""
        token = self.settings.facebook_page_access_token
        if not token:
            raise PermanentError("no Page access token configured (FACEBOOK_PAGE_ACCESS_TOKEN)")
        body = {
            "recipient": {"id": recipient_id},
            "messaging_type": message.get("messaging_type", "RESPONSE"),
            "message": message["message"],
        }
        if message.get("tag"):
            body["tag"] = message["tag"]
        result = await request(
            self.session(),
            "POST",
            f"{self.settings.facebook_graph_url}/me/messages",
            json_body=body,
            params={"access_token": token},
        )
        if result.status == 200 and isinstance(result.body, dict) and "message_id" in result.body:
            return str(result.body["message_id"])
        problem = result.body.get("error") if isinstance(result.body, dict) else None
        code = problem.get("code") if isinstance(problem, dict) else None
        text = f"HTTP {result.status}, Graph error {code}"
        if code in TRANSIENT_CODES:
            raise TransientError(text)
        raise PermanentError(text)
