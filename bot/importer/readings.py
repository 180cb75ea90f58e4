"""Importing meter readings (natural key: customer and reading date); kWh = (new - old) x multiplier."""

from __future__ import annotations

import bisect
import calendar
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Customer,
    MeterReading,
    ReadingSource,
)
from bot.domain.formatting import format_number as _n  # short: inside long messages
from bot.importer import fields as fmt
from bot.importer.bulk import bulk_insert
from bot.importer.framework import (
    Context,
    Item,
    Kind,
    changed_values,
    customer_ids,
    field_value,
    optional_value,
    select_in,
    update_by_id,
)

MAX_INDEX = 10**12
READING_SOURCES = {
    "read": ReadingSource.READ.value,
    "đọc": ReadingSource.READ.value,
    "estimated": ReadingSource.ESTIMATED.value,
    "ước tính": ReadingSource.ESTIMATED.value,
}


# ------------------------------------------------------------------------- readings


class ReadingImport(Kind):
    name = "readings"
    required = ("customer_code", "reading_date", "old_index", "new_index")
    optional = ("period_start", "kwh", "source")
    key_label = "customer and reading date"

    def parse(self, item: Item, ctx: Context) -> None:
        rec = item.rec
        rec["code"] = field_value(item, "customer_code", fmt.customer_code)
        rec["reading_date"] = field_value(item, "reading_date", fmt.vn_date)
        rec["old_index"] = field_value(item, "old_index", fmt.whole_number, minimum=0, maximum=MAX_INDEX)
        rec["new_index"] = field_value(item, "new_index", fmt.whole_number, minimum=0, maximum=MAX_INDEX)
        rec["period_start"] = optional_value(item, "period_start", fmt.vn_date)
        rec["kwh"] = optional_value(item, "kwh", fmt.whole_number, minimum=0)
        rec["source"] = field_value(
            item, "source", fmt.choice, READING_SOURCES, default=ReadingSource.READ.value
        )
        old, new = rec["old_index"], rec["new_index"]
        if old is not None and new is not None and new < old:
            item.fail(
                "new_index",
                f"impossible reading: the new index {_n(new)} is below the old index {_n(old)} "
                "(a meter replacement or rollover must be entered by hand)",
            )
        reading_date = rec["reading_date"]
        if reading_date is not None:
            if reading_date > ctx.today:
                item.fail("reading_date", f"{reading_date:%d/%m/%Y} is in the future")
            if rec["period_start"] is not None and rec["period_start"] > reading_date:
                item.fail("period_start", "is after the reading date")

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"], rec["reading_date"])

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        customers = customer_ids(session, items, Customer.meter_multiplier)
        ctx.cache["customers"] = customers
        for item in items:
            customer = customers.get(item.rec["code"])
            if customer is None:
                item.fail(
                    "customer_code", f"unknown customer {item.rec['code']} (import the customers first)"
                )
                continue
            kwh = (item.rec["new_index"] - item.rec["old_index"]) * customer.meter_multiplier
            if item.rec["kwh"] is not None and item.rec["kwh"] != kwh:
                item.fail(
                    "kwh",
                    f"{_n(item.rec['kwh'])} kWh does not match the indexes: "
                    f"({_n(item.rec['new_index'])} - {_n(item.rec['old_index'])}) x "
                    f"{customer.meter_multiplier} = {_n(kwh)} kWh",
                )
            item.rec["customer_id"] = customer.id
            item.rec["kwh"] = kwh
        known = [item for item in items if not item.errors]
        if not known:
            ctx.cache["existing"] = {}
            return
        first = min(item.rec["reading_date"] for item in known) - timedelta(days=120)
        last = max(item.rec["reading_date"] for item in known)
        ids = {item.rec["customer_id"] for item in known}
        table = MeterReading.__table__
        rows = select_in(
            session,
            lambda part: select(table).where(
                table.c.customer_id.in_(part), table.c.reading_date.between(first, last)
            ),
            ids,
        )
        existing = {(row.customer_id, row.reading_date): row for row in rows}
        ctx.cache["existing"] = existing
        # Reading dates per customer (database and this chunk) for default period starts.
        dates: dict[int, list[date]] = {}
        for customer_id, reading_date in existing:
            dates.setdefault(customer_id, []).append(reading_date)
        for item in known:
            dates.setdefault(item.rec["customer_id"], []).append(item.rec["reading_date"])
        for values in dates.values():
            values.sort()
        for item in known:
            rec = item.rec
            current = existing.get((rec["customer_id"], rec["reading_date"]))
            if rec["period_start"] is None:
                if current is not None and not ctx.has("period_start"):
                    rec["period_start"] = current.period_start
                else:
                    rec["period_start"] = _default_period_start(
                        dates[rec["customer_id"]], rec["reading_date"]
                    )

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        existing = ctx.cache["existing"]
        inserts, updates = [], []
        for item in items:
            rec = item.rec
            values = {
                "period_start": rec["period_start"],
                "period_end": rec["reading_date"],
                "old_index": rec["old_index"],
                "new_index": rec["new_index"],
                "kwh": rec["kwh"],
                "source": rec["source"],
            }
            current = existing.get((rec["customer_id"], rec["reading_date"]))
            if current is None:
                inserts.append(
                    {"customer_id": rec["customer_id"], "reading_date": rec["reading_date"], **values}
                )
                continue
            if not ctx.has("source"):
                values.pop("source")
            changes = changed_values(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
            else:
                ctx.report.unchanged += 1
        bulk_insert(session, MeterReading.__table__, inserts)
        update_by_id(session, MeterReading.__table__, updates)
        ctx.report.inserted += len(inserts)
        ctx.report.updated += len(updates)


def _default_period_start(dates: list[date], reading_date: date) -> date:
    """The day after the previous reading; without one, the day after the same day a
    month earlier (a regular monthly cycle)."""
    index = bisect.bisect_left(dates, reading_date)
    if index > 0:
        return dates[index - 1] + timedelta(days=1)
    return _month_before(reading_date) + timedelta(days=1)


def _month_before(day: date) -> date:
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
