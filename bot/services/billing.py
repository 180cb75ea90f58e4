"""Bills, debts, bill explanations and re-check requests, for a verified requester.

Every function that reads account data first calls
:func:`bot.services.verification.require_verified` (once: it raises ``NotVerified``)
and then writes the disclosure to the audit log. Numbers come from the database
(invoices and their per-tier lines, billed by the tariff engine); each result carries
the day it is valid for (``as_of``). Results are dataclasses: :mod:`bot.wording.billing`
says them in Vietnamese. A month is fetched by month, never by loading the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot import clock
from bot.db.models import (
    Customer,
    Invoice,
    ReadingSource,
    SupplyStatus,
    TicketKind,
    TicketPriority,
)
from bot.db.repositories.tickets import OPEN_STATES
from bot.db.uow import UnitOfWork
from bot.domain import explain
from bot.domain.billing import InvoiceStatus, invoice_status
from bot.domain.formatting import format_kwh, format_money, format_period
from bot.domain.periods import Month
from bot.domain.tariff import load_schedule
from bot.services.ticket_access import owner_hash
from bot.services.verification import Requester, disclose, mask_name, require_verified

RECHECK_ANSWER_WITHIN = timedelta(hours=24)
NOTICES_BEFORE_SUSPENSION = 2


# ----------------------------------------------------------------------- results


@dataclass(frozen=True)
class Account:
    """Whose data it is, as it may be shown: the code and the masked name."""

    code: str
    masked_name: str


@dataclass(frozen=True)
class InvoiceLineView:
    part: int  # 0-based part of the period (a price or VAT change splits it)
    tier: int
    kwh: int
    unit_price: Decimal
    amount: Decimal
    vat_rate: Decimal
    tariff_code: str
    tariff_name: str  # "QĐ 1279/QĐ-BCT" (the code when the schedule does not know it)
    part_start: date | None
    part_end: date | None


@dataclass(frozen=True)
class InvoiceView:
    month: Month  # the reading month (the period ends in it)
    period_start: date
    period_end: date
    days: int
    kwh: int
    subtotal: Decimal
    vat_amount: Decimal
    total: Decimal
    vat_rates: tuple[Decimal, ...]  # the distinct rates billed, lowest first
    due_date: date
    status: InvoiceStatus  # as of the answer's day
    payment_date: date | None
    payment_channel: str | None  # "momo", "bank", ... (None: unknown or unpaid)
    estimated_reading: bool
    lines: tuple[InvoiceLineView, ...]


@dataclass(frozen=True)
class Arrears:
    """What happens when bills stay unpaid (DOMAIN.md "Payment")."""

    suspended: bool  # the supply is already suspended for debt
    notices_sent: int
    notices_before_suspension: int = NOTICES_BEFORE_SUSPENSION


@dataclass(frozen=True)
class NoInvoice:
    """No invoice to show for what was asked."""

    asked: Month | None  # None: the latest
    available: tuple[Month, Month] | None  # the oldest and newest invoice months; None: none at all
    not_issued_yet: bool  # the month asked is still to come
    reading_day: int


@dataclass(frozen=True)
class InvoiceAnswer:
    """A bill (or its per-tier detail); ``missing`` when there is none to show."""

    account: Account
    as_of: date
    invoice: InvoiceView | None = None
    missing: NoInvoice | None = None
    arrears: Arrears | None = None  # set when the invoice is overdue

    @property
    def found(self) -> bool:
        return self.invoice is not None

    @property
    def month_key(self) -> str | None:
        """The invoice's month (``"2026-10"``), for "chi tiết" and "tháng trước"."""
        return self.invoice.month.key if self.invoice is not None else None


@dataclass(frozen=True)
class DebtAnswer:
    account: Account
    as_of: date
    unpaid: tuple[InvoiceView, ...]  # oldest first
    total: Decimal
    last_paid: InvoiceView | None = None  # when nothing is owed: the latest invoice, paid
    arrears: Arrears | None = None  # set when some are overdue


@dataclass(frozen=True)
class ExplainedBill:
    """Why the bill is what it is, against the previous period and last year."""

    account: Account
    as_of: date
    invoice: InvoiceView | None = None
    explanation: explain.BillExplanation | None = None
    missing: NoInvoice | None = None

    @property
    def found(self) -> bool:
        return self.explanation is not None

    @property
    def month_key(self) -> str | None:
        return self.invoice.month.key if self.invoice is not None else None

    @property
    def offer_recheck(self) -> bool:
        """A re-check (phúc tra) is offered with every explanation."""
        return self.found


@dataclass(frozen=True)
class RecheckResult:
    account: Account
    as_of: date
    ticket_number: str | None = None
    created: bool = False  # False: an open re-check of the same bill already existed
    answer_by: datetime | None = None  # the promised answer time
    month: Month | None = None
    missing: NoInvoice | None = None

    @property
    def found(self) -> bool:
        return self.ticket_number is not None


# ---------------------------------------------------------------------- snapshots


def account_of(customer: Customer) -> Account:
    return Account(customer.code, mask_name(customer.name))


def invoice_month(invoice: Invoice) -> Month:
    return Month(invoice.period_end.year, invoice.period_end.month)


def _tariff_name(code: str) -> str:
    try:
        return load_schedule().version_by_code(code).name
    except KeyError:
        return code


def invoice_view(invoice: Invoice, today: date) -> InvoiceView:
    lines = tuple(
        InvoiceLineView(
            part=line.part,
            tier=line.tier,
            kwh=line.kwh,
            unit_price=line.unit_price,
            amount=line.amount,
            vat_rate=line.vat_rate,
            tariff_code=line.tariff_code,
            tariff_name=_tariff_name(line.tariff_code),
            part_start=line.part_start,
            part_end=line.part_end,
        )
        for line in invoice.lines
    )
    return InvoiceView(
        month=invoice_month(invoice),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        days=invoice.days,
        kwh=invoice.kwh,
        subtotal=Decimal(invoice.subtotal),
        vat_amount=Decimal(invoice.vat_amount),
        total=Decimal(invoice.total),
        vat_rates=tuple(sorted({line.vat_rate for line in lines} or {invoice.vat_rate})),
        due_date=invoice.due_date,
        status=invoice_status(invoice, today),
        payment_date=invoice.payment_date,
        payment_channel=invoice.payment_channel,
        estimated_reading=_estimated(invoice),
        lines=lines,
    )


def _estimated(invoice: Invoice) -> bool:
    return invoice.reading is not None and invoice.reading.source == ReadingSource.ESTIMATED.value


def arrears(customer: Customer, overdue: list[Invoice]) -> Arrears:
    notices = max([customer.notices_sent or 0, *(i.reminders_sent or 0 for i in overdue)])
    return Arrears(customer.supply_status == SupplyStatus.SUSPENDED.value, notices)


# ------------------------------------------------------------------- selection


def _invoice_of(uow: UnitOfWork, code: str, month: Month | None) -> Invoice | None:
    """The invoice of ``month`` (None: the latest; "kỳ này" before this month's reading:
    the current bill), fetched by month."""
    if month is None:
        return uow.invoices.latest(code)
    invoice = uow.invoices.for_month(code, month.year, month.month)
    if invoice is None and month.current:
        invoice = uow.invoices.latest(code)
    return invoice


def _missing(uow: UnitOfWork, customer: Customer, month: Month | None, today: date) -> NoInvoice:
    ends = uow.invoices.period_end_range(customer.code)
    available = (Month(ends[0].year, ends[0].month), Month(ends[1].year, ends[1].month)) if ends else None
    return NoInvoice(
        asked=month,
        available=available,
        not_issued_yet=bool(available and month is not None and month.is_after(today)),
        reading_day=customer.reading_day,
    )


# ------------------------------------------------------------------- answers


def _invoice_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None, today: date | None, disclosed: str
) -> InvoiceAnswer:
    """Verified requester, the invoice of ``month`` (None: the latest), audited."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    account = account_of(customer)
    invoice = _invoice_of(uow, customer.code, month)
    if invoice is None:
        return InvoiceAnswer(account, today, missing=_missing(uow, customer, month, today))
    view = invoice_view(invoice, today)
    disclose(uow, customer, requester, f"{disclosed} {view.month.key}")
    overdue = arrears(customer, [invoice]) if view.status is InvoiceStatus.OVERDUE else None
    return InvoiceAnswer(account, today, invoice=view, arrears=overdue)


def bill_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> InvoiceAnswer:
    """The bill of ``month`` (None: the latest): period, kWh, total, due date, status."""
    return _invoice_answer(uow, code, requester, month, today, "invoice")


def bill_detail_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> InvoiceAnswer:
    """The per-tier breakdown of the bill of ``month`` (None: the latest)."""
    return _invoice_answer(uow, code, requester, month, today, "invoice detail")


def debt_answer(uow: UnitOfWork, code: str, requester: Requester, today: date | None = None) -> DebtAnswer:
    """Unpaid invoices (unpaid and overdue) and the total owed, as of today."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    unpaid = uow.invoices.unpaid(customer.code, today)
    disclose(uow, customer, requester, "debt")
    account = account_of(customer)
    if not unpaid:
        latest = uow.invoices.latest(customer.code)
        paid = invoice_view(latest, today) if latest is not None and latest.payment_date else None
        return DebtAnswer(account, today, (), Decimal(0), last_paid=paid)
    views = tuple(invoice_view(invoice, today) for invoice in unpaid)
    overdue = [i for i, v in zip(unpaid, views, strict=True) if v.status is InvoiceStatus.OVERDUE]
    return DebtAnswer(
        account,
        today,
        views,
        sum((v.total for v in views), Decimal(0)),
        arrears=arrears(customer, overdue) if overdue else None,
    )


# ------------------------------------------------------------ why is it high


def _facts(invoice: Invoice, households: int) -> explain.InvoiceFacts:
    return explain.InvoiceFacts(
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        kwh=invoice.kwh,
        total=invoice.total,
        households=households,
        estimated_reading=_estimated(invoice),
        lines=tuple(
            explain.InvoiceLine(
                line.tier, line.kwh, line.unit_price, line.amount, line.tariff_code, line.part
            )
            for line in invoice.lines
        ),
        vat_rate=invoice.vat_rate,
    )


def bill_high_answer(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None, today: date | None = None
) -> ExplainedBill:
    """Why the bill is what it is (against the previous period and last year)."""
    customer = require_verified(uow, code, requester)
    today = today or clock.today()
    account = account_of(customer)
    invoice = _invoice_of(uow, customer.code, month)
    if invoice is None:
        return ExplainedBill(account, today, missing=_missing(uow, customer, month, today))
    previous = uow.invoices.previous(invoice)
    last_year = uow.invoices.same_month_last_year(invoice)
    households = customer.households or 1
    explanation = explain.explain_bill(
        _facts(invoice, households),
        _facts(previous, households) if previous else None,
        _facts(last_year, households) if last_year else None,
    )
    view = invoice_view(invoice, today)
    disclose(uow, customer, requester, f"bill explanation {view.month.key}")
    return ExplainedBill(account, today, invoice=view, explanation=explanation)


# ------------------------------------------------------------------ re-check


def open_recheck(
    uow: UnitOfWork, code: str, requester: Requester, month: Month | None = None
) -> RecheckResult:
    """Open (once) a re-check ticket for the bill of ``month`` (None: the latest)."""
    customer = require_verified(uow, code, requester)
    today = clock.today()
    account = account_of(customer)
    invoice = _invoice_of(uow, customer.code, month)
    if invoice is None:
        return RecheckResult(account, today, missing=_missing(uow, customer, month, today))
    shown = invoice_month(invoice)
    disclose(uow, customer, requester, f"recheck {shown.key}")
    # The ticket's words are for the agents (stored with the ticket, not a reply).
    summary = (
        f"Phúc tra hóa đơn tháng {shown.label} ({format_kwh(invoice.kwh)}, {format_money(invoice.total)})"
    )
    ticket = uow.tickets.latest_of_customer(
        customer.code, TicketKind.RECHECK, summary=summary, states=OPEN_STATES
    )
    created = ticket is None
    if ticket is None:
        ticket = uow.tickets.add(
            kind=TicketKind.RECHECK,
            priority=TicketPriority.HIGH,
            summary=summary,
            customer_code=customer.code,
            channel=requester.channel,
            requester_hash=owner_hash(requester),
            details=(
                f"Khách hàng đề nghị kiểm tra lại chỉ số kỳ "
                f"{format_period(invoice.period_start, invoice.period_end)} qua trợ lý ảo. "
                "Cam kết trả lời trong 24 giờ."
            ),
        )
    return RecheckResult(
        account,
        today,
        ticket_number=ticket.number,
        created=created,
        answer_by=ticket.created_at + RECHECK_ANSWER_WITHIN,
        month=shown,
    )
