"""Ticket numbers customers can read over the phone and nobody can guess.

``SC-K7Q4-M2XP``: the prefix, then 7 random characters of Crockford's base 32 (digits
and capital letters without I, L, O, U, so nothing is misread) and one check character
(Luhn mod 32), in two groups of four. 32^7 ≈ 34 billion numbers: a guessed number is
almost never a real ticket, and the rate limits stop anyone who tries many. The check
character catches any single mistyped character and most swapped neighbours before
the database is asked.

Typed forms are forgiving: lower case, spaces or dots instead of dashes, no dashes,
``O`` for ``0`` and ``I``/``L`` for ``1``. Tickets opened before these numbers keep
theirs (``SC`` + yymmdd + a 4-digit sequence, e.g. ``SC2611270001``), which are still
recognised; they are no longer handed out.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "SC"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
RANDOM_CHARS = 7
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})

# Found in free text: the new form (with any separators) or the old SC + 10 digits.
_NEW_RE = re.compile(
    r"(?<![A-Za-z0-9])SC[\s.-]?([0-9A-Za-z]{4})[\s.-]?([0-9A-Za-z]{4})(?![A-Za-z0-9])", re.IGNORECASE
)
_OLD_RE = re.compile(r"(?<![A-Za-z0-9])SC[\s.-]?(\d{10})(?![A-Za-z0-9])", re.IGNORECASE)


def check_character(body: str) -> str:
    """Luhn mod 32 over ``body`` (characters of :data:`ALPHABET`)."""
    factor, total = 2, 0
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def is_valid(body: str) -> bool:
    """Whether 8 characters (7 random + check) carry a correct check character."""
    return (
        len(body) == RANDOM_CHARS + 1
        and all(ch in _VALUE for ch in body)
        and check_character(body[:-1]) == body[-1]
    )


def format_number(body: str) -> str:
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def new_number() -> str:
    """A fresh random number (the repository retries in the rare case it exists)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return format_number(body + check_character(body))


def normalize(raw: str | None) -> str | None:
    """The canonical number in what was typed (``"sc k7q4 m2xp"`` -> ``"SC-K7Q4-M2XP"``,
    ``"sc 2611270001"`` -> ``"SC2611270001"``); None when it is no valid number."""
    text = str(raw or "")[:100]
    if match := _OLD_RE.fullmatch(text.strip()):
        return PREFIX + match.group(1)
    if match := _NEW_RE.fullmatch(text.strip()):
        return _canonical(match.group(1) + match.group(2))
    return None


def spans(text: str | None) -> list[tuple[int, int, str]]:
    """Every ticket number in free text: (start, end, canonical number), in order."""
    text = str(text or "")[:2000]
    found = [(m.start(), m.end(), PREFIX + m.group(1)) for m in _OLD_RE.finditer(text)]
    for match in _NEW_RE.finditer(text):
        if (number := _canonical(match.group(1) + match.group(2))) is not None:
            found.append((match.start(), match.end(), number))
    return sorted(found)


def find(text: str | None) -> str | None:
    """The first ticket number in free text, canonical; None when there is none."""
    found = spans(text)
    return found[0][2] if found else None


def _canonical(body: str) -> str | None:
    body = body.upper().translate(_TYPOS)
    return format_number(body) if is_valid(body) else None
