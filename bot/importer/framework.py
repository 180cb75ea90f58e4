"""What every import kind shares: the report, a row being checked, the per-import
context, field parsing that notes errors, bounded IN-list selects and bulk updates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    Customer,
)
from bot.domain.formatting import format_number
from bot.importer.csv_format import FieldError, RawRow, RowError

log = logging.getLogger(__name__)

MAX_KEPT_ERRORS = 1000

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
class Item:
    row: RawRow
    rec: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str | None, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason))


@dataclass
class Context:
    present: set[str]
    today: date
    report: ImportReport
    cache: dict[str, Any] = field(default_factory=dict)

    def has(self, column: str) -> bool:
        return column in self.present


def field_value(item: Item, column: str, parser: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Parse ``column`` of the row with ``parser``; on failure note the error, return None."""
    try:
        return parser(item.row.get(column), *args, **kwargs)
    except FieldError as exc:
        item.fail(column, str(exc))
        return None


def optional_value(item: Item, column: str, parser: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Like :func:`field_value` but an empty value is None."""
    if not item.row.get(column):
        return None
    return field_value(item, column, parser, *args, **kwargs)


def chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(
    session: Session, statement_for: Callable[[Sequence[Any]], Any], values: Iterable[Any]
) -> list[Any]:
    """Run ``statement_for(part)`` for parts of ``values`` (bounded IN lists)."""
    values = sorted(set(values))
    rows: list[Any] = []
    for part in chunks(values):
        rows.extend(session.execute(statement_for(part)).all())
    return rows


def executemany(session: Session, statement: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(statement, rows)


def update_by_id(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
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


def changed_values(existing: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that differ from the row ``existing``."""
    return {name: value for name, value in values.items() if getattr(existing, name) != value}


class Kind:
    name = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    key_label = ""

    def begin(self, session: Session, ctx: Context) -> None:
        """Once per import, inside the transaction, before any row."""

    def parse(self, item: Item, ctx: Context) -> None:
        raise NotImplementedError

    def key(self, rec: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def show_key(self, key: tuple) -> str:
        return " ".join(
            fmt_value.strftime("%d/%m/%Y") if isinstance(fmt_value, date) else str(fmt_value)
            for fmt_value in key
        )

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        """Checks against the database; adds errors to items; fills ids."""

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        raise NotImplementedError


def customer_ids(session: Session, items: list[Item], *columns: Any) -> dict[str, Any]:
    """Customer rows by code for the items' ``rec["code"]`` (unknown codes are absent)."""
    rows = select_in(
        session,
        lambda part: select(Customer.code, Customer.id, *columns).where(Customer.code.in_(part)),
        (item.rec["code"] for item in items),
    )
    return {row.code: row for row in rows}


def number_text(value: int) -> str:
    return format_number(value)
