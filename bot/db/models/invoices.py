"""Invoices and their per-tier lines."""

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

from bot.db.models.base import Base, ExactDecimal, Money


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
