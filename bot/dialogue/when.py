"""Billing months asked, resolved against today or against the month on screen.

The NLU's ``period`` values stay relative (``relative:-1``, ``month:9``); the engine
resolves them here. A relative month that follows an answer counts from the month that
answer showed ("thế tháng trước?" after the October bill is September), and
``month:6;year:-1`` ("tháng 6 năm ngoái") is June of last year. Months are kept in the
state as keys (``"2026-10"``); the current bill, whichever month it ends in, as
``"relative:0"``.
"""

from __future__ import annotations

import re
from datetime import date

from bot.domain import periods
from bot.domain.periods import Month

CURRENT = "relative:0"
MAX_MONTHS = 3
_YEAR_SUFFIX = re.compile(r"^month:(\d{1,2});year:([+-]?\d{1,2}|\d{4})$")
_RELATIVE = re.compile(r"^relative:([+-]?\d{1,3})$")


def month_of(value: str, today: date, shown: Month | None = None) -> Month | None:
    """The month ``value`` means; relative offsets count from ``shown`` when given."""
    value = (value or "").strip().lower()
    if match := _YEAR_SUFFIX.match(value):
        month, year = int(match.group(1)), match.group(2)
        number = int(year)
        resolved_year = number if len(year.lstrip("+-")) == 4 else today.year + number
        return Month(resolved_year, month) if 1 <= month <= 12 else None
    if (match := _RELATIVE.match(value)) and shown is not None and int(match.group(1)) != 0:
        year, month = periods.shift(shown.year, shown.month, int(match.group(1)))
        return Month(year, month)
    return periods.resolve(value, today)


def keys(values: tuple[str, ...] | list[str], today: date, shown_key: str | None = None) -> tuple[str, ...]:
    """State keys of the months asked (at most three, in the order asked)."""
    shown = periods.resolve(shown_key, today) if shown_key else None
    found: list[str] = []
    for value in values:
        month = month_of(value, today, shown)
        if month is not None:
            found.append(CURRENT if month.current else month.key)
    return tuple(dict.fromkeys(found))[:MAX_MONTHS]


def month(key: str | None, today: date) -> Month | None:
    """A state key back to a month (None: the latest bill)."""
    return periods.resolve(key, today) if key else None
