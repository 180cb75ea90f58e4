"""Messenger webhook events -> PlatformEvent (pure).

Format (Messenger Platform webhooks): ``{"object": "page", "entry": [{"id": <page id>,
"time": …, "messaging": [<event>, …]}]}``; each event has ``sender.id`` (the PSID),
``recipient.id`` (the Page) and ``timestamp`` (ms), and one of:

- ``message``: ``mid``, ``text``; ``quick_reply.payload`` when a quick reply was tapped
  (its payload is what we read); ``attachments`` (image, audio, video, file, location,
  sticker …): we ask for text; ``is_echo`` (our own message coming back): ignored.
- ``postback``: a button or the Get Started button: ``payload`` (``mid`` in newer
  versions). Our buttons carry Rasa payloads ("/intent"); ``GET_STARTED`` is the welcome.
- ``delivery``, ``read``, ``reaction``, ``referral``, ``optin`` …: ignored.
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

GET_STARTED = "GET_STARTED"
MAX_EVENTS = 1000  # Messenger batches at most this many events in one request


def _id_of(container: Any) -> str | None:
    return platform_id(container.get("id")) if isinstance(container, dict) else None


def _message(user: str, when: int | None, message: dict[str, Any]) -> PlatformEvent:
    if message.get("is_echo"):
        return IGNORE
    mid = platform_id(message.get("mid"))
    if mid is None:
        return IGNORE
    quick = message.get("quick_reply")
    if isinstance(quick, dict) and isinstance(quick.get("payload"), str) and quick["payload"]:
        return PlatformEvent(TEXT, bounded_event_id(mid), user, quick["payload"], when)
    text = message.get("text")
    if isinstance(text, str):
        return PlatformEvent(TEXT, bounded_event_id(mid), user, text, when)
    return PlatformEvent(UNSUPPORTED, bounded_event_id(mid), user, None, when)


def _postback(user: str, when: int | None, postback: dict[str, Any]) -> PlatformEvent:
    payload = postback.get("payload")
    payload = payload if isinstance(payload, str) else ""
    mid = platform_id(postback.get("mid"))
    key = bounded_event_id(mid) if mid else bounded_event_id("postback", user, str(when), payload[:40])
    if payload == GET_STARTED:
        return PlatformEvent(FOLLOW, key, user, None, when)
    title = postback.get("title")
    text = payload if payload.startswith("/") else (title if isinstance(title, str) and title else payload)
    return PlatformEvent(TEXT, key, user, text, when)


def parse(body: dict[str, Any]) -> list[PlatformEvent]:
    """The events of one webhook body, in order."""
    if body.get("object") != "page" or not isinstance(body.get("entry"), list):
        return []
    found: list[PlatformEvent] = []
    for entry in body["entry"]:
        items = entry.get("messaging") if isinstance(entry, dict) else None
        for item in items if isinstance(items, list) else []:
            if len(found) >= MAX_EVENTS:
                return found
            if not isinstance(item, dict):
                continue
            user = _id_of(item.get("sender"))
            if user is None:
                continue
            when = timestamp_ms(item.get("timestamp"))
            if isinstance(item.get("message"), dict):
                found.append(_message(user, when, item["message"]))
            elif isinstance(item.get("postback"), dict):
                found.append(_postback(user, when, item["postback"]))
    return found
