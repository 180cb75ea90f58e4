"""Residential tariff engine: the bill from kWh, billing-period dates and households.

The method is EVN's published one (../shared/DOMAIN.md, "Residential tariff"):

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

Prices and VAT periods are data (``data/tariffs.yml``), read by :func:`load_schedule`.
"""

from __future__ import annotations

import calendar
import functools
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

DEFAULT_TARIFF_FILE = PROJECT_ROOT / "data" / "tariffs.yml"
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


# --------------------------------------------------------------------------- model


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
            if _state_on(self, day - timedelta(days=1)) != _state_on(self, day)
        ]


def _state_on(schedule: TariffSchedule, day: date) -> tuple[str | None, Decimal]:
    return _code_on(schedule, day), schedule.vat_rate_on(day)


def _code_on(schedule: TariffSchedule, day: date) -> str | None:
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


# --------------------------------------------------------------------------- loading


def load_schedule(path: Path | None = None) -> TariffSchedule:
    """The schedule in ``path`` (default ``data/tariffs.yml``), cached by resolved path.

    Raises :class:`TariffDataError` (a ValueError) naming the file and the fault.
    """
    return _load_cached(Path(path or DEFAULT_TARIFF_FILE).resolve())


def clear_schedule_cache() -> None:
    _load_cached.cache_clear()


@functools.cache
def _load_cached(path: Path) -> TariffSchedule:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TariffDataError(f"{path}: tariff file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TariffDataError(f"{path}: cannot read tariff file: {exc}") from exc
    try:
        return schedule_from_dict(raw)
    except TariffDataError as exc:
        raise TariffDataError(f"{path}: {exc}") from None


def schedule_from_dict(raw: Any) -> TariffSchedule:
    """Build and validate a schedule from the structure of ``data/tariffs.yml``."""
    if not isinstance(raw, dict):
        raise TariffDataError("expected a mapping with 'versions' and 'vat'")
    raw_versions = _require(raw, "versions", "top level")
    if not isinstance(raw_versions, list):
        raise TariffDataError("'versions' must be a list")
    versions = [_parse_version(item, f"versions[{i}]") for i, item in enumerate(raw_versions)]
    vat = raw.get("vat") or {}
    if not isinstance(vat, dict):
        raise TariffDataError("'vat' must be a mapping")
    periods = [
        _parse_vat_period(item, f"vat.periods[{i}]") for i, item in enumerate(vat.get("periods") or [])
    ]
    default_rate = _decimal(_require(vat, "default_rate", "vat"), "vat.default_rate")
    policy_value = (raw.get("policy") or {}).get("vat_change_in_period", VatSplitPolicy.SPLIT_BY_DAYS.value)
    try:
        policy = VatSplitPolicy(policy_value)
    except ValueError:
        allowed = ", ".join(p.value for p in VatSplitPolicy)
        raise TariffDataError(
            f"policy.vat_change_in_period: {policy_value!r} is not one of {allowed}"
        ) from None
    return TariffSchedule(
        versions=versions,
        vat_periods=periods,
        default_vat_rate=default_rate,
        vat_split_policy=policy,
        tariff_group=str(raw.get("tariff_group") or "residential"),
    )


def _parse_version(item: Any, where: str) -> TariffVersion:
    if not isinstance(item, dict):
        raise TariffDataError(f"{where}: expected a mapping")
    code = str(_require(item, "code", where))
    where = f"version {code}"
    raw_tiers = _require(item, "tiers", where)
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise TariffDataError(f"{where}: 'tiers' must be a non-empty list")
    tiers = []
    for number, raw_tier in enumerate(raw_tiers, start=1):
        tier_where = f"{where} tier {number}"
        if not isinstance(raw_tier, dict):
            raise TariffDataError(f"{tier_where}: expected a mapping")
        if "upper_kwh" not in raw_tier:
            raise TariffDataError(f"{tier_where}: missing 'upper_kwh' (null for the open last tier)")
        upper = raw_tier["upper_kwh"]
        if upper is not None and (isinstance(upper, bool) or not isinstance(upper, int)):
            raise TariffDataError(f"{tier_where}: upper_kwh must be a whole number or null")
        price = _decimal(_require(raw_tier, "price", tier_where), f"{tier_where}.price")
        tiers.append(Tier(upper_kwh=upper, price=price))
    effective_to = item.get("effective_to")
    return TariffVersion(
        code=code,
        name=str(_require(item, "name", where)),
        effective_from=_date(_require(item, "effective_from", where), f"{where}.effective_from"),
        tiers=tiers,
        effective_to=None if effective_to is None else _date(effective_to, f"{where}.effective_to"),
    )


def _parse_vat_period(item: Any, where: str) -> VatPeriod:
    if not isinstance(item, dict):
        raise TariffDataError(f"{where}: expected a mapping")
    end = item.get("end")
    return VatPeriod(
        start=_date(_require(item, "start", where), f"{where}.start"),
        end=None if end is None else _date(end, f"{where}.end"),
        rate=_decimal(_require(item, "rate", where), f"{where}.rate"),
        basis=str(item.get("basis") or ""),
    )


def _require(mapping: dict, key: str, where: str) -> Any:
    if mapping.get(key) is None:
        raise TariffDataError(f"{where}: missing '{key}'")
    return mapping[key]


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise TariffDataError(f"{where}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value)) if isinstance(value, int | float | str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise TariffDataError(f"{where}: expected a number, got {value!r}")
    return number


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                pass
    raise TariffDataError(f"{where}: expected a date (YYYY-MM-DD or dd/mm/yyyy), got {value!r}")


# --------------------------------------------------------------------------- billing


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
        if split_vat or _code_on(schedule, day - timedelta(days=1)) != _code_on(schedule, day)
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
