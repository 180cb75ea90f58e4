"""The residential tier table in force, and personal calculations from the tariff engine.

"300 số hết bao nhiêu tiền", "2 hộ xài chung 450 số": the kWh and households are read
from the message by the NLU (``bot.nlu.core.read.quote``), and the bill is computed by
:func:`bot.domain.tariff.compute_bill` with today's prices and VAT over a regular
one-month cycle (so the table's tier widths apply, times the households). Business
customers are told the residential table does not apply to them
(:func:`residential_applies`); :mod:`bot.wording.tariff` words the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from bot import clock
from bot.db.models import TariffGroup
from bot.db.uow import UnitOfWork
from bot.domain.tariff import (
    Bill,
    TariffSchedule,
    TariffVersion,
    compute_bill,
    days_in_month_before,
    load_schedule,
)
from bot.services import verification
from bot.services.verification import Requester


@dataclass(frozen=True)
class QuoteRequest:
    kwh: int | None  # None: no amount of kWh in the message
    households: int = 1
    business: bool = False  # the customer asks about business / production prices


@dataclass(frozen=True)
class TierRow:
    tier: int
    lower_kwh: int  # first kWh of the tier (1-based for display: 0 for tier 1)
    upper_kwh: int | None
    price: Decimal


@dataclass(frozen=True)
class PriceTable:
    version: TariffVersion
    rows: list[TierRow]
    vat_rate: Decimal
    as_of: date


def price_table(today: date | None = None, schedule: TariffSchedule | None = None) -> PriceTable:
    """The residential tiers in force today, with today's VAT rate."""
    today = today or clock.today()
    schedule = schedule or load_schedule()
    version = schedule.version_on(today)
    rows, lower = [], 0
    for number, tier in enumerate(version.tiers, start=1):
        rows.append(TierRow(number, lower, tier.upper_kwh, tier.price))
        lower = tier.upper_kwh or lower
    return PriceTable(version, rows, schedule.vat_rate_on(today), today)


def previous_table(today: date | None = None, schedule: TariffSchedule | None = None) -> PriceTable | None:
    """The residential tiers of the table in force before today's (None: there is none),
    with the VAT rate of its last day in force."""
    today = today or clock.today()
    schedule = schedule or load_schedule()
    current = schedule.version_on(today)
    earlier = [v for v in schedule.versions if v.effective_from < current.effective_from]
    if not earlier:
        return None
    version = earlier[-1]
    last_day = version.effective_to or current.effective_from - timedelta(days=1)
    version = replace(version, effective_to=last_day)
    rows, lower = [], 0
    for number, tier in enumerate(version.tiers, start=1):
        rows.append(TierRow(number, lower, tier.upper_kwh, tier.price))
        lower = tier.upper_kwh or lower
    return PriceTable(version, rows, schedule.vat_rate_on(last_day), today)


def tier_row(table: PriceTable, tier: int) -> TierRow | None:
    """Tier ``tier`` (1-based) of ``table``; None when the table has no such tier."""
    return next((row for row in table.rows if row.tier == tier), None)


def quote(
    kwh: int, households: int = 1, today: date | None = None, schedule: TariffSchedule | None = None
) -> Bill:
    """The bill of ``kwh`` over a regular one-month cycle at the prices and VAT of today."""
    table = price_table(today, schedule)
    today = table.as_of
    current = replace(table.version, effective_from=date(1900, 1, 1), effective_to=None)
    frozen_prices = TariffSchedule(versions=[current], vat_periods=[], default_vat_rate=table.vat_rate)
    start = today - timedelta(days=days_in_month_before(today) - 1)
    return compute_bill(kwh, start, today, households, frozen_prices)


def residential_applies(uow: UnitOfWork, code: str | None, requester: Requester) -> bool:
    """False only for a code this requester is verified for whose customer is not
    residential (nothing is disclosed about codes the requester may not see)."""
    if not code:
        return True
    current = verification.status(uow, code, requester)
    if not current.verified or current.customer is None:
        return True
    return current.customer.tariff_group == TariffGroup.RESIDENTIAL.value
