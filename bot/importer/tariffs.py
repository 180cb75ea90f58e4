"""Copy the tariff schedule (``data/tariffs.yml``) into the tariff and VAT tables.

The file is the source of truth; the tables are its copy, so invoice lines can
reference the tariff version they were billed with and reports can join prices.
Idempotent: a second run changes nothing. Versions are matched by ``code`` and
never deleted (old invoices reference them); VAT periods are matched by start
date, and periods no longer in the file are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.db.models import TariffTier, TariffVersion, VatPeriod
from bot.db.repositories import TariffRepository
from bot.db.uow import UnitOfWork
from bot.domain.tariff import load_schedule


class TariffSyncError(ValueError):
    """The schedule holds a value the tables cannot store exactly."""


@dataclass
class SyncReport:
    versions_added: int = 0
    versions_updated: int = 0
    versions_unchanged: int = 0
    versions_not_in_file: int = 0
    vat_added: int = 0
    vat_updated: int = 0
    vat_removed: int = 0
    vat_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.versions_added + self.versions_updated + self.vat_added + self.vat_updated + self.vat_removed
        )

    def summary(self) -> str:
        return (
            f"tariff versions: {self.versions_added} added, {self.versions_updated} updated, "
            f"{self.versions_unchanged} unchanged"
            + (f", {self.versions_not_in_file} only in the database" if self.versions_not_in_file else "")
            + f"; VAT periods: {self.vat_added} added, {self.vat_updated} updated, "
            f"{self.vat_removed} removed, {self.vat_unchanged} unchanged"
        )


def sync_tariffs(session: Any, schedule: Any | None = None) -> SyncReport:
    """Make the tables match ``schedule`` (default: ``load_schedule()``) in the session of
    a unit of work (or any session); flushes, no commit."""
    schedule = schedule or load_schedule()
    tariffs = TariffRepository(session)
    report = SyncReport()
    group = str(getattr(schedule, "tariff_group", "residential"))
    _sync_versions(tariffs, schedule.versions, group, report)
    _sync_vat_periods(tariffs, schedule.vat_periods, report)
    session.flush()
    return report


def run(database_url: str | None = None, path: Path | None = None) -> SyncReport:
    """Load the tariff file and sync it into the database, in one transaction."""
    schedule = load_schedule(path)
    with UnitOfWork(database_url) as uow:
        return sync_tariffs(uow.session, schedule)


def _sync_versions(tariffs: TariffRepository, versions: list[Any], group: str, report: SyncReport) -> None:
    existing = tariffs.versions_by_code(group)
    for version in versions:
        row = existing.pop(version.code, None)
        if row is None:
            row = TariffVersion(code=version.code, tariff_group=group)
            tariffs.add(row)
            report.versions_added += 1
            changed = True
        else:
            changed = False
        fields = {
            "name": version.name,
            "effective_from": version.effective_from,
            "effective_to": getattr(version, "effective_to", None),
        }
        for name, value in fields.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        tiers_changed = _sync_tiers(row, version.tiers, version.code)
        if row.id is not None:
            if changed or tiers_changed:
                report.versions_updated += 1
            else:
                report.versions_unchanged += 1
    report.versions_not_in_file = len(existing)


def _exact(value: Decimal, places: int, where: str) -> Decimal:
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise TariffSyncError(f"{where}: {value} has more than {places} decimal places")
    return value


def _sync_tiers(row: TariffVersion, tiers: list[Any], code: str) -> bool:
    """Update the tier rows in place (no delete + insert: (version, tier) is unique)."""
    changed = False
    current = {tier.tier: tier for tier in row.tiers}
    for number, tier in enumerate(tiers, start=1):
        price = _exact(tier.price, 2, f"{code} tier {number} price")
        stored = current.pop(number, None)
        if stored is None:
            row.tiers.append(TariffTier(tier=number, upper_kwh=tier.upper_kwh, price=price))
            changed = True
        elif stored.upper_kwh != tier.upper_kwh or stored.price != price:
            stored.upper_kwh, stored.price = tier.upper_kwh, price
            changed = True
    for extra in current.values():
        row.tiers.remove(extra)  # delete-orphan
        changed = True
    return changed


def _sync_vat_periods(tariffs: TariffRepository, periods: list[Any], report: SyncReport) -> None:
    existing = tariffs.vat_periods_by_start()
    for period in periods:
        row = existing.pop(period.start, None)
        values = {
            "end_date": period.end,
            "rate": _exact(period.rate, 4, f"VAT period from {period.start:%d/%m/%Y} rate"),
            "basis": (getattr(period, "basis", "") or None),
        }
        if row is None:
            tariffs.add(VatPeriod(start_date=period.start, **values))
            report.vat_added += 1
            continue
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            report.vat_updated += 1
        else:
            report.vat_unchanged += 1
    for row in existing.values():
        tariffs.remove(row)
        report.vat_removed += 1
