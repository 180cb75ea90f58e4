"""Facebook Messenger channel: webhook at /webhooks/facebook/webhook.

``FacebookInput`` is imported lazily, so the Send API client
(``bot.channels.facebook.client``) can be used without loading Rasa.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("FacebookInput", "FacebookOutput"):
        from bot.channels.facebook import channel

        return getattr(channel, name)
    raise AttributeError(name)
