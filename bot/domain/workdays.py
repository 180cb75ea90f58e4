"""Working days: Monday to Friday except the public holidays an operator lists.

Deadlines such as "3 working days" (complaints) or "1 working day" (a bank transfer
posting) count from the day after the start.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

WORKING_WEEKDAYS = frozenset(range(5))  # Monday..Friday (date.weekday())


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() in WORKING_WEEKDAYS and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day
