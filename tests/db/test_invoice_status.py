"""Paid / unpaid / overdue is derived from the dates and the (Vietnam) clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import Invoice, InvoiceStatus
from bot.db.repositories import InvoiceRepository
from bot.domain.billing import invoice_status
from tests.db.builders import add_customer, add_invoice

DUE = date(2026, 11, 27)


def invoice(payment_date: date | None = None) -> Invoice:
    return Invoice(due_date=DUE, payment_date=payment_date)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-26T12:00", InvoiceStatus.UNPAID),
        ("2026-11-27T00:00", InvoiceStatus.UNPAID),
        ("2026-11-27T23:59", InvoiceStatus.UNPAID),  # the due date itself is not late
        ("2026-11-28T00:00", InvoiceStatus.OVERDUE),
        ("2026-12-31T09:00", InvoiceStatus.OVERDUE),
    ],
)
def test_unpaid_until_the_due_date_then_overdue(now: str, expected: InvoiceStatus) -> None:
    with clock.frozen(now):
        assert invoice_status(invoice()) is expected


def test_the_day_is_vietnams_not_the_machines() -> None:
    # 17:30 UTC on the 27th is already 00:30 on the 28th in Vietnam: overdue.
    with clock.frozen("2026-11-27T17:30:00+00:00"):
        assert invoice_status(invoice()) is InvoiceStatus.OVERDUE
    # 16:30 UTC on the 27th is 23:30 on the 27th in Vietnam: not yet.
    with clock.frozen("2026-11-27T16:30:00+00:00"):
        assert invoice_status(invoice()) is InvoiceStatus.UNPAID


@pytest.mark.parametrize("paid_on", [date(2026, 11, 20), DUE, date(2026, 12, 5)])
def test_paid_whenever_a_payment_is_recorded(paid_on: date) -> None:
    with clock.frozen("2026-12-10T09:00"):
        assert invoice_status(invoice(paid_on)) is InvoiceStatus.PAID


def test_an_explicit_day_gives_the_status_as_of_that_day() -> None:
    late_payment = invoice(date(2026, 12, 5))
    assert invoice_status(late_payment, today=date(2026, 11, 27)) is InvoiceStatus.UNPAID
    assert invoice_status(late_payment, today=date(2026, 12, 1)) is InvoiceStatus.OVERDUE
    assert invoice_status(late_payment, today=date(2026, 12, 5)) is InvoiceStatus.PAID


def test_status_of_stored_invoices_and_unpaid_query(session: Session) -> None:
    customer = add_customer(session)
    paid = add_invoice(session, customer, date(2026, 9, 15), payment_date=date(2026, 9, 20))
    overdue = add_invoice(session, customer, date(2026, 10, 15))  # due 23/10/2026
    current = add_invoice(session, customer, date(2026, 11, 15), due_in_days=11)  # due 27/11
    other = add_customer(session, code="PB11020000002", phone="0939222654")
    add_invoice(session, other, date(2026, 11, 8))

    with clock.frozen("2026-11-27T09:00"):
        statuses = {i.period_end: invoice_status(i) for i in (paid, overdue, current)}
        assert statuses == {
            date(2026, 9, 15): InvoiceStatus.PAID,
            date(2026, 10, 15): InvoiceStatus.OVERDUE,
            date(2026, 11, 15): InvoiceStatus.UNPAID,
        }
        assert [i.id for i in InvoiceRepository(session).unpaid("PB05010000001")] == [overdue.id, current.id]
    assert InvoiceRepository(session).unpaid("PB05010000001", today=date(2026, 9, 19)) == [
        paid,
        overdue,
        current,
    ]
