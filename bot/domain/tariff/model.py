"""The tariff schedule's types: tariff versions with their tiers, VAT periods, and the
checks that make a schedule valid (sorted, no overlaps, open last tier...).

Also the two roundings every tariff figure uses (half up, never ``round()``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum

ONE = Decimal(1)


class TariffDataError(ValueError):
    """A tariff schedule (file or objects) is malformed; the message says where and why."""


class VatSplitPolicy(str, Enum):
    """How a VAT change inside a billing period is billed."""

    SPLIT_BY_DAYS = "split_by_days"
    PERIOD_END = "period_end"
    PERIOD_START = "period_start"


def round_half_up(value: Decimal, exponent: Decimal = ONE) -> Decimal:
    """``value`` rounded half up to ``exponent`` (whole units by default)."""
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def ratio_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up to a whole number (exact for ints)."""
    with localcontext() as ctx:
        ctx.prec = 60
        return int(round_half_up(Decimal(numerator) / Decimal(denominator)))


@dataclass(frozen=True)
class Tier:
    upper_kwh: int | None  # upper bound in kWh (one household, regular cycle); None = open
    price: Decimal  # đ/kWh before VAT


@dataclass(frozen=True)
class TariffVersion:
    code: str  # e.g. "QD1279-2025"
    name: str  # e.g. "QĐ 1279/QĐ-BCT"
    effective_from: date
    tiers: list[Tier]
    effective_to: date | None = None  # inclusive; None = until the next version

    @property
    def widths(self) -> list[int | None]:
        """Tier widths Mq_i in kWh (None for the open last tier)."""
        widths: list[int | None] = []
        lower = 0
        for tier in self.tiers:
            if tier.upper_kwh is None:
                widths.append(None)
            else:
                widths.append(tier.upper_kwh - lower)
                lower = tier.upper_kwh
        return widths

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class VatPeriod:
    start: date
    end: date | None  # inclusive; None = until further notice
    rate: Decimal  # e.g. Decimal("0.08")
    basis: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class TariffSchedule:
    """Tariff versions and VAT periods; validated (and sorted) on construction."""

    versions: list[TariffVersion]
    vat_periods: list[VatPeriod]
    default_vat_rate: Decimal = Decimal("0.10")
    vat_split_policy: VatSplitPolicy = VatSplitPolicy.SPLIT_BY_DAYS
    tariff_group: str = "residential"

    def __post_init__(self) -> None:
        versions = sorted(self.versions, key=lambda v: v.effective_from)
        periods = sorted(self.vat_periods, key=lambda p: p.start)
        _validate_versions(versions)
        _validate_vat(periods, self.default_vat_rate)
        object.__setattr__(self, "versions", versions)
        object.__setattr__(self, "vat_periods", periods)
        object.__setattr__(self, "vat_split_policy", VatSplitPolicy(self.vat_split_policy))

    def version_on(self, day: date) -> TariffVersion:
        """The tariff version in force on ``day``; ValueError if there is none."""
        for version in reversed(self.versions):
            if version.effective_from <= day:
                if version.applies_on(day):
                    return version
                break
        raise ValueError(f"no {self.tariff_group} tariff version in force on {day:%d/%m/%Y}")

    def vat_rate_on(self, day: date) -> Decimal:
        """The VAT rate on ``day``: the period covering it, else the default rate."""
        for period in self.vat_periods:
            if period.covers(day):
                return period.rate
        return self.default_vat_rate

    def version_by_code(self, code: str) -> TariffVersion:
        for version in self.versions:
            if version.code == code:
                return version
        raise KeyError(code)

    def change_days(self, start: date, end: date) -> list[date]:
        """Days in (start, end] on which the tariff version or the VAT rate changes."""
        candidates: set[date] = set()
        for version in self.versions:
            candidates.add(version.effective_from)
            if version.effective_to is not None:
                candidates.add(version.effective_to + timedelta(days=1))
        for period in self.vat_periods:
            candidates.add(period.start)
            if period.end is not None:
                candidates.add(period.end + timedelta(days=1))
        return [
            day
            for day in sorted(d for d in candidates if start < d <= end)
            if state_on(self, day - timedelta(days=1)) != state_on(self, day)
        ]


def state_on(schedule: TariffSchedule, day: date) -> tuple[str | None, Decimal]:
    return code_on(schedule, day), schedule.vat_rate_on(day)


def code_on(schedule: TariffSchedule, day: date) -> str | None:
    try:
        return schedule.version_on(day).code
    except ValueError:
        return None


def _validate_versions(versions: list[TariffVersion]) -> None:
    if not versions:
        raise TariffDataError("no tariff versions")
    codes: set[str] = set()
    for version in versions:
        where = f"version {version.code or '?'}"
        if not version.code or not version.name:
            raise TariffDataError(f"{where}: code and name are required")
        if version.code in codes:
            raise TariffDataError(f"{where}: duplicate code")
        codes.add(version.code)
        if version.effective_to is not None and version.effective_to < version.effective_from:
            raise TariffDataError(f"{where}: effective_to is before effective_from")
        _validate_tiers(where, version.tiers)
    for earlier, later in itertools.pairwise(versions):
        if earlier.effective_from == later.effective_from or (
            earlier.effective_to is not None and earlier.effective_to >= later.effective_from
        ):
            raise TariffDataError(
                f"versions {earlier.code} and {later.code} overlap "
                f"(both in force on {later.effective_from:%d/%m/%Y})"
            )


def _validate_tiers(where: str, tiers: list[Tier]) -> None:
    if not tiers:
        raise TariffDataError(f"{where}: no tiers")
    previous = 0
    for number, tier in enumerate(tiers, start=1):
        last = number == len(tiers)
        if not isinstance(tier.price, Decimal) or not tier.price.is_finite() or tier.price < 0:
            raise TariffDataError(f"{where} tier {number}: price must be a number ≥ 0")
        if tier.upper_kwh is None:
            if not last:
                raise TariffDataError(f"{where} tier {number}: only the last tier may be open")
            continue
        if last:
            raise TariffDataError(f"{where} tier {number}: the last tier must be open (upper_kwh null)")
        if isinstance(tier.upper_kwh, bool) or not isinstance(tier.upper_kwh, int):
            raise TariffDataError(f"{where} tier {number}: upper_kwh must be a whole number")
        if tier.upper_kwh <= previous:
            raise TariffDataError(
                f"{where} tier {number}: upper_kwh {tier.upper_kwh} is not above "
                f"{previous} (tiers must be sorted by upper bound)"
            )
        previous = tier.upper_kwh


def _validate_vat(periods: list[VatPeriod], default_rate: Decimal) -> None:
    for rate, where in [(default_rate, "default VAT rate")] + [
        (p.rate, f"VAT period from {p.start:%d/%m/%Y}") for p in periods
    ]:
        if not isinstance(rate, Decimal) or not (0 <= rate < 1):
            raise TariffDataError(f"{where}: rate must be a Decimal in [0, 1), got {rate!r}")
    for period in periods:
        if period.end is not None and period.end < period.start:
            raise TariffDataError(f"VAT period from {period.start:%d/%m/%Y}: end is before start")
    for earlier, later in itertools.pairwise(periods):
        if earlier.end is None or earlier.end >= later.start:
            raise TariffDataError(
                f"VAT periods from {earlier.start:%d/%m/%Y} and {later.start:%d/%m/%Y} overlap"
            )
