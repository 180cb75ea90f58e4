"""Counting what a question costs: SQL statements, units of work, connections,
verification checks and invoices loaded (SQLAlchemy events and two spies)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event

from bot.db.models import Invoice
from bot.db.session import make_engine
from bot.db.uow import UnitOfWork
from bot.services import verification


@dataclass
class Cost:
    statements: list[str] = field(default_factory=list)
    units_of_work: int = 0
    connections: int = 0
    verification_checks: int = 0
    invoices_loaded: int = 0


@contextmanager
def counted(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cost]:
    cost = Cost()
    engine = make_engine(url)

    def statement(conn, cursor, sql, parameters, context, executemany) -> None:
        cost.statements.append(" ".join(sql.split()))

    def checkout(*args) -> None:
        cost.connections += 1

    def loaded(target, context) -> None:
        cost.invoices_loaded += 1

    real_enter, real_status = UnitOfWork.__enter__, verification.status

    def enter(self: UnitOfWork) -> UnitOfWork:
        cost.units_of_work += 1
        return real_enter(self)

    def status(*args, **kwargs):
        cost.verification_checks += 1
        return real_status(*args, **kwargs)

    monkeypatch.setattr(UnitOfWork, "__enter__", enter)
    monkeypatch.setattr(verification, "status", status)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    event.listen(Invoice, "load", loaded)
    try:
        yield cost
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)
        event.remove(Invoice, "load", loaded)
