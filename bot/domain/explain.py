"""Why a bill is what it is: structured reasons.

:func:`explain_bill` compares an invoice with the previous one and the same period last
year and returns typed reasons (usage change, kWh pushed into the higher tiers, a longer
period, a price or VAT change, estimated readings, the ≥30% re-check). Inputs are plain
dataclasses (no ORM); :mod:`bot.wording.explain` puts the reasons into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from bot.domain.tariff import (
    Bill,
    TariffSchedule,
    VatSplitPolicy,
    compute_bill,
    load_schedule,
    round_half_up,
)

HIGH_TIER_FROM = 4  # tiers 4..last are "the expensive tiers" of the 6-tier table
RECHECK_THRESHOLD_PERCENT = Decimal(30)  # usage up ≥30% on the previous period: phúc tra
LONGER_PERIOD_MIN_EXTRA_DAYS = 2  # 30 vs 31 days is the calendar, not a reason
TENTH = Decimal("0.1")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class InvoiceLine:
    tier: int  # 1-based
    kwh: int
    unit_price: Decimal
    amount: Decimal  # before VAT
    tariff_code: str = ""
    segment: int = 0


@dataclass(frozen=True)
class InvoiceFacts:
    """What an invoice says. Lines may be omitted: they are then recomputed by the engine."""

    period_start: date
    period_end: date
    kwh: int
    total: Decimal
    households: int = 1
    estimated_reading: bool = False
    lines: tuple[InvoiceLine, ...] = ()
    vat_rate: Decimal | None = None  # informational; changes are found from the schedule
    tariff_codes: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @classmethod
    def from_bill(cls, bill: Bill, estimated_reading: bool = False) -> InvoiceFacts:
        return cls(
            period_start=bill.period_start,
            period_end=bill.period_end,
            kwh=bill.kwh,
            total=bill.total,
            households=bill.households,
            estimated_reading=estimated_reading,
            lines=tuple(
                InvoiceLine(ln.tier, ln.kwh, ln.unit_price, ln.amount, ln.tariff_code, ln.segment)
                for ln in bill.lines
            ),
            vat_rate=bill.vat_rate,
            tariff_codes=tuple(bill.tariff_codes),
        )


# --------------------------------------------------------------------------- reasons


class ReasonKind(str, Enum):
    CHANGE_VS_PREVIOUS = "change_vs_previous"
    LONGER_PERIOD = "longer_period"
    HIGHER_TIERS = "higher_tiers"
    PRICE_CHANGE = "price_change"
    VAT_CHANGE = "vat_change"
    ESTIMATED_READING = "estimated_reading"
    CHANGE_VS_LAST_YEAR = "change_vs_last_year"
    RECHECK = "recheck"


@dataclass(frozen=True)
class UsageComparison:
    """CHANGE_VS_PREVIOUS or CHANGE_VS_LAST_YEAR; percentages are None from a zero base."""

    kind: ReasonKind
    other_period_start: date
    other_period_end: date
    kwh_before: int
    kwh_now: int
    kwh_change: int
    kwh_change_percent: Decimal | None
    money_before: Decimal
    money_now: Decimal
    money_change: Decimal
    money_change_percent: Decimal | None


@dataclass(frozen=True)
class LongerPeriod:
    days_before: int
    days_now: int
    extra_days: int
    kwh_per_day_before: Decimal
    kwh_per_day_now: Decimal
    kind: ReasonKind = field(default=ReasonKind.LONGER_PERIOD, init=False)


@dataclass(frozen=True)
class HigherTiers:
    """More kWh billed in tiers ≥ ``from_tier`` than last period (amounts before VAT)."""

    from_tier: int
    kwh_before: int
    kwh_now: int
    amount_before: Decimal
    amount_now: Decimal
    extra_amount: Decimal
    top_tier_before: int
    top_tier_now: int
    top_price_now: Decimal
    kind: ReasonKind = field(default=ReasonKind.HIGHER_TIERS, init=False)


@dataclass(frozen=True)
class PriceChange:
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    effective_from: date
    within_period: bool  # False: it took effect since the previous period began
    kind: ReasonKind = field(default=ReasonKind.PRICE_CHANGE, init=False)


@dataclass(frozen=True)
class VatChange:
    old_rate: Decimal
    new_rate: Decimal
    effective_from: date
    within_period: bool  # False: it took effect since the previous period began
    split_by_days: bool  # within the period: the kWh were split by days between the rates
    kind: ReasonKind = field(default=ReasonKind.VAT_CHANGE, init=False)


@dataclass(frozen=True)
class EstimatedReading:
    current: bool
    previous: bool
    kind: ReasonKind = field(default=ReasonKind.ESTIMATED_READING, init=False)


@dataclass(frozen=True)
class Recheck:
    kwh_before: int
    kwh_now: int
    increase_percent: Decimal | None  # None when the previous period used 0 kWh
    threshold_percent: Decimal
    kind: ReasonKind = field(default=ReasonKind.RECHECK, init=False)


Reason = UsageComparison | LongerPeriod | HigherTiers | PriceChange | VatChange | EstimatedReading | Recheck


@dataclass(frozen=True)
class BillExplanation:
    current: InvoiceFacts
    previous: InvoiceFacts | None
    same_period_last_year: InvoiceFacts | None
    reasons: list[Reason]

    @property
    def kinds(self) -> list[ReasonKind]:
        return [reason.kind for reason in self.reasons]

    @property
    def needs_recheck(self) -> bool:
        return ReasonKind.RECHECK in self.kinds

    def reason(self, kind: ReasonKind) -> Reason | None:
        return next((r for r in self.reasons if r.kind is kind), None)


# --------------------------------------------------------------------------- analysis


def explain_bill(
    current: InvoiceFacts,
    previous: InvoiceFacts | None,
    same_period_last_year: InvoiceFacts | None,
    schedule: TariffSchedule | None = None,
    high_tier_from: int = HIGH_TIER_FROM,
) -> BillExplanation:
    schedule = schedule or load_schedule()
    reasons: list[Reason] = []
    if previous is not None:
        reasons.append(_compare(ReasonKind.CHANGE_VS_PREVIOUS, current, previous))
        if current.days - previous.days >= LONGER_PERIOD_MIN_EXTRA_DAYS:
            reasons.append(_longer_period(current, previous))
        higher = _higher_tiers(current, previous, schedule, high_tier_from)
        if higher is not None:
            reasons.append(higher)
    reasons.extend(_price_changes(current, previous, schedule))
    reasons.extend(_vat_changes(current, previous, schedule))
    if current.estimated_reading or (previous is not None and previous.estimated_reading):
        reasons.append(
            EstimatedReading(current.estimated_reading, bool(previous and previous.estimated_reading))
        )
    if same_period_last_year is not None:
        reasons.append(_compare(ReasonKind.CHANGE_VS_LAST_YEAR, current, same_period_last_year))
    if previous is not None and _is_recheck(previous.kwh, current.kwh):
        reasons.append(
            Recheck(
                previous.kwh,
                current.kwh,
                _percent(current.kwh - previous.kwh, previous.kwh),
                RECHECK_THRESHOLD_PERCENT,
            )
        )
    return BillExplanation(current, previous, same_period_last_year, reasons)


def _percent(change: Decimal | int, base: Decimal | int) -> Decimal | None:
    if base == 0:
        return None
    return round_half_up(Decimal(change) * 100 / Decimal(base), TENTH)


def _is_recheck(kwh_before: int, kwh_now: int) -> bool:
    """Usage up by ≥30% (exact comparison; any usage after a zero period counts)."""
    if kwh_before == 0:
        return kwh_now > 0
    return Decimal(kwh_now - kwh_before) * 100 >= RECHECK_THRESHOLD_PERCENT * kwh_before


def _compare(kind: ReasonKind, now: InvoiceFacts, before: InvoiceFacts) -> UsageComparison:
    money_change = now.total - before.total
    return UsageComparison(
        kind=kind,
        other_period_start=before.period_start,
        other_period_end=before.period_end,
        kwh_before=before.kwh,
        kwh_now=now.kwh,
        kwh_change=now.kwh - before.kwh,
        kwh_change_percent=_percent(now.kwh - before.kwh, before.kwh),
        money_before=before.total,
        money_now=now.total,
        money_change=money_change,
        money_change_percent=_percent(money_change, before.total),
    )


def _longer_period(now: InvoiceFacts, before: InvoiceFacts) -> LongerPeriod:
    return LongerPeriod(
        days_before=before.days,
        days_now=now.days,
        extra_days=now.days - before.days,
        kwh_per_day_before=round_half_up(Decimal(before.kwh) / before.days, TENTH),
        kwh_per_day_now=round_half_up(Decimal(now.kwh) / now.days, TENTH),
    )


def _lines(facts: InvoiceFacts, schedule: TariffSchedule) -> tuple[InvoiceLine, ...]:
    if facts.lines or facts.kwh == 0:
        return facts.lines
    bill = compute_bill(facts.kwh, facts.period_start, facts.period_end, facts.households, schedule)
    return InvoiceFacts.from_bill(bill).lines


def _higher_tiers(
    now: InvoiceFacts, before: InvoiceFacts, schedule: TariffSchedule, from_tier: int
) -> HigherTiers | None:
    try:
        lines_now, lines_before = _lines(now, schedule), _lines(before, schedule)
    except ValueError:  # no tariff known for those dates: nothing to say about tiers
        return None
    high_now = [ln for ln in lines_now if ln.tier >= from_tier]
    high_before = [ln for ln in lines_before if ln.tier >= from_tier]
    kwh_now, kwh_before = sum(ln.kwh for ln in high_now), sum(ln.kwh for ln in high_before)
    if kwh_now <= kwh_before:
        return None
    amount_now = sum((ln.amount for ln in high_now), Decimal(0))
    amount_before = sum((ln.amount for ln in high_before), Decimal(0))
    top_now = max(lines_now, key=lambda ln: (ln.tier, ln.segment))
    return HigherTiers(
        from_tier=from_tier,
        kwh_before=kwh_before,
        kwh_now=kwh_now,
        amount_before=amount_before,
        amount_now=amount_now,
        extra_amount=amount_now - amount_before,
        top_tier_before=max((ln.tier for ln in lines_before), default=0),
        top_tier_now=top_now.tier,
        top_price_now=top_now.unit_price,
    )


def _version_code_name(schedule: TariffSchedule, day: date) -> tuple[str, str] | None:
    try:
        version = schedule.version_on(day)
    except ValueError:  # no tariff known for that day
        return None
    return version.code, version.name


def _change_windows(now: InvoiceFacts, before: InvoiceFacts | None) -> list[tuple[date, date, bool]]:
    """(start, end, within_current_period): changes on days in (start, end] are reported."""
    windows = [(now.period_start, now.period_end, True)]
    if before is not None and before.period_start < now.period_start:
        windows.insert(0, (before.period_start, now.period_start, False))
    return windows


def _price_changes(
    now: InvoiceFacts, before: InvoiceFacts | None, schedule: TariffSchedule
) -> list[PriceChange]:
    """Tariff versions changing inside the current period or since the previous one began."""
    changes = []
    for start, end, within in _change_windows(now, before):
        for day in schedule.change_days(start, end):
            old = _version_code_name(schedule, day - timedelta(days=1))
            new = _version_code_name(schedule, day)
            if old is not None and new is not None and old[0] != new[0]:
                changes.append(PriceChange(old[0], old[1], new[0], new[1], day, within))
    return changes


def _vat_changes(now: InvoiceFacts, before: InvoiceFacts | None, schedule: TariffSchedule) -> list[VatChange]:
    """VAT rate changes inside the current period or since the previous one began."""
    split = schedule.vat_split_policy is VatSplitPolicy.SPLIT_BY_DAYS
    changes = []
    for start, end, within in _change_windows(now, before):
        for day in schedule.change_days(start, end):
            old, new = schedule.vat_rate_on(day - timedelta(days=1)), schedule.vat_rate_on(day)
            if old != new:
                changes.append(VatChange(old, new, day, within, split))
    return changes
