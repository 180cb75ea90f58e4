"""Meter readings and reading dates, for a verified requester.

A reading shows the old and new index, the reading date and the kWh; the reading day is
the customer's own (never one day for everyone: DOMAIN.md "Meter reading"). Both are
account data: verified first, disclosure audited. :mod:`bot.wording.meter` words them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from bot import clock
from bot.db.models import MeterReading, ReadingSource
from bot.db.uow import UnitOfWork
from bot.domain.periods import Month, shift
from bot.services.billing import Account, account_of
from bot.services.verification import Requester, disclose, require_verified


@dataclass(frozen=True)
class ReadingView:
    period_start: date
    period_end: date
    reading_date: date
    old_index: int
    new_index: int
    kwh: int
    estimated: bool


@dataclass(frozen=True)
class ReadingAnswer:
    account: Account
    as_of: date
    reading: ReadingView | None = None
    multiplier: int = 1  # kWh = index difference × multiplier
    asked: Month | None = None  # None: the latest
    newest_reading_date: date | None = None  # when none was found for the month asked

    @property
    def found(self) -> bool:
        return self.reading is not None

    @property
    def month_key(self) -> str | None:
        if self.reading is None:
            return None
        return f"{self.reading.reading_date.year:04d}-{self.reading.reading_date.month:02d}"


@dataclass(frozen=True)
class ReadingSchedule:
    account: Account
    as_of: date
    reading_day: int  # the day of the month the meter is read
    last_reading: date | None
    last_kwh: int | None
    next_reading: date


def reading_day_in(year: int, month: int, reading_day: int) -> date:
    """The reading day of a month; a day past the month's end is its last day."""
    return date(year, month, min(reading_day, calendar.monthrange(year, month)[1]))


def next_reading_date(reading_day: int, today: date, last_reading: date | None = None) -> date:
    """The next reading date: today counts when today's reading is not in yet."""
    this_month = reading_day_in(today.year, today.month, reading_day)
    if this_month > today or (this_month == today and (last_reading is None or last_reading < today)):
        return this_month
    year, month = shift(today.year, today.month, 1)
    return reading_day_in(year, month, reading_day)


def _reading_of(uow: UnitOfWork, code: str, month: Month | None) -> MeterReading | None:
    """The reading of ``month`` (None or "kỳ này" without one this month: the latest)."""
    if month is None:
        return uow.readings.latest(code)
    reading = uow.readings.for_month(code, month.year, month.month)
    if reading is None and month.current:
        reading = uow.readings.latest(code)
    return reading


def reading_view(reading: MeterReading) -> ReadingView:
    return ReadingView(
        period_start=reading.period_start,
        period_end=reading.period_end,
        reading_date=reading.reading_date,
        old_index=reading.old_index,
        new_index=reading.new_index,
        kwh=reading.kwh,
        estimated=reading.source == ReadingSource.ESTIMATED.value,
    )


def reading_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> ReadingAnswer:
    """The reading of ``month`` (None: the latest): old and new index, date, kWh."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    account = account_of(customer)
    reading = _reading_of(uow, customer.code, month)
    if reading is None:
        latest = uow.readings.latest(customer.code) if month is not None else None
        newest = latest.reading_date if latest is not None else None
        return ReadingAnswer(account, today, asked=month, newest_reading_date=newest)
    answer = ReadingAnswer(account, today, reading_view(reading), customer.meter_multiplier or 1, month)
    disclose(uow, customer, requester, f"reading {answer.month_key}")
    return answer


def reading_date_answer(
    uow: UnitOfWork, code: str, requester: Requester, today: date | None = None
) -> ReadingSchedule:
    """This customer's reading day, the last and the next reading dates."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    latest = uow.readings.latest(customer.code)
    upcoming = next_reading_date(customer.reading_day, today, latest.reading_date if latest else None)
    disclose(uow, customer, requester, "reading schedule")
    return ReadingSchedule(
        account_of(customer),
        today,
        customer.reading_day,
        latest.reading_date if latest else None,
        latest.kwh if latest else None,
        upcoming,
    )
