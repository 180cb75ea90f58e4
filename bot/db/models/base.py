"""Declarative base, naming convention, column types and shared helpers of the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from bot.clock import VN_TZ

# Named constraints: Alembic's batch mode (SQLite) and later migrations need names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


# --------------------------------------------------------------------------- types


class AwareDateTime(TypeDecorator):
    """A timezone-aware timestamp that reads back the same on SQLite and PostgreSQL.

    Stored in UTC (``timestamptz`` on PostgreSQL; a naive UTC value on SQLite, which
    has no time zones); read back as an aware datetime in Vietnam time. A naive value
    is taken as Vietnam time, the convention of :mod:`bot.clock`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a timestamp needs a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(VN_TZ)


class Money(TypeDecorator):
    """Whole đồng as BIGINT. Accepts ``int`` or an integral ``Decimal``; refuses fractions."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"money needs int or Decimal, got {type(value).__name__}")
        if value != int(value):
            raise ValueError(f"money is whole đồng, got {value}")
        return int(value)

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(value)


class ExactDecimal(TypeDecorator):
    """An exact decimal: NUMERIC(precision, scale) on PostgreSQL; on SQLite, which
    would store a float, the value times 10**scale as an INTEGER. Reads back a
    ``Decimal`` with ``scale`` places; refuses values with more places."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def __repr__(self) -> str:  # how Alembic renders it in migrations
        return f"ExactDecimal({self.precision}, {self.scale})"

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("exact decimals do not take floats; use Decimal or str")
        exact = Decimal(value)
        if exact != exact.quantize(self._quantum):
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.scale))
        return exact

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)


def in_values(column: str, values: type[enum.Enum]) -> str:
    """A CHECK clause: ``column`` takes one of the enum's values."""
    return f"{column} IN ({', '.join(repr(str(v.value)) for v in values)})"


def now() -> datetime:
    """Default for timestamp columns (imported lazily so frozen test clocks apply)."""
    from bot import clock

    return clock.now()
