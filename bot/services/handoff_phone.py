"""Phone numbers for callbacks: what counts as a Vietnamese number, how it is shown."""

from __future__ import annotations

import re


def phone_digits(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return "0" + digits[2:] if digits.startswith("84") and len(digits) in (11, 12) else digits


def normalize_phone(text: str | None) -> str | None:
    """A Vietnamese phone number (10-digit mobile or 11-digit landline from 0), or None."""
    digits = phone_digits(text)
    if digits.startswith("0") and len(digits) == 10 and digits[1] in "35789":
        return digits
    if digits.startswith("02") and len(digits) == 11:
        return digits
    return None


def format_phone(phone: str) -> str:
    """``0908111321`` -> ``0908 111 321``."""
    return (
        f"{phone[:4]} {phone[4:7]} {phone[7:]}"
        if len(phone) == 10
        else f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    )
