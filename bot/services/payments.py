"""Payments that have not shown yet ("đã đóng tiền hôm qua mà vẫn báo nợ").

Two parts:

* :func:`posting_timing` (public): how long a payment through a channel usually takes
  to show as paid (the operator's rules), and, when the customer said the day they
  paid, until when to wait and whether that time is already over;
* :func:`posting_check` (verified, audited): what the data shows for the account:
  the bills still unpaid, the newest payment recorded (its day and channel), or the
  bill of the month asked.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bot import clock
from bot.db.uow import UnitOfWork
from bot.domain.periods import Month
from bot.services import payment_channels
from bot.services.billing import Account, InvoiceView, account_of, invoice_view
from bot.services.rules import Delay, load_rules
from bot.services.verification import Requester, disclose, require_verified

RECENT_INVOICES = 12


@dataclass(frozen=True)
class PostingTiming:
    channel: str | None  # None: the customer did not say
    delay: Delay | None  # the channel's usual delay (None without a channel)
    transfer: Delay | None  # an ordinary transfer through the same channel, if any
    paid_on: date | None  # the day the customer says they paid
    expected_by: datetime | None  # when the payment should show, at the latest
    overdue: bool  # that moment has passed: keep the receipt, a ticket helps
    rules: dict[str, Delay]  # every kind of channel's delay (connected, transfer, instant)

    @property
    def pending(self) -> bool:
        """Paid on a known day through a known channel, and the usual time may not be over."""
        return self.paid_on is not None and self.delay is not None and not self.overdue


@dataclass(frozen=True)
class PostingCheck:
    account: Account
    as_of: date
    unpaid: tuple[InvoiceView, ...]  # oldest first
    total_unpaid: Decimal
    last_payment: InvoiceView | None  # the newest invoice with a payment recorded
    asked: Month | None = None
    invoice: InvoiceView | None = None  # the bill of the month asked (None: not found)

    @property
    def last_channel(self) -> str | None:
        if self.last_payment is None:
            return None
        return payment_channels.of_invoice(self.last_payment.payment_channel)


def paid_day(values: Iterable[str], today: date) -> date | None:
    """The day a payment was made, from ``date`` entity values (always today or before)."""
    for value in values:
        value = str(value).strip().lower()
        try:
            if m := re.fullmatch(r"relative_day:([+-]?\d{1,3})", value):
                day = today + timedelta(days=int(m.group(1)))
                return day if day <= today else None
            if m := re.fullmatch(r"weekday:([1-7])(?:,week:[+-]?\d{1,2})?", value):
                back = (today.weekday() - (int(m.group(1)) - 1)) % 7
                return today - timedelta(days=back)
            if m := re.fullmatch(r"day:(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?)?", value):
                return _past_day(today, int(m.group(1)), m.group(2), m.group(3))
        except ValueError:
            continue
    return None


def _past_day(today: date, day: int, month: str | None, year: str | None) -> date | None:
    if year:
        found = date(int(year), int(month or 0), day)
        return found if found <= today else None
    if month:
        found = date(today.year, int(month), day)
        return found if found <= today else date(today.year - 1, int(month), day)
    year_, month_ = today.year, today.month
    if day > today.day:
        year_, month_ = (year_ - 1, 12) if month_ == 1 else (year_, month_ - 1)
    return date(year_, month_, min(day, calendar.monthrange(year_, month_)[1]))


def posting_timing(channel: str | None, paid_on: date | None, now: datetime | None = None) -> PostingTiming:
    """The usual delay of ``channel``; with the day paid, until when and whether it is over."""
    now = now or clock.now()
    rules = load_rules()
    guide = payment_channels.guide(channel)
    delay = guide.posting if guide is not None else None
    expected_by = None
    if delay is not None and paid_on is not None and delay.at_once:
        return PostingTiming(guide.channel, delay, None, paid_on, None, True, dict(rules.posting))
    if delay is not None and paid_on is not None and not (delay.hours and paid_on == now.date()):
        # The hour of the payment is unknown: count from the end of that day (the kind view);
        # paid today with a delay in hours, the time cannot be told (wait those hours).
        paid_at = datetime.combine(paid_on, time(23, 59), tzinfo=clock.VN_TZ)
        expected_by = delay.due(paid_at, rules.holidays)
    return PostingTiming(
        channel=guide.channel if guide is not None else None,
        delay=delay,
        transfer=guide.transfer if guide is not None else None,
        paid_on=paid_on,
        expected_by=expected_by,
        overdue=expected_by is not None and now > expected_by,
        rules=dict(rules.posting),
    )


def posting_check(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> PostingCheck:
    """What the account's data shows: the unpaid bills and the newest payment recorded
    (or the bill of ``month``). Verified requester only; the disclosure is audited."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    unpaid = tuple(invoice_view(i, today) for i in uow.invoices.unpaid(customer.code, today))
    recent = uow.invoices.history(customer.code, limit=RECENT_INVOICES)
    paid = next((i for i in recent if i.payment_date is not None and i.payment_date <= today), None)
    invoice = None
    if month is not None:
        found = uow.invoices.for_month(customer.code, month.year, month.month)
        invoice = invoice_view(found, today) if found is not None else None
    disclose(uow, customer, requester, f"payments{' ' + month.key if month else ''}")
    return PostingCheck(
        account=account_of(customer),
        as_of=today,
        unpaid=unpaid,
        total_unpaid=sum((v.total for v in unpaid), Decimal(0)),
        last_payment=invoice_view(paid, today) if paid is not None else None,
        asked=month,
        invoice=invoice,
    )
