"""Customers and the network that feeds them (stations, feeders)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.db.models import Customer, Station
from bot.db.repositories.base import Repository
from bot.domain.codes import normalize_code


class CustomerRepository(Repository):
    def get(self, code: str) -> Customer | None:
        """The customer with this code, with station and feeder loaded."""
        statement = (
            select(Customer)
            .where(Customer.code == normalize_code(code))
            .options(joinedload(Customer.station).joinedload(Station.feeder))
        )
        return self.session.execute(statement).scalars().first()

    def by_phone(self, phone: str) -> list[Customer]:
        digits = "".join(ch for ch in phone if ch.isdecimal())
        if digits.startswith("84") and len(digits) == 11:
            digits = "0" + digits[2:]
        statement = select(Customer).where(Customer.phone == digits).order_by(Customer.code)
        return list(self.session.execute(statement).scalars())

    def station(self, code: str) -> Station | None:
        statement = select(Station).where(Station.code == code).options(joinedload(Station.feeder))
        return self.session.execute(statement).scalars().first()
