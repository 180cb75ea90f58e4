"""The tariff and VAT tables (a copy of ``data/tariffs.yml``, see :mod:`bot.importer.tariffs`)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import TariffVersion, VatPeriod
from bot.db.repositories.base import Repository


class TariffRepository(Repository):
    def versions_by_code(self, tariff_group: str) -> dict[str, TariffVersion]:
        statement = select(TariffVersion).where(TariffVersion.tariff_group == tariff_group)
        return {row.code: row for row in self.session.execute(statement).scalars()}

    def vat_periods_by_start(self) -> dict:
        return {row.start_date: row for row in self.session.execute(select(VatPeriod)).scalars()}

    def add(self, row: TariffVersion | VatPeriod) -> None:
        self.session.add(row)

    def remove(self, row: TariffVersion | VatPeriod) -> None:
        self.session.delete(row)
