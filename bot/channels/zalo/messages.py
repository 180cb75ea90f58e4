"""Our replies as Zalo OA v3 message objects (pure).

The body of ``POST /v3.0/oa/message/cs`` is ``{"recipient": {"user_id": …}, "message": …}``;
these functions build the ``message``. Limits: text 2,000 characters, 5 buttons a message,
button titles 100 characters. Quick replies become ``oa.query.hide`` buttons: a click
sends their payload back to us as a ``user_send_text`` event.
"""

from __future__ import annotations

from typing import Any

from bot.channels.formatting import shorten, split_text

MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_TITLE = 100


def _button(button: dict[str, Any]) -> dict[str, Any] | None:
    title = shorten(str(button.get("title") or ""), MAX_TITLE)
    if not title:
        return None
    url = button.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return {"title": title, "type": "oa.open.url", "payload": {"url": url}}
    payload = button.get("payload")
    if not isinstance(payload, str) or not payload:
        payload = title
    return {"title": title, "type": "oa.query.hide", "payload": payload}


def text_messages(text: str, buttons: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One or more messages for ``text``; the buttons go with the last piece (5 at most
    each: more buttons follow in messages of their own)."""
    pieces = split_text(text, MAX_TEXT) or ["…"]
    messages: list[dict[str, Any]] = [{"text": piece} for piece in pieces]
    converted = [b for b in (_button(b) for b in buttons or [] if isinstance(b, dict)) if b]
    if converted:
        groups = [converted[i : i + MAX_BUTTONS] for i in range(0, len(converted), MAX_BUTTONS)]
        messages[-1]["attachment"] = _buttons(groups[0])
        messages += [{"text": "…", "attachment": _buttons(group)} for group in groups[1:]]
    return messages


def _buttons(buttons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "template", "payload": {"buttons": buttons}}


def image_message(url: str) -> dict[str, Any]:
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "media", "elements": [{"media_type": "image", "url": url}]},
        }
    }
