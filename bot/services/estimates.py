"""Why a meter reading was estimated (ask_estimated_reading), for a verified requester.

A reading's ``source`` says whether it was read or estimated. For the month asked (or,
without one, the newest estimated reading of the last year, else the newest reading)
the answer gives the reading, whether it was estimated, the reasons the operator lists
(:mod:`bot.services.rules`) and the actual reading that settled it, if any yet: an
estimate is corrected by the next reading taken on the meter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import clock
from bot.db.models import MeterReading, ReadingSource
from bot.db.uow import UnitOfWork
from bot.domain.periods import Month, shift
from bot.services.billing import Account, account_of
from bot.services.meter import ReadingView, next_reading_date, reading_view
from bot.services.rules import load_rules
from bot.services.verification import Requester, disclose, require_verified

LOOK_BACK_READINGS = 13
SETTLE_WITHIN_MONTHS = 3


@dataclass(frozen=True)
class EstimateAnswer:
    account: Account
    as_of: date
    reading: ReadingView | None  # the reading talked about (None: none found)
    settled_by: ReadingView | None  # the actual reading after it (estimated readings)
    next_reading: date | None  # when no actual reading came yet: the next reading day
    reasons: tuple[str, ...]
    asked: Month | None = None
    estimated_count: int = 0  # estimated readings among the last LOOK_BACK_READINGS

    @property
    def estimated(self) -> bool:
        return self.reading is not None and self.reading.estimated

    @property
    def month_key(self) -> str | None:
        day = self.reading.reading_date if self.reading else None
        return f"{day:%Y-%m}" if day else None


def _is_estimated(reading: MeterReading) -> bool:
    return reading.source == ReadingSource.ESTIMATED.value


def _next_actual(uow: UnitOfWork, code: str, reading: MeterReading) -> MeterReading | None:
    """The first reading taken on the meter after ``reading`` (months after it, in order)."""
    year, month = reading.reading_date.year, reading.reading_date.month
    for _ in range(SETTLE_WITHIN_MONTHS):
        year, month = shift(year, month, 1)
        later = uow.readings.for_month(code, year, month)
        if later is not None and later.reading_date > reading.reading_date and not _is_estimated(later):
            return later
    return None


def estimate_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> EstimateAnswer:
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    recent = uow.readings.history(customer.code, limit=LOOK_BACK_READINGS)  # newest first
    if month is not None:
        reading = uow.readings.for_month(customer.code, month.year, month.month)
    else:
        reading = next((r for r in recent if _is_estimated(r)), recent[0] if recent else None)
    settled = None
    upcoming = None
    if reading is not None and _is_estimated(reading):
        settled = _next_actual(uow, customer.code, reading)
        if settled is None:
            upcoming = next_reading_date(
                customer.reading_day, today, recent[0].reading_date if recent else None
            )
    disclose(uow, customer, requester, f"reading source{' ' + month.key if month else ''}")
    return EstimateAnswer(
        account=account_of(customer),
        as_of=today,
        reading=reading_view(reading) if reading is not None else None,
        settled_by=reading_view(settled) if settled is not None else None,
        next_reading=upcoming,
        reasons=load_rules().estimate_reasons,
        asked=month,
        estimated_count=sum(1 for r in recent if _is_estimated(r)),
    )
