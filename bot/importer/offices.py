"""Importing customer offices (natural key: the office code)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.db.models import Office
from bot.domain.hours import HoursError, parse_hours
from bot.importer import fields as fmt
from bot.importer.csv_format import FieldError
from bot.importer.framework import (
    Context,
    Item,
    Kind,
    changed_values,
    executemany,
    field_value,
    select_in,
    update_by_id,
)

_UNIT_RE = re.compile(r"^[A-Z]{2}\d{4}$")


def managing_unit(value: str) -> str:
    unit = re.sub(r"[\s.-]", "", value).upper()
    if not _UNIT_RE.match(unit):
        raise FieldError("is not a managing unit (2 letters and 4 digits, e.g. PB0501)")
    return unit


def opening_hours(value: str) -> str:
    spec = " ".join(value.split())
    try:
        parse_hours(spec)
    except HoursError as error:
        raise FieldError(f"opening hours: {error}") from error
    return spec


class OfficeImport(Kind):
    name = "offices"
    required = ("code", "name", "managing_unit", "province", "ward", "address", "opening_hours")
    optional = ()
    key_label = "office code"

    def parse(self, item: Item, ctx: Context) -> None:
        rec = item.rec
        code = field_value(item, "code", fmt.text, max_length=20, required=True)
        rec["code"] = code.upper() if code else None
        rec["name"] = field_value(item, "name", fmt.text, max_length=200, required=True)
        rec["managing_unit"] = field_value(item, "managing_unit", managing_unit)
        rec["province"] = field_value(item, "province", fmt.text, max_length=100, required=True)
        rec["ward"] = field_value(item, "ward", fmt.text, max_length=100, required=True)
        rec["address"] = field_value(item, "address", fmt.text, max_length=300, required=True)
        rec["opening_hours"] = field_value(item, "opening_hours", opening_hours)

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"],)

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        table = Office.__table__
        rows = select_in(
            session, lambda part: select(table).where(table.c.code.in_(part)), (i.rec["code"] for i in items)
        )
        ctx.cache["existing"] = {row.code: row for row in rows}

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        existing = ctx.cache["existing"]
        inserts, updates = [], []
        for item in items:
            values = {name: item.rec[name] for name in self.required}
            current = existing.get(item.rec["code"])
            if current is None:
                inserts.append(values)
                continue
            changes = changed_values(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
                ctx.report.updated += 1
            else:
                ctx.report.unchanged += 1
        executemany(session, insert(Office.__table__), inserts)
        update_by_id(session, Office.__table__, updates)
        ctx.report.inserted += len(inserts)
