"""The utility's data: customers, readings, invoices, tariffs, outages, tickets, links.

SQLAlchemy 1.4 classic declarative mapping (``declarative_base`` + ``Column``).
Conventions:
- money is whole đồng in ``Money`` columns (BIGINT); prices and rates are exact
  decimals (``ExactDecimal``: NUMERIC on PostgreSQL, a scaled integer on SQLite,
  which has no exact decimal type);
- kWh and meter indexes are integers; dates are ``Date``;
- timestamps are ``AwareDateTime``: stored in UTC, read back in Vietnam time;
- an invoice's paid / unpaid / overdue status is not stored: it follows from its
  dates and the clock (:func:`bot.db.queries.invoice_status`).
Every schema change needs a migration in ``bot/db/migrations/versions``.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
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


# --------------------------------------------------------------------------- enums


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class TariffGroup(StrEnum):
    RESIDENTIAL = "residential"
    BUSINESS = "business"


class SupplyStatus(StrEnum):
    NORMAL = "normal"
    SUSPENDED = "suspended"


class ReadingSource(StrEnum):
    READ = "read"
    ESTIMATED = "estimated"


class InvoiceStatus(StrEnum):
    """Derived, never stored (see ``bot.db.queries.invoice_status``)."""

    PAID = "paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"


class OutageStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESTORED = "restored"


class TicketKind(StrEnum):
    OUTAGE = "outage"
    COMPLAINT = "complaint"
    HAZARD = "hazard"
    RECHECK = "recheck"
    REQUEST = "request"


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(enum.IntEnum):
    """Lower is more urgent; the agents' queue sorts ascending."""

    URGENT = 1
    HIGH = 2
    NORMAL = 3
    LOW = 4


def _in(column: str, values: type[enum.Enum]) -> str:
    return f"{column} IN ({', '.join(repr(str(v.value)) for v in values)})"


def _now() -> datetime:
    # Imported lazily so tests that freeze bot.clock see the frozen time.
    from bot import clock

    return clock.now()


# ----------------------------------------------------------------------- network


class Feeder(Base):
    """A medium-voltage feeder (xuất tuyến / lộ ra) that supplies transformer stations."""

    __tablename__ = "feeders"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    substation = Column(String(200))  # the 110 kV substation it leaves from
    managing_unit = Column(String(6))

    stations = relationship("Station", back_populates="feeder")


class Station(Base):
    """A distribution transformer station (trạm biến áp) feeding customers."""

    __tablename__ = "stations"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    feeder_id = Column(ForeignKey("feeders.id"), index=True)
    province = Column(String(100))
    ward = Column(String(100))
    managing_unit = Column(String(6))

    feeder = relationship("Feeder", back_populates="stations")
    customers = relationship("Customer", back_populates="station")


# ---------------------------------------------------------------------- customers


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("length(code) = 13", name="code_length"),
        CheckConstraint("households >= 1", name="households_positive"),
        CheckConstraint("meter_multiplier >= 1", name="multiplier_positive"),
        CheckConstraint("reading_day BETWEEN 1 AND 31", name="reading_day_range"),
        CheckConstraint("notices_sent >= 0", name="notices_sent_nonnegative"),
        CheckConstraint(_in("tariff_group", TariffGroup), name="tariff_group_values"),
        CheckConstraint(_in("supply_status", SupplyStatus), name="supply_status_values"),
        Index("ix_customers_province_ward", "province", "ward"),
        Index("ix_customers_province_old_ward", "province", "old_ward"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(13), nullable=False, unique=True)  # e.g. PB05010000001
    name = Column(String(200), nullable=False)
    phone = Column(String(20), index=True)
    address = Column(String(300))  # street part as the customer knows it
    province = Column(String(100), nullable=False)  # current (2025) province
    ward = Column(String(100), nullable=False)  # current ward/commune (phường/xã)
    # Names before the 2025 reorganisation, kept because customers still use them.
    old_province = Column(String(100))
    old_district = Column(String(100))
    old_ward = Column(String(100))
    managing_unit = Column(String(6), nullable=False, index=True)  # first 6 chars of code
    station_id = Column(ForeignKey("stations.id"), index=True)
    households = Column(SmallInteger, nullable=False, default=1)
    meter_multiplier = Column(Integer, nullable=False, default=1)
    reading_day = Column(SmallInteger, nullable=False)
    tariff_group = Column(String(20), nullable=False, default=TariffGroup.RESIDENTIAL.value)
    supply_status = Column(String(20), nullable=False, default=SupplyStatus.NORMAL.value)
    suspended_at = Column(AwareDateTime)
    restored_at = Column(AwareDateTime)
    notices_sent = Column(SmallInteger, nullable=False, default=0)  # payment notices for the current debt

    station = relationship("Station", back_populates="customers")
    readings = relationship("MeterReading", back_populates="customer", order_by="MeterReading.reading_date")
    invoices = relationship("Invoice", back_populates="customer", order_by="Invoice.period_end")

    @property
    def feeder(self) -> Feeder | None:
        return self.station.feeder if self.station is not None else None

    def __repr__(self) -> str:
        return f"<Customer {self.code}>"


class MeterReading(Base):
    __tablename__ = "meter_readings"
    __table_args__ = (
        UniqueConstraint("customer_id", "reading_date"),
        CheckConstraint("new_index >= old_index", name="index_not_backwards"),
        CheckConstraint("kwh >= 0", name="kwh_nonnegative"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint(_in("source", ReadingSource), name="source_values"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    reading_date = Column(Date, nullable=False)
    old_index = Column(BigInteger, nullable=False)
    new_index = Column(BigInteger, nullable=False)
    kwh = Column(Integer, nullable=False)  # (new - old) x meter multiplier
    source = Column(String(20), nullable=False, default=ReadingSource.READ.value)

    customer = relationship("Customer", back_populates="readings")

    def __repr__(self) -> str:
        return f"<MeterReading customer={self.customer_id} {self.reading_date} {self.kwh} kWh>"


# ----------------------------------------------------------------------- invoices


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        # Also the index for "latest invoice of a customer" (customer_id, period_end).
        UniqueConstraint("customer_id", "period_end"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("kwh >= 0", name="kwh_nonnegative"),
        CheckConstraint("total = subtotal + vat_amount", name="total_sum"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        CheckConstraint("reminders_sent >= 0", name="reminders_nonnegative"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    reading_id = Column(ForeignKey("meter_readings.id", ondelete="SET NULL"), index=True)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    kwh = Column(Integer, nullable=False)
    subtotal = Column(Money, nullable=False)  # before VAT
    # The rate in force at period_end; with a VAT change inside the period each line
    # carries its own rate and vat_amount is the sum over the parts.
    vat_rate = Column(ExactDecimal(5, 4), nullable=False)
    vat_amount = Column(Money, nullable=False)
    total = Column(Money, nullable=False)
    issue_date = Column(Date, nullable=False)
    due_date = Column(Date, nullable=False)
    payment_date = Column(Date)
    payment_channel = Column(String(50))  # bank, auto_debit, momo, zalopay, counter...
    reminders_sent = Column(SmallInteger, nullable=False, default=0)

    customer = relationship("Customer", back_populates="invoices")
    reading = relationship("MeterReading")
    lines = relationship(
        "InvoiceLine",
        back_populates="invoice",
        order_by="(InvoiceLine.part, InvoiceLine.tier)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    def __repr__(self) -> str:
        return f"<Invoice customer={self.customer_id} {self.period_start}..{self.period_end}>"


class InvoiceLine(Base):
    """One tier of one part of a bill (a period split by a price or VAT change has parts)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "part", "tier"),
        CheckConstraint("kwh >= 0", name="kwh_nonnegative"),
        CheckConstraint("tier >= 1", name="tier_positive"),
        CheckConstraint("part >= 0", name="part_nonnegative"),
    )

    id = Column(Integer, primary_key=True)
    invoice_id = Column(ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False)
    part = Column(SmallInteger, nullable=False, default=0)  # 0, 1... in date order
    part_start = Column(Date)  # the part's days, when the period was split
    part_end = Column(Date)
    tier = Column(SmallInteger, nullable=False)  # 1-based
    tier_kwh_limit = Column(Integer)  # the prorated tier width used; None = open tier
    kwh = Column(Integer, nullable=False)
    unit_price = Column(ExactDecimal(12, 2), nullable=False)  # đ/kWh before VAT
    amount = Column(Money, nullable=False)
    vat_rate = Column(ExactDecimal(5, 4), nullable=False)  # the rate of this part
    tariff_code = Column(ForeignKey("tariff_versions.code"), nullable=False)

    invoice = relationship("Invoice", back_populates="lines")


# ------------------------------------------------------------------------ tariffs


class TariffVersion(Base):
    """A price table (e.g. QĐ 1279/QĐ-BCT) in force from ``effective_from``."""

    __tablename__ = "tariff_versions"
    __table_args__ = (
        UniqueConstraint("tariff_group", "effective_from"),
        CheckConstraint(_in("tariff_group", TariffGroup), name="tariff_group_values"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)  # e.g. QD1279-2025
    name = Column(String(200), nullable=False)  # e.g. QĐ 1279/QĐ-BCT
    tariff_group = Column(String(20), nullable=False, default=TariffGroup.RESIDENTIAL.value)
    effective_from = Column(Date, nullable=False)
    effective_to = Column(Date)  # inclusive; None = until the next version

    tiers = relationship(
        "TariffTier",
        back_populates="version",
        order_by="TariffTier.tier",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class TariffTier(Base):
    __tablename__ = "tariff_tiers"
    __table_args__ = (
        UniqueConstraint("version_id", "tier"),
        CheckConstraint("tier >= 1", name="tier_positive"),
    )

    id = Column(Integer, primary_key=True)
    version_id = Column(ForeignKey("tariff_versions.id", ondelete="CASCADE"), nullable=False)
    tier = Column(SmallInteger, nullable=False)  # 1-based
    upper_kwh = Column(Integer)  # None = open-ended last tier
    price = Column(ExactDecimal(12, 2), nullable=False)  # đ/kWh before VAT

    version = relationship("TariffVersion", back_populates="tiers")


class VatPeriod(Base):
    """A VAT rate on electricity between two dates (inclusive; no end = until changed)."""

    __tablename__ = "vat_periods"
    __table_args__ = (
        UniqueConstraint("start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period_order"),
    )

    id = Column(Integer, primary_key=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date)
    rate = Column(ExactDecimal(5, 4), nullable=False)  # e.g. 0.0800
    basis = Column(String(200))  # the legal basis, e.g. NQ 204/2025/QH15


# ------------------------------------------------------------------------ outages

planned_outage_stations = Table(
    "planned_outage_stations",
    metadata,
    Column("outage_id", ForeignKey("planned_outages.id", ondelete="CASCADE"), primary_key=True),
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_planned_outage_stations_station_id", "station_id"),
)


class PlannedOutage(Base):
    """A planned outage (ngừng/giảm cung cấp điện có kế hoạch), announced ahead."""

    __tablename__ = "planned_outages"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint(_in("status", OutageStatus), name="status_values"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)  # natural key for imports
    starts_at = Column(AwareDateTime, nullable=False, index=True)
    ends_at = Column(AwareDateTime, nullable=False)
    reason = Column(Text, nullable=False)
    area = Column(Text)  # the area as announced, for notices
    announced_at = Column(AwareDateTime)
    status = Column(String(20), nullable=False, default=OutageStatus.SCHEDULED.value)

    stations = relationship("Station", secondary=planned_outage_stations)
    wards = relationship("PlannedOutageWard", cascade="all, delete-orphan", passive_deletes=True)


class PlannedOutageWard(Base):
    __tablename__ = "planned_outage_wards"
    __table_args__ = (Index("ix_planned_outage_wards_province_ward", "province", "ward"),)

    outage_id = Column(ForeignKey("planned_outages.id", ondelete="CASCADE"), primary_key=True)
    province = Column(String(100), primary_key=True)
    ward = Column(String(100), primary_key=True)


incident_stations = Table(
    "incident_stations",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_incident_stations_station_id", "station_id"),
)


class Incident(Base):
    """An unplanned outage (sự cố) known to the utility."""

    __tablename__ = "incidents"
    __table_args__ = (CheckConstraint(_in("status", IncidentStatus), name="status_values"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    cause = Column(Text)
    area = Column(Text)
    status = Column(String(20), nullable=False, default=IncidentStatus.OPEN.value, index=True)
    started_at = Column(AwareDateTime)
    expected_restoration_at = Column(AwareDateTime)
    restored_at = Column(AwareDateTime)
    created_at = Column(AwareDateTime, nullable=False, default=_now)

    stations = relationship("Station", secondary=incident_stations)
    wards = relationship("IncidentWard", cascade="all, delete-orphan", passive_deletes=True)


class IncidentWard(Base):
    __tablename__ = "incident_wards"
    __table_args__ = (Index("ix_incident_wards_province_ward", "province", "ward"),)

    incident_id = Column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    province = Column(String(100), primary_key=True)
    ward = Column(String(100), primary_key=True)


# ------------------------------------------------------------ reports and tickets


class Ticket(Base):
    """A case for the utility's staff; ``number`` is what the customer quotes."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("kind", TicketKind), name="kind_values"),
        CheckConstraint(_in("status", TicketStatus), name="status_values"),
        Index("ix_tickets_status_priority", "status", "priority", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(16), nullable=False, unique=True)  # e.g. SC2611270001
    kind = Column(String(20), nullable=False)
    priority = Column(SmallInteger, nullable=False, default=int(TicketPriority.NORMAL))
    status = Column(String(20), nullable=False, default=TicketStatus.OPEN.value)
    customer_code = Column(String(13), index=True)  # as given; may not be a known customer
    channel = Column(String(20))
    summary = Column(Text, nullable=False)
    details = Column(Text)
    incident_id = Column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    updated_at = Column(AwareDateTime, nullable=False, default=_now, onupdate=_now)

    incident = relationship("Incident")


class TicketCounter(Base):
    """Last ticket number issued per day, so concurrent bots never share a number."""

    __tablename__ = "ticket_counters"

    day = Column(Date, primary_key=True)
    last = Column(Integer, nullable=False, default=0)


class OutageReport(Base):
    """A customer's "no power" report, by customer or by place."""

    __tablename__ = "outage_reports"
    __table_args__ = (
        CheckConstraint(
            "customer_id IS NOT NULL OR ward IS NOT NULL OR place IS NOT NULL",
            name="customer_or_place",
        ),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    province = Column(String(100))
    ward = Column(String(100))
    place = Column(Text)  # free text as the customer wrote it
    channel = Column(String(20), nullable=False)
    reported_at = Column(AwareDateTime, nullable=False, default=_now, index=True)
    incident_id = Column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    ticket_id = Column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)

    customer = relationship("Customer")
    incident = relationship("Incident")
    ticket = relationship("Ticket")


# ------------------------------------------------------ identity and disclosures


class ChannelLink(Base):
    """A channel user verified as (a person entitled to) a customer code."""

    __tablename__ = "channel_links"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", "customer_code"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)  # zalo, facebook, webchat...
    channel_user_id = Column(String(128), nullable=False)
    customer_code = Column(ForeignKey("customers.code", ondelete="CASCADE"), nullable=False, index=True)
    verified_at = Column(AwareDateTime, nullable=False, default=_now)


class VerificationAttempt(Base):
    """One try at proving a customer code (e.g. with the phone number); for lockout."""

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_code_at", "customer_code", "attempted_at"),
        Index("ix_verification_attempts_user_at", "channel", "channel_user_id", "attempted_at"),
    )

    id = Column(Integer, primary_key=True)
    customer_code = Column(String(13), nullable=False)  # as tried; may not exist
    channel = Column(String(20), nullable=False)
    channel_user_id = Column(String(128), nullable=False)
    attempted_at = Column(AwareDateTime, nullable=False, default=_now)
    success = Column(Boolean, nullable=False)


class DisclosureAudit(Base):
    """Audit log: which account data was shown to which (hashed) channel user."""

    __tablename__ = "disclosure_audit"
    __table_args__ = (Index("ix_disclosure_audit_code_at", "customer_code", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(AwareDateTime, nullable=False, default=_now)
    customer_code = Column(String(13), nullable=False)
    channel = Column(String(20), nullable=False)
    channel_user_hash = Column(String(64), nullable=False)  # sha256 hex, never the raw id
    disclosed = Column(String(200), nullable=False)  # e.g. "invoice 10/2026", "readings"
