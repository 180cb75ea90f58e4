"""Plain forms of what customers type: lower case, no diacritics, single spaces.

Diacritics come from the domain's text helpers (bot.domain.text), shared with the NLU.
"""

from __future__ import annotations

import re

from bot.domain.text import strip_diacritics

_PUNCTUATION = re.compile(r"[^\w\s]")


def fold(text: str | None) -> str:
    """Lower case without diacritics, same length as ``text`` (offsets stay valid)."""
    folded = strip_diacritics(text or "")
    lowered = folded.lower()
    return lowered if len(lowered) == len(folded) else "".join(c.lower()[:1] or c for c in folded)


def plain(text: str | None) -> str:
    """``"Còn tháng 9 thì sao?"`` -> ``"con thang 9 thi sao"``."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


def words(text: str | None) -> list[str]:
    return plain(text).split()
