"""Customers and their meter readings."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.base import in_values as _in
from bot.db.models.enums import ReadingSource, SupplyStatus, TariffGroup
from bot.db.models.network import Feeder


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
