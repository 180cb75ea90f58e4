"""Numbers, money and dates the way Vietnamese customers read and write them.

Dot as thousands separator, comma as decimal mark (``1.534.140 đ``, ``16.326,4 đ``),
dates ``dd/mm/yyyy``. Parsing accepts the same conventions (used by the CSV importer).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

Number = Decimal | int

PERIOD_DASH = "–"  # en dash between the two dates of a period
_GROUP_SEPARATORS = ".\u00a0\u202f "  # dot, no-break space, narrow no-break space, space
_WHOLE = re.compile(r"\d+|\d{1,3}([.\u00a0\u202f ])\d{3}(?:\1\d{3})*", re.ASCII)
_FRACTION = re.compile(r"[0-9]+")


def _as_decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected an int or Decimal, got {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")
    return number


def format_number(value: Number, places: int | None = None) -> str:
    """``1234567`` -> ``"1.234.567"``, ``Decimal("16326.40")`` -> ``"16.326,4"``.

    With ``places`` the value is first rounded half up to that many decimals; trailing
    zeros of the fraction are never shown.
    """
    number = _as_decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    if sign and grouped == "0" and not fraction:
        sign = ""
    return f"{sign}{grouped}{',' + fraction if fraction else ''}"


def format_money(value: Number) -> str:
    """``798660`` -> ``"798.660 đ"``; a fraction only when nonzero: ``"16.326,4 đ"``."""
    return f"{format_number(value)} đ"


def format_kwh(value: Number) -> str:
    """``300`` -> ``"300 kWh"``, ``1234`` -> ``"1.234 kWh"``, ``Decimal("11.4")`` -> ``"11,4 kWh"``."""
    return f"{format_number(value)} kWh"


def format_date(day: date) -> str:
    """``date(2026, 10, 15)`` -> ``"15/10/2026"``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_period(start: date, end: date) -> str:
    """``"16/09/2026–15/10/2026"``."""
    return f"{format_date(start)}{PERIOD_DASH}{format_date(end)}"


def format_percent(value: Number, places: int = 1) -> str:
    """A value in percent points: ``35`` -> ``"35%"``, ``Decimal("68.23")`` -> ``"68,2%"``.

    Rounded half up to ``places`` decimals; trailing zeros dropped. For a fraction such
    as a VAT rate ``Decimal("0.08")`` use :func:`format_rate`.
    """
    return f"{format_number(value, places)}%"


def format_rate(rate: Number, places: int = 1) -> str:
    """A fraction as a percentage: ``Decimal("0.08")`` -> ``"8%"``."""
    return format_percent(_as_decimal(rate) * 100, places)


def parse_vn_decimal(text: str) -> Decimal:
    """``"1.234.567"`` -> 1234567, ``"16.326,4"`` -> Decimal("16326.4"), ``"-5"`` -> -5.

    Dots (or spaces) separate thousands and must group exactly three digits; a comma is
    the decimal mark. ``"1.5"`` is refused rather than read as one and a half.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {text!r}")
    cleaned = text.strip()
    sign = ""
    if cleaned.startswith(("+", "-")):
        sign = "-" if cleaned[0] == "-" else ""
        cleaned = cleaned[1:].strip()
    whole, comma, fraction = cleaned.partition(",")
    if not whole or not _WHOLE.fullmatch(whole) or (comma and not _FRACTION.fullmatch(fraction)):
        raise ValueError(f"not a Vietnamese number: {text!r} (expected e.g. 1.234.567 or 16.326,4)")
    digits = "".join(ch for ch in whole if ch not in _GROUP_SEPARATORS)
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


def parse_vn_number(text: str) -> int:
    """``"1.234.567"`` -> ``1234567``; plain digits too. ValueError for a real fraction."""
    number = parse_vn_decimal(text)
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {text!r}")
    return int(number)
