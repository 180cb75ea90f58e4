"""Billing months asked in words, resolved with the clock.

The NLU gives ``period`` values that stay relative (docs/nlu.md): ``"2026-10"`` (a month
and year), ``"month:9"`` ("tháng 9"), ``"relative:0"`` ("tháng này", "kỳ này"),
``"relative:-1"`` ("tháng trước", "kỳ trước"), ``"relative:+1"`` ("tháng sau"). This
module turns them into a calendar month. A month without a year is the latest such
month not after today ("tháng 12" asked in November 2026 is 12/2025).

A bill "of a month" is the invoice whose period ends in that month (the reading month),
the convention of :meth:`bot.db.repositories.InvoiceRepository.for_month`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_RE = re.compile(r"^month:(\d{1,2})$")
_RELATIVE_RE = re.compile(r"^relative:([+-]?\d{1,3})$")
_SLASH_RE = re.compile(r"^(\d{1,2})\s*/\s*(\d{4})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    # True for "tháng này" / "kỳ này": the current bill, whichever month it ends in.
    current: bool = False

    @property
    def label(self) -> str:
        """``"10/2026"``, the way customers write a billing month."""
        return f"{self.month:02d}/{self.year}"

    @property
    def key(self) -> str:
        """``"2026-10"``: the NLU's own format, safe to keep in a slot."""
        return f"{self.year:04d}-{self.month:02d}"

    def is_after(self, day: date) -> bool:
        """True when the whole month is still to come on ``day``."""
        return (self.year, self.month) > (day.year, day.month)


def shift(year: int, month: int, months: int) -> tuple[int, int]:
    """``(year, month)`` moved by ``months`` (negative goes back)."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def resolve(value: str | None, today: date) -> Month | None:
    """The month a ``period`` entity value means on ``today``; None when not a month."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if match := _YEAR_MONTH_RE.match(text) or _SLASH_RE.match(text):
        first, second = int(match.group(1)), int(match.group(2))
        year, month = (first, second) if match.re is _YEAR_MONTH_RE else (second, first)
        return Month(year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None
    if match := _MONTH_RE.match(text):
        month = int(match.group(1))
        if not 1 <= month <= 12:
            return None
        year = today.year if month <= today.month else today.year - 1
        return Month(year, month)
    if match := _RELATIVE_RE.match(text):
        offset = int(match.group(1))
        year, month = shift(today.year, today.month, offset)
        return Month(year, month, current=offset == 0)
    return None


def previous(month: Month) -> Month:
    year, number = shift(month.year, month.month, -1)
    return Month(year, number)
