"""Tariff versions, tiers and VAT periods."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import Base, ExactDecimal
from bot.db.models.base import in_values as _in
from bot.db.models.enums import TariffGroup


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
