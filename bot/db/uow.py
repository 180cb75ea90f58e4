"""The unit of work: one session, its repositories, one transaction.

    with UnitOfWork() as uow:            # the configured database (DATABASE_URL)
        customer = uow.customers.get(code)
        uow.tickets.add(...)
    # committed here; rolled back if the block raised

Services receive the unit of work as their first argument and never open a session
themselves; callers above the services open it through
:func:`bot.services.unit_of_work` and never import this package (see
docs/architecture.md). Any failure of the database itself (down, locked,
unreachable) leaves the block as :class:`DataUnavailable`, so callers need not know
SQLAlchemy's exceptions.
"""

from __future__ import annotations

import contextlib
from types import TracebackType

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import load_settings
from bot.db.counters import Counters, counters_for
from bot.db.repositories import (
    ChannelRepository,
    ConversationRepository,
    CustomerRepository,
    DeskRepository,
    HandoffRepository,
    IdentityRepository,
    InvoiceRepository,
    NoticeRepository,
    OfficeRepository,
    OutageRepository,
    ReadingRepository,
    SecurityRepository,
    TariffRepository,
    TicketRepository,
)
from bot.db.session import make_engine, session_factory

DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError)


class DataUnavailable(Exception):
    """The utility database could not be used (down, locked, unreachable, full)."""


class UnitOfWork:
    """A session and its repositories; commit when the block ends normally."""

    customers: CustomerRepository
    invoices: InvoiceRepository
    readings: ReadingRepository
    tariffs: TariffRepository
    outages: OutageRepository
    tickets: TicketRepository
    identity: IdentityRepository
    handoffs: HandoffRepository  # the agent desk (desk helper)
    desk: DeskRepository
    security: SecurityRepository
    conversations: ConversationRepository  # Rasa's events, when this database holds them
    channels: ChannelRepository  # sessions, webhook inbox, outbox, tokens (bot/channels)
    notices: NoticeRepository  # outage notice subscriptions, events, the notice outbox
    offices: OfficeRepository  # customer offices (bot/dialogue: ask_office)

    def __init__(self, database: str | Engine | None = None) -> None:
        self._database = database
        self._session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work is used once")
        try:
            engine = self._database if isinstance(self._database, Engine) else make_engine(self._database)
            self._session = session_factory(engine)()
        except DATABASE_ERRORS as error:
            raise DataUnavailable(type(error).__name__) from error
        session = self._session
        self.customers = CustomerRepository(session)
        self.invoices = InvoiceRepository(session)
        self.readings = ReadingRepository(session)
        self.tariffs = TariffRepository(session)
        self.outages = OutageRepository(session)
        self.tickets = TicketRepository(session)
        self.identity = IdentityRepository(session)
        self.handoffs = HandoffRepository(session)
        self.desk = DeskRepository(session)
        self.security = SecurityRepository(session)
        self.conversations = ConversationRepository(session)
        self._counters: Counters | None = None
        self.channels = ChannelRepository(session)
        self.notices = NoticeRepository(session)
        self.offices = OfficeRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        except DATABASE_ERRORS as error:
            _quiet_rollback(session)
            if exc is None:
                raise DataUnavailable(type(error).__name__) from error
        finally:
            session.close()
        if isinstance(exc, DATABASE_ERRORS):
            raise DataUnavailable(type(exc).__name__) from exc

    @property
    def session(self) -> Session:
        """The session, for repositories and the data-loading packages (importer, demo);
        services use the repositories."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open (use it in a with block)")
        return self._session

    @property
    def counters(self) -> Counters:
        """The shared rate counters: Redis when ``RATE_LIMIT_URL`` is set, else this
        database (in this transaction); see :mod:`bot.db.counters`."""
        if self._counters is None:
            self._counters = counters_for(self.session, load_settings().rate_limit_url)
        return self._counters

    def flush(self) -> None:
        """Send pending changes (new ids, updated rows) without ending the transaction."""
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def ping(self) -> None:
        """``SELECT 1``: raises when the database does not answer."""
        self.session.execute(text("SELECT 1"))


def _quiet_rollback(session: Session) -> None:
    with contextlib.suppress(*DATABASE_ERRORS):
        session.rollback()
