"""Fast bulk inserts (shared with the demo-data generator) and invoice lines from a bill."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

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


def whole_dong(amount: Any) -> int:
    value = int(amount)
    if value != amount:
        raise ValueError(f"amount {amount} is not whole đồng")
    return value


def invoice_line_rows(invoice_id: int, bill: Any) -> list[dict[str, Any]]:
    """``invoice_lines`` rows for a :class:`bot.domain.tariff.Bill` (shared with the demo)."""
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
                "amount": whole_dong(line.amount),
                "vat_rate": line.vat_rate,
                "tariff_code": line.tariff_code,
            }
        )
    return rows
