"""Bills, debts, bill explanations and re-check requests, for a verified requester.

Every function that reads account data first calls
:func:`bot.services.verification.require_verified` (it raises ``NotVerified``) and then
writes the disclosure to the audit log. Numbers come from the database (invoices and
their per-tier lines, billed by the tariff engine) and every answer says the day it is
valid for ("tính đến 27/11/2026"). The sentences are polite southern Vietnamese.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    ReadingSource,
    SupplyStatus,
    Ticket,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from bot.services import explain
from bot.services.formatting import format_date, format_kwh, format_money, format_period, format_rate
from bot.services.periods import Month
from bot.services.tariff import load_schedule
from bot.services.verification import Requester, mask_name, require_verified

RESOURCES = Path(__file__).resolve().parent / "resources"
RECHECK_ANSWER_WITHIN = timedelta(hours=24)
NOTICES_BEFORE_SUSPENSION = 2

PAYMENT_CHANNELS_VI = {
    "bank": "qua chuyển khoản ngân hàng",
    "auto_debit": "qua trích nợ tự động",
    "momo": "qua ví MoMo",
    "zalopay": "qua ví ZaloPay",
    "vnpay": "qua VNPay",
    "viettelmoney": "qua Viettel Money",
    "shopeepay": "qua ví ShopeePay",
    "app": "qua ứng dụng EVNSPC CSKH",
    "collection_point": "tại điểm thu hộ",
    "counter": "tại quầy giao dịch",
}


@dataclass(frozen=True)
class Answer:
    """What the bot says, and what it may offer or remember next."""

    text: str
    found: bool = True  # False: nothing to show (no invoice for that month...)
    month_key: str | None = None  # the invoice's month ("2026-10"), for "chi tiết"
    offer_recheck: bool = False


# --------------------------------------------------------------------- wording


def account_label(customer: Customer) -> str:
    """``mã PB05010000001 (Tr*** T*** B***)``: never the full name, never the phone."""
    return f"mã {customer.code} ({mask_name(customer.name)})"


def invoice_month(invoice: Invoice) -> Month:
    return Month(invoice.period_end.year, invoice.period_end.month)


def as_of_text(today: date) -> str:
    return f"(Thông tin tính đến ngày {format_date(today)}.)"


def _paid_text(invoice: Invoice) -> str:
    how = PAYMENT_CHANNELS_VI.get((invoice.payment_channel or "").lower())
    return f"đã thanh toán ngày {format_date(invoice.payment_date)}{' ' + how if how else ''}."


def overdue_next_steps(customer: Customer, invoices: list[Invoice]) -> str:
    """What happens when bills stay unpaid (DOMAIN.md "Payment")."""
    if customer.supply_status == SupplyStatus.SUSPENDED.value:
        return (
            "Hiện nguồn điện của anh/chị đang tạm ngừng do chưa thanh toán tiền điện. Sau khi "
            "anh/chị thanh toán hết số nợ, Điện lực sẽ đóng điện lại nha."
        )
    notices = max([customer.notices_sent or 0, *(i.reminders_sent or 0 for i in invoices)])
    sent = f"Điện lực đã gửi {notices} lần thông báo nhắc nợ. " if notices else ""
    if notices >= NOTICES_BEFORE_SUSPENSION:
        return (
            f"{sent}Nếu chưa thanh toán, Điện lực có thể tạm ngừng cấp điện (sẽ báo trước ít nhất "
            "24 giờ). Anh/chị thanh toán sớm giúp em nha."
        )
    return (
        f"{sent}Sau {NOTICES_BEFORE_SUSPENSION} lần thông báo mà vẫn chưa thanh toán, Điện lực có thể "
        "tạm ngừng cấp điện (báo trước ít nhất 24 giờ). Anh/chị thanh toán sớm giúp em nha."
    )


def status_text(invoice: Invoice, customer: Customer, today: date) -> str:
    status = queries.invoice_status(invoice, today)
    if status is InvoiceStatus.PAID:
        return _paid_text(invoice)
    if status is InvoiceStatus.UNPAID:
        return f"chưa thanh toán, hạn thanh toán ngày {format_date(invoice.due_date)}."
    return f"chưa thanh toán, đã quá hạn (hạn ngày {format_date(invoice.due_date)}). " + overdue_next_steps(
        customer, [invoice]
    )


def _vat_label(invoice: Invoice) -> str:
    rates = sorted({line.vat_rate for line in invoice.lines} or {invoice.vat_rate})
    return " và ".join(format_rate(rate) for rate in rates)


def bill_text(invoice: Invoice, customer: Customer, today: date) -> str:
    month = invoice_month(invoice)
    lines = [
        f"Dạ, hóa đơn tiền điện tháng {month.label} của {account_label(customer)}:",
        f"- Kỳ: {format_period(invoice.period_start, invoice.period_end)} ({invoice.days} ngày)",
        f"- Điện năng tiêu thụ: {format_kwh(invoice.kwh)}",
        f"- Tổng tiền (đã gồm thuế GTGT {_vat_label(invoice)}): {format_money(invoice.total)}",
        f"- Hạn thanh toán: {format_date(invoice.due_date)}",
        f"- Tình trạng: {status_text(invoice, customer, today)}",
    ]
    if invoice.reading is not None and invoice.reading.source == ReadingSource.ESTIMATED.value:
        lines.append("- Lưu ý: kỳ này dùng chỉ số ước tính, sẽ được điều chỉnh khi ghi chỉ số thực tế.")
    lines.append(as_of_text(today))
    return "\n".join(lines)


def detail_text(invoice: Invoice, customer: Customer, today: date) -> str:
    schedule = load_schedule()
    month = invoice_month(invoice)
    lines = [
        f"Dạ, chi tiết hóa đơn tháng {month.label} của {account_label(customer)}, kỳ "
        f"{format_period(invoice.period_start, invoice.period_end)}, {format_kwh(invoice.kwh)}:"
    ]
    parts = sorted({line.part for line in invoice.lines})
    for part in parts:
        part_lines = [line for line in invoice.lines if line.part == part]
        first = part_lines[0]
        try:
            tariff_name = schedule.version_by_code(first.tariff_code).name
        except KeyError:
            tariff_name = first.tariff_code
        if len(parts) > 1 and first.part_start and first.part_end:
            lines.append(
                f"Từ {format_date(first.part_start)} đến {format_date(first.part_end)} "
                f"(giá theo {tariff_name}, thuế GTGT {format_rate(first.vat_rate)}):"
            )
        else:
            lines.append(f"Giá theo {tariff_name}:")
        for line in part_lines:
            lines.append(
                f"- Bậc {line.tier}: {format_kwh(line.kwh)} × {format_money(line.unit_price)} = "
                f"{format_money(line.amount)}"
            )
    lines += [
        f"- Cộng tiền điện: {format_money(invoice.subtotal)}",
        f"- Thuế GTGT {_vat_label(invoice)}: {format_money(invoice.vat_amount)}",
        f"- Tổng cộng: {format_money(invoice.total)}",
        as_of_text(today),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------- selection


def _all_invoices(session: Session, code: str) -> list[Invoice]:
    return queries.invoices_for_customer(session, code)


def _no_invoice_text(customer: Customer, month: Month | None, invoices: list[Invoice], today: date) -> str:
    label = account_label(customer)
    if not invoices:
        return f"Dạ, hiện em chưa thấy hóa đơn tiền điện nào của {label}. {as_of_text(today)}"
    newest, oldest = invoice_month(invoices[0]), invoice_month(invoices[-1])
    available = f"Trên hệ thống có hóa đơn từ tháng {oldest.label} đến tháng {newest.label}."
    if month is not None and month.is_after(today):
        return (
            f"Dạ, hóa đơn tháng {month.label} của {label} chưa phát hành: công tơ được ghi chỉ số "
            f"ngày {customer.reading_day} hằng tháng, hóa đơn có sau ngày ghi. {available}"
        )
    asked = f"tháng {month.label}" if month is not None else "kỳ này"
    return f"Dạ, em chưa thấy hóa đơn {asked} của {label}. {available} {as_of_text(today)}"


def _pick_invoice(invoices: list[Invoice], month: Month | None) -> Invoice | None:
    if not invoices:
        return None
    if month is None:
        return invoices[0]
    in_month = [i for i in invoices if (i.period_end.year, i.period_end.month) == (month.year, month.month)]
    if in_month:
        return in_month[0]
    if month.current:
        return invoices[0]  # "kỳ này" before this month's reading: the current bill
    return None


def _disclose(session: Session, customer: Customer, requester: Requester, what: str) -> None:
    queries.record_disclosure(session, customer.code, requester.channel, requester.user_id, what)


# ------------------------------------------------------------------- answers


def _invoice_answer(
    session: Session,
    code: str,
    requester: Requester,
    month: Month | None,
    today: date | None,
    disclosed: str,
    render: Callable[[Invoice, Customer, date], str],
) -> Answer:
    """Verified requester, the invoice of ``month`` (None: the latest), audited, rendered."""
    customer = require_verified(session, code, requester)
    today = today or clock.today()
    invoices = _all_invoices(session, customer.code)
    invoice = _pick_invoice(invoices, month)
    if invoice is None:
        return Answer(_no_invoice_text(customer, month, invoices, today), found=False)
    key = invoice_month(invoice).key
    _disclose(session, customer, requester, f"{disclosed} {key}")
    return Answer(render(invoice, customer, today), month_key=key)


def bill_answer(
    session: Session,
    code: str,
    requester: Requester,
    month: Month | None = None,
    today: date | None = None,
) -> Answer:
    """The bill of ``month`` (None: the latest): period, kWh, total, due date, status."""
    return _invoice_answer(session, code, requester, month, today, "invoice", bill_text)


def bill_detail_answer(
    session: Session,
    code: str,
    requester: Requester,
    month: Month | None = None,
    today: date | None = None,
) -> Answer:
    """The per-tier breakdown of the bill of ``month`` (None: the latest)."""
    return _invoice_answer(session, code, requester, month, today, "invoice detail", detail_text)


def debt_answer(session: Session, code: str, requester: Requester, today: date | None = None) -> Answer:
    """Unpaid invoices (unpaid and overdue) and the total owed, as of today."""
    customer = require_verified(session, code, requester)
    today = today or clock.today()
    unpaid = queries.unpaid_invoices(session, customer.code, today)
    _disclose(session, customer, requester, "debt")
    label = account_label(customer)
    if not unpaid:
        latest = queries.latest_invoice(session, customer.code)
        last = ""
        if latest is not None and latest.payment_date is not None:
            last = (
                f" Hóa đơn gần nhất (tháng {invoice_month(latest).label}, {format_money(latest.total)}) "
                f"đã thanh toán ngày {format_date(latest.payment_date)}."
            )
        return Answer(f"Dạ, tính đến ngày {format_date(today)}, {label} không còn nợ tiền điện.{last}")
    lines = [f"Dạ, tính đến ngày {format_date(today)}, {label} còn {len(unpaid)} hóa đơn chưa thanh toán:"]
    overdue = []
    for invoice in unpaid:
        state = queries.invoice_status(invoice, today)
        when = (
            f"quá hạn từ ngày {format_date(invoice.due_date + timedelta(days=1))}"
            if state is InvoiceStatus.OVERDUE
            else f"hạn thanh toán ngày {format_date(invoice.due_date)}"
        )
        if state is InvoiceStatus.OVERDUE:
            overdue.append(invoice)
        period = format_period(invoice.period_start, invoice.period_end)
        month = invoice_month(invoice).label
        lines.append(f"- Tháng {month} (kỳ {period}): {format_money(invoice.total)}, {when}")
    lines.append(f"Tổng cộng: {format_money(sum(i.total for i in unpaid))}.")
    if overdue:
        lines.append(overdue_next_steps(customer, overdue))
    return Answer("\n".join(lines))


# ------------------------------------------------------------ why is it high


def _facts(invoice: Invoice, households: int) -> explain.InvoiceFacts:
    return explain.InvoiceFacts(
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        kwh=invoice.kwh,
        total=invoice.total,
        households=households,
        estimated_reading=invoice.reading is not None
        and invoice.reading.source == ReadingSource.ESTIMATED.value,
        lines=tuple(
            explain.InvoiceLine(
                line.tier, line.kwh, line.unit_price, line.amount, line.tariff_code, line.part
            )
            for line in invoice.lines
        ),
        vat_rate=invoice.vat_rate,
    )


@functools.cache
def _tips(path: Path = RESOURCES / "saving_tips.yml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tips_text(today: date) -> str:
    tips = _tips()
    header = tips["hot_season_header"] if today.month in tips.get("hot_season_months", []) else tips["header"]
    return "\n".join([header, *(f"- {tip}" for tip in tips["tips"])])


RECHECK_OFFER = (
    "Nếu anh/chị vẫn thấy chưa hợp lý, em tạo yêu cầu phúc tra (Điện lực kiểm tra lại chỉ số "
    "công tơ) và Điện lực sẽ trả lời anh/chị trong vòng 24 giờ. Anh/chị có muốn em tạo yêu cầu "
    "phúc tra không ạ?"
)


def bill_high_answer(
    session: Session,
    code: str,
    requester: Requester,
    month: Month | None = None,
    today: date | None = None,
) -> Answer:
    """Why the bill is what it is (against the previous period and last year), tips,
    and the offer of a re-check."""
    customer = require_verified(session, code, requester)
    today = today or clock.today()
    invoices = _all_invoices(session, customer.code)
    invoice = _pick_invoice(invoices, month)
    if invoice is None:
        return Answer(_no_invoice_text(customer, month, invoices, today), found=False)
    previous = queries.previous_invoice(session, invoice)
    last_year = queries.same_period_last_year(session, invoice)
    households = customer.households or 1
    explanation = explain.explain_bill(
        _facts(invoice, households),
        _facts(previous, households) if previous else None,
        _facts(last_year, households) if last_year else None,
    )
    key = invoice_month(invoice).key
    _disclose(session, customer, requester, f"bill explanation {key}")
    sentences = explain.explanation_text(explanation)
    sentences[0] = sentences[0].replace("của anh/chị", f"của {account_label(customer)}", 1)
    text = "\n".join([*sentences, as_of_text(today), "", tips_text(today), "", RECHECK_OFFER])
    return Answer(text, month_key=key, offer_recheck=True)


# ------------------------------------------------------------------ re-check


@dataclass(frozen=True)
class RecheckResult:
    ticket_number: str
    created: bool  # False: an open re-check of the same bill already existed
    answer_by: datetime  # the promised answer time
    text: str


def _open_recheck(session: Session, code: str, summary: str) -> Ticket | None:
    statement = (
        select(Ticket)
        .where(
            Ticket.customer_code == code,
            Ticket.kind == TicketKind.RECHECK.value,
            Ticket.summary == summary,
            Ticket.status.in_([TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value]),
        )
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return session.execute(statement).scalars().first()


def open_recheck(
    session: Session, code: str, requester: Requester, month: Month | None = None
) -> RecheckResult | Answer:
    """Open (once) a re-check ticket for the bill of ``month`` (None: the latest)."""
    customer = require_verified(session, code, requester)
    today = clock.today()
    invoices = _all_invoices(session, customer.code)
    invoice = _pick_invoice(invoices, month)
    if invoice is None:
        return Answer(_no_invoice_text(customer, month, invoices, today), found=False)
    label = invoice_month(invoice).label
    _disclose(session, customer, requester, f"recheck {invoice_month(invoice).key}")
    summary = f"Phúc tra hóa đơn tháng {label} ({format_kwh(invoice.kwh)}, {format_money(invoice.total)})"
    ticket = _open_recheck(session, customer.code, summary)
    created = ticket is None
    if ticket is None:
        ticket = queries.add_ticket(
            session,
            kind=TicketKind.RECHECK,
            priority=TicketPriority.HIGH,
            summary=summary,
            customer_code=customer.code,
            channel=requester.channel,
            details=(
                f"Khách hàng đề nghị kiểm tra lại chỉ số kỳ "
                f"{format_period(invoice.period_start, invoice.period_end)} qua trợ lý ảo. "
                "Cam kết trả lời trong 24 giờ."
            ),
        )
    answer_by = ticket.created_at + RECHECK_ANSWER_WITHIN
    opening = "em đã tạo yêu cầu phúc tra" if created else "yêu cầu phúc tra đã được tạo trước đó,"
    text = (
        f"Dạ, {opening} số {ticket.number} cho hóa đơn tháng {label} của {account_label(customer)}. "
        f"Điện lực sẽ kiểm tra lại chỉ số công tơ và trả lời anh/chị trong vòng 24 giờ (trước "
        f"{answer_by:%H:%M} ngày {format_date(answer_by.date())}). Khi cần hỏi lại, anh/chị đọc số "
        "yêu cầu này nha."
    )
    return RecheckResult(ticket.number, created, answer_by, text)


# ------------------------------------------------------------ payment methods


@functools.cache
def _payment_methods(path: Path = RESOURCES / "payment_methods.yml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def payment_methods_text() -> str:
    """The ways to pay (public information, no verification)."""
    data = _payment_methods()
    lines = ["Dạ, anh/chị có thể thanh toán tiền điện qua:"]
    lines += [f"- {m['name']}: {m['how']}" for m in data["methods"]]
    lines += list(data.get("notes") or [])
    return "\n".join(lines)
