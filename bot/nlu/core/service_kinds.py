"""Which service request a message is about: new connection, change of owner, meter
inspection, a copy of the e-invoice, reconnection after payment.

Keywords live in ``bot/nlu/resources/service_kinds.yml`` (diacritic-free, lower case;
``"dong ho ... chay nhanh"`` = the phrases in that order, anything between them).
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.resources import DEFAULT_RESOURCES_DIR, load_yaml

SERVICE_KINDS_FILE = "service_kinds.yml"
MAX_TEXT_CHARS = 2000


def _keywords(directory: Path) -> dict[str, tuple[str, ...]]:
    data = load_yaml(directory, SERVICE_KINDS_FILE).get("kinds") or {}
    return {str(kind): tuple(str(k) for k in words or ()) for kind, words in data.items()}


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", strip_diacritics(text[:MAX_TEXT_CHARS].lower())))


def _matches(keyword: str, plain: str) -> bool:
    position = 0
    for phrase in keyword.split(" ... "):
        found = plain.find(f" {phrase} ", position)
        if found < 0:
            return False
        position = found + len(phrase) + 1
    return True


def service_kind(text: str | None, directory: Path = DEFAULT_RESOURCES_DIR) -> str | None:
    """The request a message is about, from its keywords (longest match wins)."""
    plain = f" {_plain(text or '')} "
    best: tuple[int, str] | None = None
    for kind, keywords in _keywords(directory).items():
        for keyword in keywords:
            if _matches(keyword, plain) and (best is None or len(keyword) > best[0]):
                best = (len(keyword), kind)
    return best[1] if best else None
