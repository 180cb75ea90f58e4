"""Invoices (with their per-tier lines) and meter readings of a customer.

A month is always fetched by month: the bill "of a month" is the invoice whose period
ends in it (the last one, if the customer is read several times a month), the reading
of a month the one taken in it. Nothing here loads a whole history to pick one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from bot import clock
from bot.db.models import Invoice, MeterReading
from bot.db.repositories.base import Repository, customer_id_of, month_bounds

_INVOICE_LOADS = (selectinload(Invoice.lines), selectinload(Invoice.reading))


def _customer_invoices(code: str) -> Select:
    return select(Invoice).where(Invoice.customer_id == customer_id_of(code)).options(*_INVOICE_LOADS)


def latest_invoice_select(code: str) -> Select:
    """The statement behind :meth:`InvoiceRepository.latest` (an index scan on
    (customer_id, period_end)); the benchmark prints its plan."""
    return _customer_invoices(code).order_by(Invoice.period_end.desc()).limit(1)


class InvoiceRepository(Repository):
    def latest(self, code: str) -> Invoice | None:
        return self.session.execute(latest_invoice_select(code)).scalars().first()

    def for_month(self, code: str, year: int, month: int) -> Invoice | None:
        """The bill of a month: the invoice whose period ends in it."""
        first, following = month_bounds(year, month)
        statement = (
            _customer_invoices(code)
            .where(Invoice.period_end >= first, Invoice.period_end < following)
            .order_by(Invoice.period_end.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalars().first()

    def history(self, code: str, limit: int | None = None) -> list[Invoice]:
        """The customer's invoices, newest first (``limit`` of them)."""
        statement = _customer_invoices(code).order_by(Invoice.period_end.desc()).limit(limit)
        return list(self.session.execute(statement).scalars())

    def period_end_range(self, code: str) -> tuple[date, date] | None:
        """The oldest and the newest invoice's period end (None: no invoice at all)."""
        statement = select(func.min(Invoice.period_end), func.max(Invoice.period_end)).where(
            Invoice.customer_id == customer_id_of(code)
        )
        oldest, newest = self.session.execute(statement).one()
        return None if oldest is None else (oldest, newest)

    def previous(self, invoice: Invoice) -> Invoice | None:
        """The same customer's invoice just before this one."""
        statement = (
            select(Invoice)
            .where(Invoice.customer_id == invoice.customer_id, Invoice.period_end < invoice.period_end)
            .order_by(Invoice.period_end.desc())
            .limit(1)
            .options(*_INVOICE_LOADS)
        )
        return self.session.execute(statement).scalars().first()

    def same_month_last_year(self, invoice: Invoice) -> Invoice | None:
        """The same customer's invoice whose period ended in the same month a year earlier."""
        first, following = month_bounds(invoice.period_end.year - 1, invoice.period_end.month)
        statement = (
            select(Invoice)
            .where(
                Invoice.customer_id == invoice.customer_id,
                Invoice.period_end >= first,
                Invoice.period_end < following,
            )
            .order_by(Invoice.period_end.desc())
            .limit(1)
            .options(*_INVOICE_LOADS)
        )
        return self.session.execute(statement).scalars().first()

    def unpaid(self, code: str, today: date | None = None) -> list[Invoice]:
        """Invoices not paid as of ``today`` (unpaid and overdue), oldest first."""
        today = today or clock.today()
        statement = (
            _customer_invoices(code)
            .where(or_(Invoice.payment_date.is_(None), Invoice.payment_date > today))
            .order_by(Invoice.period_end)
        )
        return list(self.session.execute(statement).scalars())


def latest_reading_select(code: str) -> Select:
    return (
        select(MeterReading)
        .where(MeterReading.customer_id == customer_id_of(code))
        .order_by(MeterReading.reading_date.desc())
        .limit(1)
    )


class ReadingRepository(Repository):
    def latest(self, code: str) -> MeterReading | None:
        return self.session.execute(latest_reading_select(code)).scalars().first()

    def for_month(self, code: str, year: int, month: int) -> MeterReading | None:
        """The (last) reading taken in that month."""
        first, following = month_bounds(year, month)
        statement = (
            select(MeterReading)
            .where(
                MeterReading.customer_id == customer_id_of(code),
                MeterReading.reading_date >= first,
                MeterReading.reading_date < following,
            )
            .order_by(MeterReading.reading_date.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalars().first()

    def history(self, code: str, limit: int | None = None) -> list[MeterReading]:
        """The customer's readings, newest first."""
        statement = (
            select(MeterReading)
            .where(MeterReading.customer_id == customer_id_of(code))
            .order_by(MeterReading.reading_date.desc())
            .limit(limit)
        )
        return list(self.session.execute(statement).scalars())
