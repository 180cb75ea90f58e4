"""Field parsers of the house CSV format (docs/data-import.md): text, whole numbers and
money with Vietnamese thousands separators, ``dd/mm/yyyy`` dates, ``dd/mm/yyyy HH:MM``
times (Vietnam time), choices, customer codes, phone numbers, code lists.

Each raises :class:`bot.importer.csv_format.FieldError` with the reason in English
for the operator.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from bot.clock import VN_TZ
from bot.domain.formatting import parse_vn_number
from bot.importer.csv_format import FieldError

# Characters that a Windows-125x / latin-1 decoding of UTF-8 Vietnamese text produces
# ("Tráº§n" for "Trần", "Nguyá»…n" for "Nguyễn"): a sign of a double-encoded file.
_MOJIBAKE = re.compile(r"(?:Ã[\u0080-\u00bf]|Ä[\u0080-\u00bf]|Æ[°¡]|á[º»][\u0080-\u00bf\u2000-\u203f])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATETIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:hH](\d{2})")
_MONEY_SUFFIX = re.compile(r"\s*(?:đ|₫|vnđ|vnd|đồng|dong)\.?$", re.IGNORECASE)


def text(value: str, *, max_length: int, required: bool = False) -> str | None:
    """Trimmed text; None when empty and optional. Refuses control characters and mojibake.

    The value is otherwise kept verbatim (quotes, semicolons, SQL-looking text included:
    every query is parameterised).
    """
    value = value.strip()
    if not value:
        if required:
            raise FieldError("is required")
        return None
    if len(value) > max_length:
        raise FieldError(f"is longer than {max_length} characters ({len(value)})")
    if _CONTROL.search(value):
        raise FieldError("contains control characters")
    if _MOJIBAKE.search(value):
        raise FieldError(
            "looks double-encoded (UTF-8 text read as Windows-1252/latin-1 and saved "
            "again, e.g. 'Tráº§n' for 'Trần'): fix the source text"
        )
    return value


def whole_number(value: str, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """A whole number, plain or grouped with dots (``1.234.567``)."""
    value = value.strip()
    if not value:
        raise FieldError("is required")
    # Plain digits (the common case) fast; otherwise Vietnamese grouping "1.234.567".
    number = int(value) if value.isascii() and value.isdecimal() else _grouped_number(value)
    if minimum is not None and number < minimum:
        raise FieldError(f"{value} is below {minimum}")
    if maximum is not None and number > maximum:
        raise FieldError(f"{value} is above {maximum}")
    return number


def _grouped_number(value: str) -> int:
    try:
        return parse_vn_number(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a whole number (write 1234567 or 1.234.567)") from None


def money(value: str) -> int:
    """Whole đồng: ``798.660``, ``798660``, ``798.660 đ``."""
    return whole_number(_MONEY_SUFFIX.sub("", value.strip()), minimum=0)


def vn_date(value: str) -> date:
    """``dd/mm/yyyy`` (one-digit day or month accepted)."""
    value = value.strip()
    if not value:
        raise FieldError("is required")
    return _vn_date(value)


@functools.lru_cache(maxsize=8192)  # files repeat the same few dates many times
def _vn_date(value: str) -> date:
    match = _DATE.fullmatch(value)
    if not match:
        raise FieldError(f"{value!r} is not a date in dd/mm/yyyy form")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(f"{value!r} is not a real date") from None


def vn_datetime(value: str) -> datetime:
    """``dd/mm/yyyy HH:MM`` in Vietnam time, returned timezone-aware."""
    value = value.strip()
    if not value:
        raise FieldError("is required")
    match = _DATETIME.fullmatch(value)
    if not match:
        raise FieldError(f"{value!r} is not a date and time in 'dd/mm/yyyy HH:MM' form")
    day, month, year, hour, minute = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)
    except ValueError:
        raise FieldError(f"{value!r} is not a real date and time") from None


def choice(value: str, allowed: dict[str, str], *, default: str | None = None) -> str:
    """One of ``allowed`` (keys compared case-insensitively, mapped to stored values)."""
    key = value.strip().lower()
    if not key:
        if default is None:
            raise FieldError("is required")
        return default
    if key not in allowed:
        raise FieldError(f"{value!r} is not one of: {', '.join(sorted(set(allowed)))}")
    return allowed[key]


CUSTOMER_CODE = re.compile(r"[A-Z]{2}\d{11}")


def customer_code(value: str) -> str:
    """``pb 0501-0000001`` -> ``PB05010000001``; 2 letters + 11 digits."""
    code = value.strip()
    if not CUSTOMER_CODE.fullmatch(code):
        code = re.sub(r"[\s.\-]", "", value).upper()
    if not code:
        raise FieldError("is required")
    if not CUSTOMER_CODE.fullmatch(code):
        raise FieldError(f"{value.strip()!r} is not a customer code (2 letters + 11 digits)")
    return code


def phone(value: str) -> str | None:
    """A Vietnamese phone number, stored as ``0`` + 9 or 10 digits; None when empty."""
    digits = re.sub(r"[\s.\-()]", "", value)
    if not digits:
        return None
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise FieldError("is not a Vietnamese phone number (0 followed by 9 or 10 digits)")
    return digits


def code_list(value: str, *, max_length: int = 32) -> list[str]:
    """``A; B ;C`` -> ``["A", "B", "C"]`` (semicolon- or pipe-separated, no repeats)."""
    items = [item.strip() for item in re.split(r"[;|]", value) if item.strip()]
    for item in items:
        if len(item) > max_length:
            raise FieldError(f"{item[:40]!r} is longer than {max_length} characters")
        if _CONTROL.search(item):
            raise FieldError("contains control characters")
    return list(dict.fromkeys(items))
