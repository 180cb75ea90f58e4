"""Zalo OA webhook events -> PlatformEvent (pure).

Formats (Zalo OA API v3 webhook): every event has ``app_id``, ``event_name`` and
``timestamp`` (milliseconds, a string); message events have ``sender.id``,
``recipient.id`` (the OA) and ``message.msg_id``; ``follow`` has ``follower.id``.

- ``user_send_text``: text; a click on one of our buttons (``oa.query.hide``) arrives
  the same way, its payload as the text.
- ``user_send_image`` / ``_gif`` / ``_sticker`` / ``_location`` / ``_file`` / ``_audio`` /
  ``_video`` / ``_link`` / ``_business_card``: we ask for text (an image with a caption
  is read as the caption).
- ``follow``: the welcome. Everything else (``unfollow``, ``oa_send_*`` echoes of our own
  messages, ``user_received_message``, ``user_seen_message``, ...) is ignored.
"""

from __future__ import annotations

from typing import Any

from bot.channels.events import (
    FOLLOW,
    IGNORE,
    TEXT,
    UNSUPPORTED,
    PlatformEvent,
    bounded_event_id,
    platform_id,
    timestamp_ms,
)

ATTACHMENT_EVENTS = frozenset(
    {
        "user_send_image",
        "user_send_gif",
        "user_send_sticker",
        "user_send_location",
        "user_send_file",
        "user_send_audio",
        "user_send_video",
        "user_send_link",
        "user_send_business_card",
    }
)


def _id_of(container: Any) -> str | None:
    return platform_id(container.get("id")) if isinstance(container, dict) else None


def parse(body: dict[str, Any]) -> list[PlatformEvent]:
    """The event of one Zalo webhook body (Zalo sends one event per request)."""
    name = body.get("event_name")
    if not isinstance(name, str):
        return []
    when = timestamp_ms(body.get("timestamp"))
    if name == "follow":
        user = _id_of(body.get("follower"))
        if user is None:
            return []
        return [PlatformEvent(FOLLOW, bounded_event_id("follow", user, str(when)), user, None, when)]
    if name != "user_send_text" and name not in ATTACHMENT_EVENTS:
        return [IGNORE]
    user = _id_of(body.get("sender"))
    message = body.get("message")
    if user is None or not isinstance(message, dict):
        return []
    message_id = platform_id(message.get("msg_id"))
    if message_id is None:
        return []
    text = message.get("text")
    text = text if isinstance(text, str) else None
    if name == "user_send_text":
        return [PlatformEvent(TEXT, bounded_event_id(message_id), user, text or "", when)]
    if name == "user_send_image" and text and text.strip():
        return [PlatformEvent(TEXT, bounded_event_id(message_id), user, text, when)]
    return [PlatformEvent(UNSUPPORTED, bounded_event_id(message_id), user, None, when)]


def signed_timestamp(body: dict[str, Any]) -> str:
    """The body's ``timestamp`` exactly as it enters the signature."""
    value = body.get("timestamp")
    if isinstance(value, bool) or value is None:
        return ""
    return str(value)
