"""Zalo Official Account channel (API v3): webhook at /webhooks/zalo/webhook.

``ZaloInput`` is imported lazily, so the platform client (``bot.channels.zalo.client``)
can be used without loading Rasa.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("ZaloInput", "ZaloOutput"):
        from bot.channels.zalo import channel

        return getattr(channel, name)
    raise AttributeError(name)
