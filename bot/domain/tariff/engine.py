"""Residential tariff engine: the bill from kWh, billing-period dates and households.

The method is EVN's published one (DOMAIN.md, "Residential tariff"):

* N = days of the billing period (both ends inclusive); T = calendar days of the month
  before the reading date (the reading date is ``period_end``); h = households.
* Tier widths of a bill: ``Mq_i × N / T × h`` rounded half up to whole kWh (for a
  regular cycle N = T, so the table's widths apply).
* A price change inside the period splits the kWh by days: ``kWh_old = S × Nc / N``
  rounded half up, ``kWh_new = S − kWh_old``; each part is billed with its own prices
  and tier widths prorated by its own days (``Mq_i × N_part / T × h``). With several
  changes the split is cumulative (part k gets ``round(S × D_k / N) − round(S × D_k-1 /
  N)``, D_k = days of parts 1..k), which is exactly the two-part rule for one change.
* A VAT change inside the period is split the same way by default; the schedule's
  ``vat_split_policy`` can instead bill the whole period at the rate in force on the
  reading date or on the first day.
* Money is ``Decimal`` and every rounding is ROUND_HALF_UP (never ``round()``). Line
  amounts (kWh × price) and the subtotal are exact, not rounded: whole đồng with
  today's integer prices. VAT is computed per rate on the sum of the lines billed at
  that rate and rounded to the đồng, half up; total = subtotal + VAT.

Prices and VAT periods are data (``data/tariffs.yml``), read by
:func:`bot.domain.tariff.loader.load_schedule`; the schedule's types are in
:mod:`bot.domain.tariff.model`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.domain.tariff.loader import load_schedule
from bot.domain.tariff.model import (
    TariffSchedule,
    TariffVersion,
    VatSplitPolicy,
    code_on,
    ratio_half_up,
    round_half_up,
)


@dataclass(frozen=True)
class BillLine:
    segment: int  # 0-based index into Bill.segments
    tariff_code: str
    tier: int  # 1-based
    kwh: int
    unit_price: Decimal  # đ/kWh before VAT
    amount: Decimal  # kwh × unit_price, exact
    days: int  # days of the segment
    vat_rate: Decimal


@dataclass(frozen=True)
class BillSegment:
    """A part of the period with one tariff version and one VAT rate."""

    index: int
    start: date
    end: date
    days: int
    kwh: int
    tariff_code: str
    tier_widths: list[int | None]  # prorated widths used for this part
    vat_rate: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal  # sum of the line amounts billed at this rate
    amount: Decimal  # base × rate rounded to the đồng, half up


@dataclass(frozen=True)
class Bill:
    kwh: int
    period_start: date
    period_end: date
    households: int
    days: int  # N
    reference_days: int  # T
    lines: list[BillLine]  # tiers with kWh > 0 only
    segments: list[BillSegment]
    subtotal: Decimal  # exact sum of line amounts, before VAT
    vat_rate: Decimal  # the single rate; for a split VAT bill, the rate on the reading date
    vat_lines: list[VatLine]
    vat_amount: Decimal
    total: Decimal

    @property
    def tariff_codes(self) -> list[str]:
        """Tariff versions used, in period order, without repeats."""
        return list(dict.fromkeys(s.tariff_code for s in self.segments))

    @property
    def vat_is_split(self) -> bool:
        return len(self.vat_lines) > 1

    def kwh_in_tiers(self, from_tier: int, to_tier: int | None = None) -> int:
        return sum(
            line.kwh
            for line in self.lines
            if line.tier >= from_tier and (to_tier is None or line.tier <= to_tier)
        )


def days_in_month_before(day: date) -> int:
    """T: calendar days of the month before the month of ``day``."""
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return calendar.monthrange(year, month)[1]


def split_kwh_by_days(kwh: int, days: list[int]) -> list[int]:
    """Split ``kwh`` over parts of ``days`` days: cumulative ``S × D_k / N`` half up."""
    total_days = sum(days)
    parts, allotted, cumulative_days = [], 0, 0
    for part_days in days:
        cumulative_days += part_days
        cumulative = ratio_half_up(kwh * cumulative_days, total_days)
        parts.append(cumulative - allotted)
        allotted = cumulative
    return parts


def prorated_widths(
    version: TariffVersion, days: int, reference_days: int, households: int
) -> list[int | None]:
    """``Mq_i × days / T × h`` rounded half up (None stays open)."""
    return [
        None if width is None else ratio_half_up(width * days * households, reference_days)
        for width in version.widths
    ]


def compute_bill(
    kwh: int,
    period_start: date,
    period_end: date,
    households: int = 1,
    schedule: TariffSchedule | None = None,
) -> Bill:
    """The residential bill for ``kwh`` over ``period_start``..``period_end`` (inclusive)."""
    _check_bill_input(kwh, period_start, period_end, households)
    schedule = schedule or load_schedule()
    n_days = (period_end - period_start).days + 1
    t_days = days_in_month_before(period_end)
    spans = _spans(schedule, period_start, period_end)
    kwh_parts = split_kwh_by_days(kwh, [(end - start).days + 1 for start, end in spans])

    fixed_rate = {
        VatSplitPolicy.PERIOD_END: schedule.vat_rate_on(period_end),
        VatSplitPolicy.PERIOD_START: schedule.vat_rate_on(period_start),
    }.get(schedule.vat_split_policy)
    lines: list[BillLine] = []
    segments: list[BillSegment] = []
    for index, ((start, end), part_kwh) in enumerate(zip(spans, kwh_parts, strict=True)):
        version = schedule.version_on(start)
        days = (end - start).days + 1
        rate = fixed_rate if fixed_rate is not None else schedule.vat_rate_on(start)
        widths = prorated_widths(version, days, t_days, households)
        part_lines = _fill_tiers(part_kwh, version, widths, index, days, rate)
        lines.extend(part_lines)
        segments.append(
            BillSegment(
                index=index,
                start=start,
                end=end,
                days=days,
                kwh=part_kwh,
                tariff_code=version.code,
                tier_widths=widths,
                vat_rate=rate,
                subtotal=sum((line.amount for line in part_lines), Decimal(0)),
            )
        )

    bases: dict[Decimal, Decimal] = {}
    for segment in segments:
        bases[segment.vat_rate] = bases.get(segment.vat_rate, Decimal(0)) + segment.subtotal
    vat_lines = [VatLine(rate, base, round_half_up(base * rate)) for rate, base in bases.items()]
    subtotal = sum((s.subtotal for s in segments), Decimal(0))
    vat_amount = sum((v.amount for v in vat_lines), Decimal(0))
    return Bill(
        kwh=kwh,
        period_start=period_start,
        period_end=period_end,
        households=households,
        days=n_days,
        reference_days=t_days,
        lines=lines,
        segments=segments,
        subtotal=subtotal,
        vat_rate=segments[-1].vat_rate,
        vat_lines=vat_lines,
        vat_amount=vat_amount,
        total=subtotal + vat_amount,
    )


def _check_bill_input(kwh: int, period_start: date, period_end: date, households: int) -> None:
    if isinstance(kwh, bool) or not isinstance(kwh, int):
        raise ValueError(f"kWh must be a whole number, got {kwh!r}")
    if kwh < 0:
        raise ValueError(f"kWh cannot be negative, got {kwh}")
    if isinstance(households, bool) or not isinstance(households, int) or households < 1:
        raise ValueError(f"households must be a whole number ≥ 1, got {households!r}")
    if not all(isinstance(d, date) and not isinstance(d, datetime) for d in (period_start, period_end)):
        raise ValueError("period_start and period_end must be dates (not datetimes or text)")
    if period_end < period_start:
        raise ValueError(
            f"billing period ends ({period_end:%d/%m/%Y}) before it starts ({period_start:%d/%m/%Y})"
        )


def _spans(schedule: TariffSchedule, start: date, end: date) -> list[tuple[date, date]]:
    """The period cut at each price change (and VAT change, if the policy splits)."""
    split_vat = schedule.vat_split_policy is VatSplitPolicy.SPLIT_BY_DAYS
    cuts = [
        day
        for day in schedule.change_days(start, end)
        if split_vat or code_on(schedule, day - timedelta(days=1)) != code_on(schedule, day)
    ]
    bounds = [start, *cuts]
    return [
        (begin, (bounds[i + 1] - timedelta(days=1)) if i + 1 < len(bounds) else end)
        for i, begin in enumerate(bounds)
    ]


def _fill_tiers(
    kwh: int,
    version: TariffVersion,
    widths: list[int | None],
    segment: int,
    days: int,
    vat_rate: Decimal,
) -> list[BillLine]:
    lines = []
    remaining = kwh
    for number, (tier, width) in enumerate(zip(version.tiers, widths, strict=True), start=1):
        if remaining <= 0:
            break
        taken = remaining if width is None else min(remaining, width)
        if taken > 0:
            lines.append(
                BillLine(
                    segment=segment,
                    tariff_code=version.code,
                    tier=number,
                    kwh=taken,
                    unit_price=tier.price,
                    amount=tier.price * taken,
                    days=days,
                    vat_rate=vat_rate,
                )
            )
        remaining -= taken
    return lines
