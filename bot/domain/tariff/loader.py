"""Reading the tariff schedule from ``data/tariffs.yml`` (or a dict of the same shape).

Every fault raises :class:`bot.domain.tariff.model.TariffDataError` naming the file
and the place in it. Schedules are cached by resolved path.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT
from bot.domain.tariff.model import (
    TariffDataError,
    TariffSchedule,
    TariffVersion,
    Tier,
    VatPeriod,
    VatSplitPolicy,
)

DEFAULT_TARIFF_FILE = PROJECT_ROOT / "data" / "tariffs.yml"


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
