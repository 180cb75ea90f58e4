"""Our replies as Messenger Send API messages (pure).

The body of ``POST /me/messages`` is ``{"recipient": {"id": <PSID>}, "messaging_type":
"RESPONSE", "message": …}``; these functions build the ``message``. Limits: text 2,000
characters; 13 quick replies, titles 20 characters, payloads 1,000.
"""

from __future__ import annotations

from typing import Any

from bot.channels.formatting import shorten, split_text

MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000


def _quick_reply(button: dict[str, Any]) -> dict[str, Any] | None:
    title = shorten(str(button.get("title") or ""), MAX_TITLE)
    payload = button.get("payload")
    if not title or not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD:
        return None
    return {"content_type": "text", "title": title, "payload": payload}


def text_messages(text: str, buttons: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One or more messages for ``text``; quick replies go with the last piece."""
    pieces = split_text(text, MAX_TEXT) or ["…"]
    messages: list[dict[str, Any]] = [{"text": piece} for piece in pieces]
    quick = [q for q in (_quick_reply(b) for b in buttons or [] if isinstance(b, dict)) if q]
    if quick:
        messages[-1]["quick_replies"] = quick[:MAX_QUICK_REPLIES]
    return messages


def image_message(url: str) -> dict[str, Any]:
    return {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": True}}}
