"""CSV import: ``python -m bot import customers|readings|invoices|outages FILE``.

Formats are documented in docs/data-import.md; file-level parsing (encoding, header,
field formats) is :mod:`bot.db.csv_format`. This module validates rows against the
database and upserts them on their natural keys:

=========  ===================================  ===================================
kind       natural key                         notes
=========  ===================================  ===================================
customers  customer code                        creates missing stations and feeders
readings   (customer, reading date)             kWh = (new - old) x meter multiplier
invoices   (customer, period end)               billed by the tariff engine
outages    outage code                          planned outages, stations and wards
=========  ===================================  ===================================

The file is streamed and written in chunks (bulk selects, inserts and updates), all
in one transaction: by default a file with any bad row loads nothing (every bad row
is reported); with ``skip_bad`` the good rows are committed and the bad ones written
to a rejects file. Re-importing a file changes nothing (rows compare equal and are
counted as unchanged). Every statement is parameterised: text is stored verbatim.
"""

from __future__ import annotations

import argparse
import bisect
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot import clock
from bot.db import csv_format as fmt
from bot.db.csv_format import CsvFileError, FieldError, RawRow, RowError
from bot.db.models import (
    Customer,
    Feeder,
    Invoice,
    InvoiceLine,
    MeterReading,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    ReadingSource,
    Station,
    SupplyStatus,
    TariffGroup,
    planned_outage_stations,
)
from bot.db.session import make_engine, session_factory

log = logging.getLogger(__name__)

KINDS = ("customers", "readings", "invoices", "outages")
DEFAULT_CHUNK_SIZE = 1000
MAX_KEPT_ERRORS = 1000
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
READING_SOURCES = {
    "read": ReadingSource.READ.value,
    "đọc": ReadingSource.READ.value,
    "estimated": ReadingSource.ESTIMATED.value,
    "ước tính": ReadingSource.ESTIMATED.value,
}
TARIFF_GROUPS = {
    "residential": TariffGroup.RESIDENTIAL.value,
    "sinh hoạt": TariffGroup.RESIDENTIAL.value,
    "business": TariffGroup.BUSINESS.value,
    "kinh doanh": TariffGroup.BUSINESS.value,
}
SUPPLY_STATUSES = {
    "normal": SupplyStatus.NORMAL.value,
    "suspended": SupplyStatus.SUSPENDED.value,
}
OUTAGE_STATUSES = {status.value: status.value for status in OutageStatus}


# --------------------------------------------------------------------------- report


@dataclass
class ImportReport:
    """What an import did. Counts of a rolled-back import are all zero but ``read``,
    ``rejected`` and ``good`` (rows that passed validation)."""

    kind: str
    path: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    good: int = 0
    committed: bool = False
    skip_bad: bool = False
    file_error: str | None = None
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    warnings: list[RowError] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)  # e.g. stations created
    rejects_path: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.committed and self.rejected == 0

    def summary(self) -> str:
        if self.file_error:
            return f"{self.path}: refused, nothing loaded: {self.file_error}"
        counts = (
            f"read {self.read}, inserted {self.inserted}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )
        extra = "".join(f", {name} {count}" for name, count in self.extra.items() if count)
        if not self.committed:
            return (
                f"{self.path}: nothing loaded: {self.rejected} bad row(s) of {self.read} "
                f"({self.good} good). Fix them, or run with --skip-bad to load the good rows."
            )
        return f"{self.path}: {self.kind} {counts}{extra} ({self.seconds:.1f} s)"


class ImportAborted(Exception):
    """Raised inside the transaction to roll it back (a file-level fault mid-stream)."""


# ------------------------------------------------------------------------ framework


@dataclass
class _Item:
    row: RawRow
    rec: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str | None, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason))


@dataclass
class _Context:
    present: set[str]
    today: date
    report: ImportReport
    cache: dict[str, Any] = field(default_factory=dict)

    def has(self, column: str) -> bool:
        return column in self.present


def _field(item: _Item, column: str, parser: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Parse ``column`` of the row with ``parser``; on failure note the error, return None."""
    try:
        return parser(item.row.get(column), *args, **kwargs)
    except FieldError as exc:
        item.fail(column, str(exc))
        return None


def _optional(item: _Item, column: str, parser: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Like :func:`_field` but an empty value is None."""
    if not item.row.get(column):
        return None
    return _field(item, column, parser, *args, **kwargs)


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(
    session: Session, statement_for: Callable[[Sequence[Any]], Any], values: Iterable[Any]
) -> list[Any]:
    """Run ``statement_for(part)`` for parts of ``values`` (bounded IN lists)."""
    values = sorted(set(values))
    rows: list[Any] = []
    for part in _chunks(values):
        rows.extend(session.execute(statement_for(part)).all())
    return rows


def _executemany(session: Session, statement: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(statement, rows)


BULK_CHUNK = 5000


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows (dicts with the same keys) into ``table``, fast.

    On SQLite the statement is compiled once and the values are converted by the
    columns' own bind processors (the same conversions SQLAlchemy applies), then
    handed to the driver's ``executemany``: it skips SQLAlchemy's per-row parameter
    machinery, the bulk of the cost. Other databases use Core's executemany, which
    psycopg2 already batches.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        for start in range(0, len(rows), BULK_CHUNK):
            session.execute(insert(table), rows[start : start + BULK_CHUNK])
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup)  # the placeholders' order (the table's, not the dicts')
    if set(order) != set(rows[0]):
        raise ValueError(f"unexpected columns for {table.name}: {sorted(set(rows[0]) ^ set(order))}")
    processors = [
        (name, _memoised(table.c[name].type.dialect_impl(dialect).bind_processor(dialect))) for name in order
    ]
    sql = str(compiled)
    for start in range(0, len(rows), BULK_CHUNK):
        params = [
            tuple(row[name] if process is None else process(row[name]) for name, process in processors)
            for row in rows[start : start + BULK_CHUNK]
        ]
        connection.exec_driver_sql(sql, params)


def _memoised(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """A bind processor that remembers its results (prices, rates, dates repeat a lot)."""
    if process is None:
        return None
    memo: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            if len(memo) > 100_000:
                memo.clear()
            result = memo[value] = process(value)
            return result
        except TypeError:  # unhashable: convert every time
            return process(value)

    return run


def _update_by_id(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE ... WHERE id = :_id, grouped by the set of columns each row changes."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        columns = tuple(sorted(name for name in row if name != "_id"))
        groups.setdefault(columns, []).append(row)
    for columns, group in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in columns})
        )
        session.execute(statement, group)


def _changes(existing: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that differ from the row ``existing``."""
    return {name: value for name, value in values.items() if getattr(existing, name) != value}


class _Kind:
    name = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    key_label = ""

    def begin(self, session: Session, ctx: _Context) -> None:
        """Once per import, inside the transaction, before any row."""

    def parse(self, item: _Item, ctx: _Context) -> None:
        raise NotImplementedError

    def key(self, rec: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def show_key(self, key: tuple) -> str:
        return " ".join(
            fmt_value.strftime("%d/%m/%Y") if isinstance(fmt_value, date) else str(fmt_value)
            for fmt_value in key
        )

    def resolve(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        """Checks against the database; adds errors to items; fills ids."""

    def write(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        raise NotImplementedError


def _customer_ids(session: Session, items: list[_Item], *columns: Any) -> dict[str, Any]:
    """Customer rows by code for the items' ``rec["code"]`` (unknown codes are absent)."""
    rows = _select_in(
        session,
        lambda part: select(Customer.code, Customer.id, *columns).where(Customer.code.in_(part)),
        (item.rec["code"] for item in items),
    )
    return {row.code: row for row in rows}


# ------------------------------------------------------------------------ customers


class _Customers(_Kind):
    name = "customers"
    required = ("customer_code", "name", "province", "ward", "reading_day")
    optional = (
        "phone",
        "address",
        "old_province",
        "old_district",
        "old_ward",
        "station_code",
        "station_name",
        "feeder_code",
        "feeder_name",
        "households",
        "meter_multiplier",
        "tariff_group",
        "supply_status",
        "suspended_at",
        "restored_at",
        "notices_sent",
    )
    key_label = "customer code"
    # file column -> customers table column, for the columns copied as they are
    _DIRECT = {
        "name": "name",
        "phone": "phone",
        "address": "address",
        "province": "province",
        "ward": "ward",
        "old_province": "old_province",
        "old_district": "old_district",
        "old_ward": "old_ward",
        "households": "households",
        "meter_multiplier": "meter_multiplier",
        "reading_day": "reading_day",
        "tariff_group": "tariff_group",
        "supply_status": "supply_status",
        "suspended_at": "suspended_at",
        "restored_at": "restored_at",
        "notices_sent": "notices_sent",
    }

    def parse(self, item: _Item, ctx: _Context) -> None:
        rec = item.rec
        rec["code"] = _field(item, "customer_code", fmt.customer_code)
        rec["name"] = _field(item, "name", fmt.text, max_length=200, required=True)
        rec["phone"] = _field(item, "phone", fmt.phone)
        rec["address"] = _field(item, "address", fmt.text, max_length=300)
        rec["province"] = _field(item, "province", fmt.text, max_length=100, required=True)
        rec["ward"] = _field(item, "ward", fmt.text, max_length=100, required=True)
        for column in ("old_province", "old_district", "old_ward"):
            rec[column] = _field(item, column, fmt.text, max_length=100)
        rec["station_code"] = _field(item, "station_code", fmt.text, max_length=32)
        rec["station_name"] = _field(item, "station_name", fmt.text, max_length=200)
        rec["feeder_code"] = _field(item, "feeder_code", fmt.text, max_length=32)
        rec["feeder_name"] = _field(item, "feeder_name", fmt.text, max_length=200)
        rec["households"] = _optional(item, "households", fmt.whole_number, minimum=1, maximum=99) or 1
        rec["meter_multiplier"] = (
            _optional(item, "meter_multiplier", fmt.whole_number, minimum=1, maximum=100_000) or 1
        )
        rec["reading_day"] = _field(item, "reading_day", fmt.whole_number, minimum=1, maximum=31)
        rec["tariff_group"] = _field(
            item, "tariff_group", fmt.choice, TARIFF_GROUPS, default=TariffGroup.RESIDENTIAL.value
        )
        rec["supply_status"] = _field(
            item, "supply_status", fmt.choice, SUPPLY_STATUSES, default=SupplyStatus.NORMAL.value
        )
        rec["suspended_at"] = _optional(item, "suspended_at", _date_or_datetime)
        rec["restored_at"] = _optional(item, "restored_at", _date_or_datetime)
        rec["notices_sent"] = _optional(item, "notices_sent", fmt.whole_number, minimum=0, maximum=99) or 0
        if (rec["feeder_code"] or rec["station_name"] or rec["feeder_name"]) and not rec["station_code"]:
            item.fail("station_code", "is required when a station name or feeder is given")
        if rec["supply_status"] == SupplyStatus.SUSPENDED.value and not rec["suspended_at"]:
            item.fail("suspended_at", "is required when supply_status is suspended")
        if rec["code"]:
            rec["managing_unit"] = rec["code"][:6]

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"],)

    def resolve(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        codes = {item.rec["station_code"] for item in items if item.rec["station_code"]}
        stations = _select_in(
            session,
            lambda part: select(Station.code, Station.id, Station.name, Station.feeder_id).where(
                Station.code.in_(part)
            ),
            codes,
        )
        ctx.cache["stations"] = {row.code: row for row in stations}
        feeder_codes = {item.rec["feeder_code"] for item in items if item.rec["feeder_code"]}
        feeders = _select_in(
            session,
            lambda part: select(Feeder.code, Feeder.id).where(Feeder.code.in_(part)),
            feeder_codes,
        )
        ctx.cache["feeders"] = {row.code: row.id for row in feeders}
        columns = [Customer.__table__.c[name] for name in set(self._DIRECT.values())]
        ctx.cache["customers"] = _customer_ids(session, items, Customer.station_id, *columns)

    def write(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        report = ctx.report
        feeders: dict[str, int] = ctx.cache["feeders"]
        new_feeders: dict[str, dict[str, Any]] = {}
        for item in items:
            code = item.rec["feeder_code"]
            if code and code not in feeders and code not in new_feeders:
                new_feeders[code] = {
                    "code": code,
                    "name": item.rec["feeder_name"] or code,
                    "managing_unit": item.rec["managing_unit"],
                }
        if new_feeders:
            _executemany(session, insert(Feeder.__table__), list(new_feeders.values()))
            rows = _select_in(
                session,
                lambda part: select(Feeder.code, Feeder.id).where(Feeder.code.in_(part)),
                new_feeders,
            )
            feeders.update({row.code: row.id for row in rows})
            report.extra["feeders created"] = report.extra.get("feeders created", 0) + len(new_feeders)

        stations = ctx.cache["stations"]
        new_stations: dict[str, dict[str, Any]] = {}
        station_updates: dict[str, dict[str, Any]] = {}
        for item in items:
            rec = item.rec
            code = rec["station_code"]
            if not code:
                continue
            feeder_id = feeders.get(rec["feeder_code"]) if rec["feeder_code"] else None
            existing = stations.get(code)
            if existing is None:
                if code not in new_stations:
                    new_stations[code] = {
                        "code": code,
                        "name": rec["station_name"] or f"TBA {code}",
                        "feeder_id": feeder_id,
                        "province": rec["province"],
                        "ward": rec["ward"],
                        "managing_unit": rec["managing_unit"],
                    }
                continue
            wanted: dict[str, Any] = {}
            if rec["station_name"]:
                wanted["name"] = rec["station_name"]
            if feeder_id is not None:
                wanted["feeder_id"] = feeder_id
            changes = _changes(existing, wanted)
            if changes:
                station_updates.setdefault(code, {"_id": existing.id}).update(changes)
        if new_stations:
            _executemany(session, insert(Station.__table__), list(new_stations.values()))
            report.extra["stations created"] = report.extra.get("stations created", 0) + len(new_stations)
            rows = _select_in(
                session,
                lambda part: select(Station.code, Station.id, Station.name, Station.feeder_id).where(
                    Station.code.in_(part)
                ),
                new_stations,
            )
            stations.update({row.code: row for row in rows})
        if station_updates:
            _update_by_id(session, Station.__table__, list(station_updates.values()))
            report.extra["stations updated"] = report.extra.get("stations updated", 0) + len(station_updates)

        existing_customers = ctx.cache["customers"]
        inserts, updates = [], []
        present = [column for column in self._DIRECT if ctx.has(column)]
        for item in items:
            rec = item.rec
            values = {self._DIRECT[column]: rec[column] for column in present}
            if ctx.has("station_code"):
                values["station_id"] = stations[rec["station_code"]].id if rec["station_code"] else None
            current = existing_customers.get(rec["code"])
            if current is None:
                full = {self._DIRECT[column]: rec[column] for column in self._DIRECT}
                full.update(values)
                full.setdefault("station_id", None)
                full["code"] = rec["code"]
                full["managing_unit"] = rec["managing_unit"]
                inserts.append(full)
                continue
            changes = _changes(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
            else:
                report.unchanged += 1
        bulk_insert(session, Customer.__table__, inserts)
        _update_by_id(session, Customer.__table__, updates)
        report.inserted += len(inserts)
        report.updated += len(updates)


def _date_or_datetime(value: str) -> datetime:
    """``dd/mm/yyyy HH:MM`` or ``dd/mm/yyyy`` (midnight), Vietnam time."""
    if " " in value.strip() or ":" in value:
        return fmt.vn_datetime(value)
    day = fmt.vn_date(value)
    return datetime.combine(day, dtime(0, 0), tzinfo=clock.VN_TZ)


# ------------------------------------------------------------------------- readings


class _Readings(_Kind):
    name = "readings"
    required = ("customer_code", "reading_date", "old_index", "new_index")
    optional = ("period_start", "kwh", "source")
    key_label = "customer and reading date"

    def parse(self, item: _Item, ctx: _Context) -> None:
        rec = item.rec
        rec["code"] = _field(item, "customer_code", fmt.customer_code)
        rec["reading_date"] = _field(item, "reading_date", fmt.vn_date)
        rec["old_index"] = _field(item, "old_index", fmt.whole_number, minimum=0, maximum=MAX_INDEX)
        rec["new_index"] = _field(item, "new_index", fmt.whole_number, minimum=0, maximum=MAX_INDEX)
        rec["period_start"] = _optional(item, "period_start", fmt.vn_date)
        rec["kwh"] = _optional(item, "kwh", fmt.whole_number, minimum=0)
        rec["source"] = _field(item, "source", fmt.choice, READING_SOURCES, default=ReadingSource.READ.value)
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

    def resolve(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        customers = _customer_ids(session, items, Customer.meter_multiplier)
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
        rows = _select_in(
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

    def write(self, session: Session, items: list[_Item], ctx: _Context) -> None:
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
            changes = _changes(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
            else:
                ctx.report.unchanged += 1
        bulk_insert(session, MeterReading.__table__, inserts)
        _update_by_id(session, MeterReading.__table__, updates)
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
    import calendar

    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _n(value: int) -> str:
    from bot.services.formatting import format_number

    return format_number(value)


# ------------------------------------------------------------------------- invoices


class _Invoices(_Kind):
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

    def begin(self, session: Session, ctx: _Context) -> None:
        from bot.db.tariff_sync import sync_tariffs
        from bot.services.tariff import load_schedule

        schedule = load_schedule()
        sync_tariffs(session, schedule)  # invoice lines reference the tariff versions
        ctx.cache["schedule"] = schedule

    def parse(self, item: _Item, ctx: _Context) -> None:
        rec = item.rec
        rec["code"] = _field(item, "customer_code", fmt.customer_code)
        rec["period_start"] = _field(item, "period_start", fmt.vn_date)
        rec["period_end"] = _field(item, "period_end", fmt.vn_date)
        rec["kwh"] = _field(item, "kwh", fmt.whole_number, minimum=0, maximum=10_000_000)
        rec["issue_date"] = _field(item, "issue_date", fmt.vn_date)
        rec["due_date"] = _optional(item, "due_date", fmt.vn_date)
        rec["households"] = _optional(item, "households", fmt.whole_number, minimum=1, maximum=99)
        for column in ("subtotal", "vat_amount", "total"):
            rec[column] = _optional(item, column, fmt.money)
        rec["payment_date"] = _optional(item, "payment_date", fmt.vn_date)
        rec["payment_channel"] = _optional(item, "payment_channel", fmt.choice, PAYMENT_CHANNELS)
        rec["reminders_sent"] = (
            _optional(item, "reminders_sent", fmt.whole_number, minimum=0, maximum=99) or 0
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

    def resolve(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        from bot.services.formatting import format_money, format_period
        from bot.services.tariff import compute_bill

        customers = _customer_ids(session, items, Customer.households)
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
                        f"{format_money(engine_value)} ({_n(rec['kwh'])} kWh, "
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
        readings = _select_in(
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
                    f"{_n(rec['kwh'])} kWh differs from the meter reading of "
                    f"{rec['period_end']:%d/%m/%Y} ({_n(reading.kwh)} kWh)",
                )
        table = Invoice.__table__
        rows = _select_in(
            session,
            lambda part: select(table).where(
                table.c.customer_id.in_(part), table.c.period_end.between(first, last)
            ),
            ids,
        )
        ctx.cache["existing"] = {(row.customer_id, row.period_end): row for row in rows}

    def write(self, session: Session, items: list[_Item], ctx: _Context) -> None:
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
                "subtotal": _whole(bill.subtotal),
                "vat_rate": bill.vat_rate,
                "vat_amount": _whole(bill.vat_amount),
                "total": _whole(bill.total),
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
            changes = _changes(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
                if {"period_start", "kwh", "subtotal", "vat_amount", "total"} & changes.keys():
                    relined.append((current.id, bill))
            else:
                ctx.report.unchanged += 1
        bulk_insert(session, Invoice.__table__, inserts)
        _update_by_id(session, Invoice.__table__, updates)
        if relined:
            ids = [invoice_id for invoice_id, _ in relined]
            for part in _chunks(ids):
                session.execute(delete(InvoiceLine.__table__).where(InvoiceLine.invoice_id.in_(part)))
        new_ids: dict[tuple[int, date], int] = {}
        if inserts:
            table = Invoice.__table__
            keys = {(row["customer_id"], row["period_end"]) for row in inserts}
            first = min(end for _, end in keys)
            last = max(end for _, end in keys)
            rows = _select_in(
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


def _whole(amount: Any) -> int:
    value = int(amount)
    if value != amount:
        raise ValueError(f"amount {amount} is not whole đồng")
    return value


def invoice_line_rows(invoice_id: int, bill: Any) -> list[dict[str, Any]]:
    """``invoice_lines`` rows for a :class:`bot.services.tariff.Bill` (shared with the demo)."""
    split = len(bill.segments) > 1
    segments = {segment.index: segment for segment in bill.segments}
    rows = []
    for line in bill.lines:
        segment = segments[line.segment]
        width = segment.tier_widths[line.tier - 1]
        rows.append(
            {
                "invoice_id": invoice_id,
                "part": line.segment,
                "part_start": segment.start if split else None,
                "part_end": segment.end if split else None,
                "tier": line.tier,
                "tier_kwh_limit": width,
                "kwh": line.kwh,
                "unit_price": line.unit_price,
                "amount": _whole(line.amount),
                "vat_rate": line.vat_rate,
                "tariff_code": line.tariff_code,
            }
        )
    return rows


# -------------------------------------------------------------------------- outages


class _Outages(_Kind):
    name = "outages"
    required = ("code", "starts_at", "ends_at", "reason")
    optional = ("area", "province", "wards", "stations", "announced_at", "status")
    key_label = "outage code"

    def parse(self, item: _Item, ctx: _Context) -> None:
        rec = item.rec
        rec["code"] = _field(item, "code", fmt.text, max_length=32, required=True)
        rec["starts_at"] = _field(item, "starts_at", fmt.vn_datetime)
        rec["ends_at"] = _field(item, "ends_at", fmt.vn_datetime)
        rec["reason"] = _field(item, "reason", fmt.text, max_length=1000, required=True)
        rec["area"] = _field(item, "area", fmt.text, max_length=2000)
        rec["province"] = _field(item, "province", fmt.text, max_length=100)
        rec["wards"] = _field(item, "wards", fmt.code_list, max_length=100) or []
        rec["stations"] = _field(item, "stations", fmt.code_list, max_length=32) or []
        rec["announced_at"] = _optional(item, "announced_at", fmt.vn_datetime)
        rec["status"] = _field(
            item, "status", fmt.choice, OUTAGE_STATUSES, default=OutageStatus.SCHEDULED.value
        )
        starts, ends, announced = rec["starts_at"], rec["ends_at"], rec["announced_at"]
        if starts and ends and ends <= starts:
            item.fail("ends_at", "is not after starts_at")
        if not item.errors and not rec["stations"] and not rec["wards"]:
            item.fail("stations", "an outage needs stations or wards (or both)")
        if rec["wards"] and not rec["province"]:
            item.fail("province", "is required when wards are given")
        if starts and announced:
            if announced > starts:
                item.fail("announced_at", "is after the start of the outage")
            elif starts - announced < MIN_NOTICE and not item.errors:
                ctx.report.warnings.append(
                    RowError(
                        item.row.line,
                        "announced_at",
                        f"announced {_days(starts - announced)} before the start: less than "
                        "the 5 days' notice the rules require (loaded anyway)",
                    )
                )

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"],)

    def resolve(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        codes = {code for item in items for code in item.rec["stations"]}
        rows = _select_in(
            session, lambda part: select(Station.code, Station.id).where(Station.code.in_(part)), codes
        )
        stations = {row.code: row.id for row in rows}
        for item in items:
            unknown = [code for code in item.rec["stations"] if code not in stations]
            if unknown:
                item.fail("stations", f"unknown station(s): {', '.join(unknown)}")
            item.rec["station_ids"] = sorted({stations[c] for c in item.rec["stations"] if c in stations})
        table = PlannedOutage.__table__
        existing = _select_in(
            session,
            lambda part: select(table).where(table.c.code.in_(part)),
            (item.rec["code"] for item in items),
        )
        ctx.cache["existing"] = {row.code: row for row in existing}
        ids = [row.id for row in existing]
        links = _select_in(
            session,
            lambda part: select(planned_outage_stations).where(planned_outage_stations.c.outage_id.in_(part)),
            ids,
        )
        wards = _select_in(
            session,
            lambda part: select(PlannedOutageWard.__table__).where(
                PlannedOutageWard.__table__.c.outage_id.in_(part)
            ),
            ids,
        )
        station_sets: dict[int, set[int]] = {}
        for link in links:
            station_sets.setdefault(link.outage_id, set()).add(link.station_id)
        ward_sets: dict[int, set[tuple[str, str]]] = {}
        for ward in wards:
            ward_sets.setdefault(ward.outage_id, set()).add((ward.province, ward.ward))
        ctx.cache["station_sets"], ctx.cache["ward_sets"] = station_sets, ward_sets

    def write(self, session: Session, items: list[_Item], ctx: _Context) -> None:
        existing = ctx.cache["existing"]
        station_sets, ward_sets = ctx.cache["station_sets"], ctx.cache["ward_sets"]
        inserts, updates, relinks = [], [], []
        for item in items:
            rec = item.rec
            values = {
                "starts_at": rec["starts_at"],
                "ends_at": rec["ends_at"],
                "reason": rec["reason"],
                "area": rec["area"],
                "announced_at": rec["announced_at"],
                "status": rec["status"],
            }
            wards = {(rec["province"], ward) for ward in rec["wards"]}
            current = existing.get(rec["code"])
            if current is None:
                inserts.append({"code": rec["code"], **values})
                continue
            changes = _changes(current, values)
            links_changed = (
                station_sets.get(current.id, set()) != set(rec["station_ids"])
                or ward_sets.get(current.id, set()) != wards
            )
            if changes:
                updates.append({"_id": current.id, **changes})
            if links_changed:
                relinks.append((current.id, rec))
            if changes or links_changed:
                ctx.report.updated += 1
            else:
                ctx.report.unchanged += 1
        _executemany(session, insert(PlannedOutage.__table__), inserts)
        _update_by_id(session, PlannedOutage.__table__, updates)
        if inserts:
            rows = _select_in(
                session,
                lambda part: select(PlannedOutage.code, PlannedOutage.id).where(PlannedOutage.code.in_(part)),
                (row["code"] for row in inserts),
            )
            ids = {row.code: row.id for row in rows}
            for item in items:
                if item.rec["code"] in ids and item.rec["code"] not in existing:
                    relinks.append((ids[item.rec["code"]], item.rec))
        if relinks:
            outage_ids = [outage_id for outage_id, _ in relinks]
            for part in _chunks(outage_ids):
                session.execute(
                    delete(planned_outage_stations).where(planned_outage_stations.c.outage_id.in_(part))
                )
                session.execute(
                    delete(PlannedOutageWard.__table__).where(
                        PlannedOutageWard.__table__.c.outage_id.in_(part)
                    )
                )
            _executemany(
                session,
                insert(planned_outage_stations),
                [
                    {"outage_id": outage_id, "station_id": station_id}
                    for outage_id, rec in relinks
                    for station_id in rec["station_ids"]
                ],
            )
            _executemany(
                session,
                insert(PlannedOutageWard.__table__),
                [
                    {"outage_id": outage_id, "province": rec["province"], "ward": ward}
                    for outage_id, rec in relinks
                    for ward in rec["wards"]
                ],
            )
        ctx.report.inserted += len(inserts)


def _days(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 24 else f"{hours:.0f} hours"


_KIND_CLASSES: dict[str, type[_Kind]] = {
    "customers": _Customers,
    "readings": _Readings,
    "invoices": _Invoices,
    "outages": _Outages,
}


def columns_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) column names of an import kind."""
    cls = _KIND_CLASSES[kind]
    return cls.required, cls.optional


# ----------------------------------------------------------------------------- run


def import_file(
    kind: str,
    path: Path | str,
    *,
    database_url: str | None = None,
    engine: Engine | None = None,
    skip_bad: bool = False,
    rejects_path: Path | str | None = None,
    on_error: Callable[[RowError], None] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> ImportReport:
    """Import one CSV file of ``kind``; see the module docstring for the rules.

    ``rejects_path``: where rejected rows go (with ``skip_bad`` the CLI always gives
    one). ``on_error`` is called for each row error as it is found (streaming report).
    Raises nothing for bad data: file faults and row errors are in the report.
    """
    if kind not in _KIND_CLASSES:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    handler = _KIND_CLASSES[kind]()
    report = ImportReport(kind=kind, path=str(path), skip_bad=skip_bad)
    started = time.perf_counter()
    try:
        header, rows = fmt.iter_rows(path, handler.required, handler.optional)
    except CsvFileError as exc:
        report.file_error = str(exc)
        return report
    engine = engine or make_engine(database_url)
    ctx = _Context(present=set(header.names), today=clock.today(), report=report)
    rejects = fmt.RejectsWriter(rejects_path, header) if rejects_path else None
    report.rejects_path = str(rejects_path) if rejects_path else None
    seen: dict[tuple, int] = {}
    session = session_factory(engine)()

    def reject(item: _Item) -> None:
        report.rejected += 1
        if len(report.errors) < MAX_KEPT_ERRORS:
            report.errors.extend(item.errors[: MAX_KEPT_ERRORS - len(report.errors)])
        if rejects is not None:
            rejects.write(item.row, item.errors)
        if on_error is not None:
            for error in item.errors:
                on_error(error)

    def flush(batch: list[_Item]) -> None:
        if not batch:
            return
        handler.resolve(session, batch, ctx)
        good = []
        for item in batch:
            if item.errors:
                reject(item)
            else:
                good.append(item)
        report.good += len(good)
        if good and (skip_bad or report.rejected == 0):
            handler.write(session, good, ctx)
        batch.clear()

    try:
        handler.begin(session, ctx)
        batch: list[_Item] = []
        for row in rows:
            report.read += 1
            item = _Item(row)
            handler.parse(item, ctx)
            key = handler.key(item.rec)
            if None not in key:  # duplicates are reported even when the row is bad anyway
                first = seen.get(key)
                if first is not None:
                    item.fail(
                        None,
                        f"duplicate {handler.key_label} {handler.show_key(key)}: already on line {first}",
                    )
                else:
                    seen[key] = row.line
            if item.errors:
                reject(item)
                continue
            batch.append(item)
            if len(batch) >= chunk_size:
                flush(batch)
        flush(batch)
        if report.rejected and not skip_bad:
            session.rollback()
            report.inserted = report.updated = report.unchanged = 0
            report.extra.clear()
        else:
            session.commit()
            report.committed = True
    except CsvFileError as exc:
        session.rollback()
        report.file_error = f"{exc} (nothing was loaded)"
        report.inserted = report.updated = report.unchanged = 0
        report.extra.clear()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if rejects is not None:
            rejects.close()
        report.seconds = time.perf_counter() - started
    log.info(
        "import %s: read=%d inserted=%d updated=%d unchanged=%d rejected=%d committed=%s in %.1fs",
        kind,
        report.read,
        report.inserted,
        report.updated,
        report.unchanged,
        report.rejected,
        report.committed,
        report.seconds,
    )
    return report


# ----------------------------------------------------------------------------- CLI

CONSOLE_ERRORS_WITH_REJECTS_FILE = 20
EXIT_OK, EXIT_REFUSED, EXIT_PARTIAL = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.db.importer", description="Import a CSV file (docs/data-import.md)."
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("file")
    parser.add_argument("--skip-bad", action="store_true", help="load the good rows, reject the bad")
    parser.add_argument("--rejects", metavar="FILE", help="write rejected rows (and reasons) here")
    parser.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
    return parser


def default_rejects_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


def main(args: argparse.Namespace | Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot import``: prints the report, returns the exit code.

    0: everything loaded; 2: good rows loaded, bad rows rejected (--skip-bad);
    1: nothing loaded (file refused, bad rows without --skip-bad, or no good row).
    """
    if args is None or not isinstance(args, argparse.Namespace):
        args = build_parser().parse_args(None if args is None else list(args))
    path = Path(args.file)
    skip_bad = bool(getattr(args, "skip_bad", False))
    rejects = getattr(args, "rejects", None)
    if skip_bad and not rejects:
        rejects = default_rejects_path(path)
    if rejects and Path(rejects).resolve() == path.resolve():
        print("error: the rejects file cannot be the input file", file=sys.stderr)
        return EXIT_REFUSED
    shown = 0

    def on_error(error: RowError) -> None:
        nonlocal shown
        shown += 1
        if rejects is None or shown <= CONSOLE_ERRORS_WITH_REJECTS_FILE:
            print(f"  {error}", file=sys.stderr)
        elif shown == CONSOLE_ERRORS_WITH_REJECTS_FILE + 1:
            print(f"  ... more errors in {rejects}", file=sys.stderr)

    try:
        report = import_file(
            args.kind,
            path,
            database_url=getattr(args, "database_url", None),
            skip_bad=skip_bad,
            rejects_path=rejects,
            on_error=on_error,
        )
    except (OperationalError, ProgrammingError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        print(
            f"error: cannot import into the database ({reason}); is it migrated? "
            "Run: python -m bot db upgrade",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    for warning in report.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    if report.file_error:
        print(f"error: {report.summary()}", file=sys.stderr)
        return EXIT_REFUSED
    print(report.summary())
    if report.rejected and rejects:
        print(f"{report.rejected} rejected row(s) written to {rejects}")
    if not report.committed or (report.rejected and not report.good):
        return EXIT_REFUSED
    return EXIT_PARTIAL if report.rejected else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
