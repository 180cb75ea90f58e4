"""Invoice status: paid, unpaid or overdue, derived from an invoice's dates and today."""

from __future__ import annotations

import enum
from datetime import date
from typing import Protocol

from bot import clock


class InvoiceStatus(str, enum.Enum):
    """Derived, never stored (see :func:`invoice_status`)."""

    PAID = "paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"

    def __str__(self) -> str:
        return str(self.value)


class HasPaymentDates(Protocol):
    payment_date: date | None
    due_date: date


def invoice_status(invoice: HasPaymentDates, today: date | None = None) -> InvoiceStatus:
    """Paid / unpaid / overdue as of ``today`` (default: today in Vietnam).

    Paid once a payment date on or before ``today`` is recorded; otherwise overdue
    from the day after the due date; otherwise unpaid (the due date itself is not late).
    """
    today = today or clock.today()
    if invoice.payment_date is not None and invoice.payment_date <= today:
        return InvoiceStatus.PAID
    if today > invoice.due_date:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.UNPAID
