"""When the next bill comes (ask_next_bill), from the customer's own reading day.

The bill follows the meter reading: it is issued a day or two after the reading day
(the customer's own lag, from their newest invoice) and due a few days later (their
own payment term). A month asked whose bill is already out says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot import clock
from bot.db.uow import UnitOfWork
from bot.domain.periods import Month
from bot.services.billing import Account, InvoiceView, account_of, invoice_view
from bot.services.meter import next_reading_date, reading_day_in
from bot.services.rules import load_rules
from bot.services.verification import Requester, disclose, require_verified

DEFAULT_ISSUE_LAG_DAYS = 1


@dataclass(frozen=True)
class NextBill:
    account: Account
    as_of: date
    reading_day: int
    issued: InvoiceView | None  # the bill already out for the month asked (or this month)
    next_reading: date  # the reading the next bill follows
    expected_issue: date
    expected_due: date
    asked: Month | None = None


def next_bill(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> NextBill:
    """The bill of ``month`` (None: this month) if issued, and when the next one comes."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    latest = uow.invoices.latest(customer.code)
    lag = (latest.issue_date - latest.period_end).days if latest is not None else DEFAULT_ISSUE_LAG_DAYS
    term = (
        (latest.due_date - latest.issue_date).days if latest is not None else load_rules().payment.term_days
    )
    wanted = month or Month(today.year, today.month)
    found = uow.invoices.for_month(customer.code, wanted.year, wanted.month)
    issued = invoice_view(found, today) if found is not None and found.issue_date <= today else None
    if issued is None and wanted.key > f"{today:%Y-%m}":
        reading = reading_day_in(wanted.year, wanted.month, customer.reading_day)
    else:
        newest = uow.readings.latest(customer.code)
        reading = next_reading_date(customer.reading_day, today, newest.reading_date if newest else None)
    issue = max(reading + timedelta(days=max(lag, 0)), today)
    disclose(uow, customer, requester, "next bill")
    return NextBill(
        account=account_of(customer),
        as_of=today,
        reading_day=customer.reading_day,
        issued=issued,
        next_reading=reading,
        expected_issue=issue,
        expected_due=issue + timedelta(days=max(term, 0)),
        asked=month,
    )
