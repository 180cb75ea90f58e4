"""How a notice reaches each channel, and how to ask whether an interrupted one arrived.

- ``zalo``: the OA API v3 consultation message (``ZaloClient``: tokens shared with the Rasa
  channel in ``channel_tokens``). Asked back through the OA conversation history
  (``GET /v2.0/oa/conversation``): the notice is there if the OA sent its text lately.
- ``facebook``: the Send API (``FacebookClient``), ``messaging_type`` UPDATE inside the
  24-hour window, MESSAGE_TAG with the configured tag outside it. Messenger cannot be
  asked back: an interrupted notice is sent again (at most the few in flight at a crash).
- ``socketio`` (the widget) and ``callback``: Rasa's HTTP API, ``POST
  /conversations/{id}/tracker/events?output_channel=<channel>&execute_side_effects=true``
  with a bot event: Rasa records it in the conversation and sends it through that
  channel's output (the widget's room, the callback URL). The event's metadata carries
  the notice id, so an interrupted notice is found in the conversation
  (``GET /conversations/{id}/tracker``). The URL and token are ``RASA_URL`` /
  ``RASA_TOKEN`` (:func:`bot.config.load_settings`, the one place they are read).

Each ``send`` returns the platform's message id (or None) and raises
``TransientError`` (worth another try later) or ``PermanentError``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

from bot.channels.facebook import messages as facebook_messages
from bot.channels.facebook.client import FacebookClient
from bot.channels.outbound import PermanentError, TransientError, request
from bot.channels.zalo import messages as zalo_messages
from bot.channels.zalo.client import ZaloClient
from bot.config import ChannelSettings, NoticeSettings
from bot.services.notice_delivery import ClaimedNotice

log = logging.getLogger(__name__)

Buttons = list[dict[str, str]]
PATH_SAFE = "/:@!$&'()*+,;=~"
ZALO_HISTORY = 20  # messages of the conversation looked at to find an interrupted notice


class Route(Protocol):
    async def send(self, notice: ClaimedNotice, text: str, buttons: Buttons) -> str | None: ...

    async def delivered(self, notice: ClaimedNotice, text: str) -> bool | None:
        """True: the platform has it; False: it has not; None: cannot tell."""


class ZaloRoute:
    def __init__(self, settings: ChannelSettings, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.settings = settings
        self.session = session
        self.client = ZaloClient(settings, session)

    async def send(self, notice: ClaimedNotice, text: str, buttons: Buttons) -> str | None:
        first = None
        for message in zalo_messages.text_messages(text, buttons):
            message_id = await self.client.send(notice.recipient_id, message)
            first = first or message_id
        return first

    async def delivered(self, notice: ClaimedNotice, text: str) -> bool | None:
        token = await self.client.tokens.access_token()
        if not token:
            return None
        expected = zalo_messages.text_messages(text)[0]["text"]
        query = {"user_id": notice.recipient_id, "offset": 0, "count": ZALO_HISTORY}
        result = await request(
            self.session(),
            "GET",
            f"{self.settings.zalo_api_url}/v2.0/oa/conversation",
            params={"data": json.dumps(query)},
            headers={"access_token": token},
        )
        body = result.body if isinstance(result.body, dict) else {}
        if result.status != 200 or body.get("error") != 0 or not isinstance(body.get("data"), list):
            return None
        return any(
            isinstance(item, dict)
            and str(item.get("to_id")) == notice.recipient_id
            and item.get("message") == expected
            for item in body["data"]
        )


class FacebookRoute:
    def __init__(self, settings: ChannelSettings, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.client = FacebookClient(settings, session)

    async def send(self, notice: ClaimedNotice, text: str, buttons: Buttons) -> str | None:
        first = None
        for message in facebook_messages.text_messages(text, buttons):
            body: dict[str, Any] = {"message": message, "messaging_type": notice.messaging_type or "UPDATE"}
            if notice.tag:
                body["tag"] = notice.tag
            message_id = await self.client.send(notice.recipient_id, body)
            first = first or message_id
        return first

    async def delivered(self, notice: ClaimedNotice, text: str) -> bool | None:
        return None  # the Send API cannot be asked what it delivered


class RasaRoute:
    """The widget (``socketio``) and callback conversations, through Rasa's HTTP API."""

    def __init__(self, channel: str, rasa_url: str, token: str, session: Callable[[], aiohttp.ClientSession]):
        self.channel = channel
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.session = session

    def _url(self, conversation_id: str, tail: str) -> str:
        # As it is: Rasa (Sanic) does not decode the id in the path ("web%3A…" would be
        # another conversation). Subscriptions only accept ids that need no encoding.
        return f"{self.rasa_url}/conversations/{quote(conversation_id, safe=PATH_SAFE)}/{tail}"

    async def send(self, notice: ClaimedNotice, text: str, buttons: Buttons) -> str | None:
        event = {
            "event": "bot",
            "text": text,
            "data": {"buttons": buttons} if buttons else {},
            "metadata": {"notice": {"id": notice.id, "kind": notice.kind.value, "event": notice.event_ref}},
        }
        result = await request(
            self.session(),
            "POST",
            self._url(notice.conversation_id, "tracker/events"),
            json_body=[event],
            params={"output_channel": self.channel, "execute_side_effects": "true", "token": self.token},
        )
        if result.status in (401, 403):  # our configuration: worth retrying once it is fixed
            raise TransientError(f"Rasa's API refused the token (HTTP {result.status}): check RASA_TOKEN")
        if result.status >= 400:
            raise PermanentError(f"Rasa's API answered HTTP {result.status}")
        return None

    async def delivered(self, notice: ClaimedNotice, text: str) -> bool | None:
        result = await request(
            self.session(),
            "GET",
            self._url(notice.conversation_id, "tracker"),
            params={"include_events": "ALL", "token": self.token},
            timeout_s=30,
        )
        if result.status != 200 or not isinstance(result.body, dict):
            return None
        for event in result.body.get("events") or []:
            metadata = event.get("metadata") if isinstance(event, dict) else None
            found = metadata.get("notice") if isinstance(metadata, dict) else None
            if event.get("event") == "bot" and isinstance(found, dict) and found.get("id") == notice.id:
                return True
        return False


def build_routes(
    notice_settings: NoticeSettings,
    channel_settings: ChannelSettings,
    session: Callable[[], aiohttp.ClientSession],
) -> dict[str, Route]:
    return {
        "zalo": ZaloRoute(channel_settings, session),
        "facebook": FacebookRoute(channel_settings, session),
        "socketio": RasaRoute("socketio", notice_settings.rasa_url, notice_settings.rasa_token, session),
        "callback": RasaRoute("callback", notice_settings.rasa_url, notice_settings.rasa_token, session),
    }


RATE_GROUPS = {"zalo": "zalo", "facebook": "facebook", "socketio": "web", "callback": "web"}
