"""Customer offices: by district branch, by ward, by province."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from bot.db.models import Office, Station
from bot.db.repositories.base import Repository


class OfficeRepository(Repository):
    def of_unit(self, managing_unit: str) -> list[Office]:
        """The offices of a district branch (``PB0501``), by code."""
        statement = select(Office).where(Office.managing_unit == managing_unit.upper()).order_by(Office.code)
        return list(self.session.execute(statement).scalars())

    def serving_wards(self, province: str, wards: Iterable[str], limit: int = 5) -> list[Office]:
        """Offices in these wards, then those of the branches whose stations feed them."""
        wards = list(wards)
        if not wards:
            return []
        here = select(Office).where(Office.province == province, Office.ward.in_(wards)).order_by(Office.code)
        found = list(self.session.execute(here).scalars())
        units = select(Station.managing_unit).where(Station.province == province, Station.ward.in_(wards))
        branch = (
            select(Office)
            .where(Office.managing_unit.in_(units.scalar_subquery()))
            .order_by(Office.code)
            .limit(limit)
        )
        for office in self.session.execute(branch).scalars():
            if office not in found:
                found.append(office)
        return found[:limit]

    def in_province(self, province: str, limit: int = 5) -> list[Office]:
        statement = select(Office).where(Office.province == province).order_by(Office.code).limit(limit)
        return list(self.session.execute(statement).scalars())
