"""Use cases of the assistant in plain Python: no Rasa, no web framework, no wording.

Calling convention (the same for every service):

* A caller opens one unit of work per question (or per turn) and passes it as the
  first argument to every service function it calls::

      from bot.services import unit_of_work, billing

      with unit_of_work() as uow:                  # DATABASE_URL; or unit_of_work(url)
          answer = billing.bill_answer(uow, code, requester, Month(2026, 10))
      text = bot.wording.billing.bill_text(answer)  # words are the caller's business

  The block commits when it ends normally and rolls back when it raises. A database
  that is down, locked or unreachable leaves the block as :class:`DataUnavailable`
  (callers never import SQLAlchemy or :mod:`bot.db`).
* Services return typed results (frozen dataclasses, enums, domain objects), never a
  sentence: :mod:`bot.wording` renders them for customers, the desk and the notices.
* Services run no SQL themselves: they ask the unit of work's repositories
  (``uow.customers``, ``uow.invoices``, ``uow.readings``, ``uow.tariffs``,
  ``uow.outages``, ``uow.tickets``, ``uow.identity``).
* Account data is only returned after :func:`bot.services.verification.require_verified`
  (raises ``NotVerified``), and each disclosure is audited.

Import the module you need (``from bot.services import billing``); this package
re-exports only the unit of work, so importing one service never loads another.
"""

from __future__ import annotations

from bot.db.uow import DataUnavailable, UnitOfWork

__all__ = ["DataUnavailable", "UnitOfWork", "unit_of_work"]


def unit_of_work(database_url: str | None = None) -> UnitOfWork:
    """A unit of work on ``database_url`` (default: the configured ``DATABASE_URL``)."""
    return UnitOfWork(database_url)
