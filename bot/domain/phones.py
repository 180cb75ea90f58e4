"""Vietnamese mobile numbers as customers type them for a callback, and how we show them.

A mobile number has 10 digits: ``0`` and a carrier prefix (03x, 05x, 07x, 08x, 09x as
allocated since the 2018 renumbering), typed with spaces, dots or dashes, or in the
international form (``+84 909 123 456``, ``84909123456``). An 11-digit ``01x`` number
is the old form that no longer exists; a landline (``028 ...``) is no mobile.

Shown masked wherever we repeat or record it outside the ticket itself (confirmations,
log lines): ``0909123456`` -> ``09xx xxx 456``.
"""

from __future__ import annotations

import re

# The carrier prefixes (second and third digit) in use since 15/09/2018.
_PREFIXES = frozenset(
    [f"3{d}" for d in "23456789"]
    + ["52", "55", "56", "58", "59"]
    + ["70", "76", "77", "78", "79"]
    + [f"8{d}" for d in "123456789"]
    + [f"9{d}" for d in "0123456789"]
)
# A run of digits with the separators customers type inside a number.
_NUMBER_RE = re.compile(r"(?<![\w+])(?:\+\s?)?\d(?:[ .\-]?\d){7,12}(?!\w)")
# Digits that look like an attempt at a phone number (for "the number is not right").
_ATTEMPT_RE = re.compile(r"(?<!\w)(?:\+\s?)?\d(?:[ .\-]?\d){6,13}(?!\w)")


def digits_of(text: str | None) -> str:
    """Only the digits, the country code 84 turned back into a leading 0."""
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("84") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def mobile(text: str | None) -> str | None:
    """The mobile number ``text`` is (``"0909.123.456"`` -> ``"0909123456"``), or None."""
    digits = digits_of(text)
    if len(digits) == 10 and digits[0] == "0" and digits[1:3] in _PREFIXES:
        return digits
    return None


def find_mobile(text: str | None) -> str | None:
    """The first valid mobile number written anywhere in ``text`` ("sđt 0909 123 456 nha")."""
    for match in _NUMBER_RE.finditer((text or "")[:2000]):
        found = mobile(match.group())
        if found is not None:
            return found
    return None


def looks_like_a_number(text: str | None) -> bool:
    """``text`` holds a run of 7-14 digits (a phone number typed wrong, or right)."""
    return bool(_ATTEMPT_RE.search((text or "")[:2000]))


def masked(phone: str | None) -> str:
    """``0909123456`` -> ``09xx xxx 456``: enough to recognise one's own number."""
    digits = digits_of(phone)
    if len(digits) < 6:
        return "xxx"
    return f"{digits[:2]}xx xxx {digits[-3:]}"
