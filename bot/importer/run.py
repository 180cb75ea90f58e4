"""Importing one CSV file: stream, check, write in chunks, one transaction (see the package)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot import clock
from bot.db.session import make_engine, session_factory
from bot.importer.csv_format import CsvFileError, RejectsWriter, RowError, iter_rows
from bot.importer.customers import CustomerImport
from bot.importer.framework import (
    MAX_KEPT_ERRORS,
    Context,
    ImportReport,
    Item,
    Kind,
)
from bot.importer.invoices import InvoiceImport
from bot.importer.offices import OfficeImport
from bot.importer.outages import OutageImport
from bot.importer.readings import ReadingImport

log = logging.getLogger(__name__)

class DatabaseNotReady(Exception):
    """The database refused the import (unreachable, locked, not migrated); the reason."""


KINDS = ("customers", "readings", "invoices", "outages", "offices")
DEFAULT_CHUNK_SIZE = 1000

KIND_CLASSES: dict[str, type[Kind]] = {
    "customers": CustomerImport,
    "readings": ReadingImport,
    "invoices": InvoiceImport,
    "outages": OutageImport,
    "offices": OfficeImport,
}


def columns_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) column names of an import kind."""
    cls = KIND_CLASSES[kind]
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
    if kind not in KIND_CLASSES:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    handler = KIND_CLASSES[kind]()
    report = ImportReport(kind=kind, path=str(path), skip_bad=skip_bad)
    started = time.perf_counter()
    try:
        header, rows = iter_rows(path, handler.required, handler.optional)
    except CsvFileError as exc:
        report.file_error = str(exc)
        return report
    engine = engine or make_engine(database_url)
    ctx = Context(present=set(header.names), today=clock.today(), report=report)
    rejects = RejectsWriter(rejects_path, header) if rejects_path else None
    report.rejects_path = str(rejects_path) if rejects_path else None
    seen: dict[tuple, int] = {}
    session = session_factory(engine)()

    def reject(item: Item) -> None:
        report.rejected += 1
        if len(report.errors) < MAX_KEPT_ERRORS:
            report.errors.extend(item.errors[: MAX_KEPT_ERRORS - len(report.errors)])
        if rejects is not None:
            rejects.write(item.row, item.errors)
        if on_error is not None:
            for error in item.errors:
                on_error(error)

    def flush(batch: list[Item]) -> None:
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
        batch: list[Item] = []
        for row in rows:
            report.read += 1
            item = Item(row)
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
    except (OperationalError, ProgrammingError) as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseNotReady(reason) from exc
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
