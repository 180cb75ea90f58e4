"""Importing invoices (natural key: customer and period end), billed again by the tariff engine."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Customer,
    Invoice,
    InvoiceLine,
    MeterReading,
)
from bot.domain.formatting import format_money, format_period
from bot.domain.tariff import compute_bill, load_schedule
from bot.importer import fields as fmt
from bot.importer.bulk import bulk_insert, invoice_line_rows, whole_dong
from bot.importer.framework import (
    Context,
    Item,
    Kind,
    changed_values,
    chunks,
    customer_ids,
    field_value,
    number_text,
    optional_value,
    select_in,
    update_by_id,
)
from bot.importer.tariffs import sync_tariffs

# "Pay within 5 days of the first bill notice" (DOMAIN.md, Payment): the due date when
# an invoice file gives none. The demo generator uses the same term.
PAYMENT_TERM_DAYS = 5
# A planned outage must be announced at least this long before it starts.
MIN_NOTICE = timedelta(days=5)
MAX_INDEX = 10**12

PAYMENT_CHANNELS = {
    "bank": "bank",
    "bank_transfer": "bank",
    "chuyển khoản": "bank",
    "auto_debit": "auto_debit",
    "ủy nhiệm thu": "auto_debit",
    "momo": "momo",
    "zalopay": "zalopay",
    "vnpay": "vnpay",
    "viettelmoney": "viettelmoney",
    "shopeepay": "shopeepay",
    "app": "app",
    "collection_point": "collection_point",
    "điểm thu": "collection_point",
    "counter": "counter",
    "quầy": "counter",
}


# ------------------------------------------------------------------------- invoices


class InvoiceImport(Kind):
    """Invoices are billed again by the tariff engine; given amounts must agree.

    The stored per-tier lines and amounts are always the engine's, so a bill the bot
    explains adds up. A row whose ``total`` (or ``subtotal``/``vat_amount``) differs
    from the engine by even one đồng is rejected with both amounts.
    """

    name = "invoices"
    required = ("customer_code", "period_start", "period_end", "kwh", "issue_date")
    optional = (
        "due_date",
        "households",
        "subtotal",
        "vat_amount",
        "total",
        "payment_date",
        "payment_channel",
        "reminders_sent",
    )
    key_label = "customer and period end"

    def begin(self, session: Session, ctx: Context) -> None:
        schedule = load_schedule()
        sync_tariffs(session, schedule)  # invoice lines reference the tariff versions
        ctx.cache["schedule"] = schedule

    def parse(self, item: Item, ctx: Context) -> None:
        rec = item.rec
        rec["code"] = field_value(item, "customer_code", fmt.customer_code)
        rec["period_start"] = field_value(item, "period_start", fmt.vn_date)
        rec["period_end"] = field_value(item, "period_end", fmt.vn_date)
        rec["kwh"] = field_value(item, "kwh", fmt.whole_number, minimum=0, maximum=10_000_000)
        rec["issue_date"] = field_value(item, "issue_date", fmt.vn_date)
        rec["due_date"] = optional_value(item, "due_date", fmt.vn_date)
        rec["households"] = optional_value(item, "households", fmt.whole_number, minimum=1, maximum=99)
        for column in ("subtotal", "vat_amount", "total"):
            rec[column] = optional_value(item, column, fmt.money)
        rec["payment_date"] = optional_value(item, "payment_date", fmt.vn_date)
        rec["payment_channel"] = optional_value(item, "payment_channel", fmt.choice, PAYMENT_CHANNELS)
        rec["reminders_sent"] = (
            optional_value(item, "reminders_sent", fmt.whole_number, minimum=0, maximum=99) or 0
        )
        start, end, issue = rec["period_start"], rec["period_end"], rec["issue_date"]
        if start and end and end < start:
            item.fail("period_end", "is before period_start")
        if end and issue and issue < end:
            item.fail("issue_date", "is before the end of the billing period")
        if issue and issue > ctx.today:
            item.fail("issue_date", f"{issue:%d/%m/%Y} is in the future")
        if issue and rec["due_date"] is None:
            rec["due_date"] = issue + timedelta(days=PAYMENT_TERM_DAYS)
        if issue and rec["due_date"] < issue:
            item.fail("due_date", "is before the issue date")
        paid = rec["payment_date"]
        if paid is not None:
            if issue and paid < issue:
                item.fail("payment_date", "is before the issue date")
            if paid > ctx.today:
                item.fail("payment_date", f"{paid:%d/%m/%Y} is in the future")
        elif rec["payment_channel"]:
            item.fail("payment_channel", "is given without a payment_date")

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"], rec["period_end"])

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        customers = customer_ids(session, items, Customer.households)
        schedule = ctx.cache["schedule"]
        for item in items:
            rec = item.rec
            customer = customers.get(rec["code"])
            if customer is None:
                item.fail("customer_code", f"unknown customer {rec['code']} (import the customers first)")
                continue
            rec["customer_id"] = customer.id
            households = rec["households"] or customer.households
            try:
                bill = compute_bill(rec["kwh"], rec["period_start"], rec["period_end"], households, schedule)
            except ValueError as exc:
                item.fail("period_start", f"cannot be billed: {exc}")
                continue
            for column, engine_value in (
                ("subtotal", bill.subtotal),
                ("vat_amount", bill.vat_amount),
                ("total", bill.total),
            ):
                given = rec[column]
                if given is not None and given != engine_value:
                    item.fail(
                        column,
                        f"{format_money(given)} differs from the tariff engine's "
                        f"{format_money(engine_value)} ({number_text(rec['kwh'])} kWh, "
                        f"{format_period(rec['period_start'], rec['period_end'])}, "
                        f"{households} household(s))",
                    )
            rec["bill"] = bill
        known = [item for item in items if not item.errors]
        ids = {item.rec["customer_id"] for item in known}
        ends = {item.rec["period_end"] for item in known}
        if not known:
            ctx.cache["existing"], ctx.cache["readings"] = {}, {}
            return
        first, last = min(ends), max(ends)
        readings = select_in(
            session,
            lambda part: select(
                MeterReading.id, MeterReading.customer_id, MeterReading.reading_date, MeterReading.kwh
            ).where(MeterReading.customer_id.in_(part), MeterReading.reading_date.between(first, last)),
            ids,
        )
        by_date = {(row.customer_id, row.reading_date): row for row in readings}
        ctx.cache["readings"] = by_date
        for item in known:
            rec = item.rec
            reading = by_date.get((rec["customer_id"], rec["period_end"]))
            if reading is not None and reading.kwh != rec["kwh"]:
                item.fail(
                    "kwh",
                    f"{number_text(rec['kwh'])} kWh differs from the meter reading of "
                    f"{rec['period_end']:%d/%m/%Y} ({number_text(reading.kwh)} kWh)",
                )
        table = Invoice.__table__
        rows = select_in(
            session,
            lambda part: select(table).where(
                table.c.customer_id.in_(part), table.c.period_end.between(first, last)
            ),
            ids,
        )
        ctx.cache["existing"] = {(row.customer_id, row.period_end): row for row in rows}

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        existing = ctx.cache["existing"]
        readings = ctx.cache["readings"]
        inserts, updates, relined = [], [], []
        for item in items:
            rec = item.rec
            bill = rec["bill"]
            reading = readings.get((rec["customer_id"], rec["period_end"]))
            values = {
                "period_start": rec["period_start"],
                "kwh": rec["kwh"],
                "subtotal": whole_dong(bill.subtotal),
                "vat_rate": bill.vat_rate,
                "vat_amount": whole_dong(bill.vat_amount),
                "total": whole_dong(bill.total),
                "issue_date": rec["issue_date"],
                "due_date": rec["due_date"],
                "payment_date": rec["payment_date"],
                "payment_channel": rec["payment_channel"],
                "reminders_sent": rec["reminders_sent"],
                "reading_id": reading.id if reading is not None else None,
            }
            current = existing.get((rec["customer_id"], rec["period_end"]))
            if current is None:
                inserts.append({"customer_id": rec["customer_id"], "period_end": rec["period_end"], **values})
                continue
            if not ctx.has("reminders_sent"):
                values.pop("reminders_sent")
            changes = changed_values(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
                if {"period_start", "kwh", "subtotal", "vat_amount", "total"} & changes.keys():
                    relined.append((current.id, bill))
            else:
                ctx.report.unchanged += 1
        bulk_insert(session, Invoice.__table__, inserts)
        update_by_id(session, Invoice.__table__, updates)
        if relined:
            ids = [invoice_id for invoice_id, _ in relined]
            for part in chunks(ids):
                session.execute(delete(InvoiceLine.__table__).where(InvoiceLine.invoice_id.in_(part)))
        new_ids: dict[tuple[int, date], int] = {}
        if inserts:
            table = Invoice.__table__
            keys = {(row["customer_id"], row["period_end"]) for row in inserts}
            first = min(end for _, end in keys)
            last = max(end for _, end in keys)
            rows = select_in(
                session,
                lambda part: select(table.c.id, table.c.customer_id, table.c.period_end).where(
                    table.c.customer_id.in_(part), table.c.period_end.between(first, last)
                ),
                {customer_id for customer_id, _ in keys},
            )
            new_ids = {
                (row.customer_id, row.period_end): row.id
                for row in rows
                if (row.customer_id, row.period_end) in keys
            }
        lines: list[dict[str, Any]] = []
        for item in items:
            key = (item.rec["customer_id"], item.rec["period_end"])
            if key in new_ids:
                lines.extend(invoice_line_rows(new_ids[key], item.rec["bill"]))
        for invoice_id, bill in relined:
            lines.extend(invoice_line_rows(invoice_id, bill))
        bulk_insert(session, InvoiceLine.__table__, lines)
        ctx.report.inserted += len(inserts)
        ctx.report.updated += len(updates)
