"""Tickets: numbering, opening, and the open ones a new request may duplicate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot import clock
from bot.db.models import Ticket, TicketCounter, TicketKind, TicketPriority, TicketStatus
from bot.db.repositories.base import Repository
from bot.domain.codes import normalize_code

TICKET_PREFIX = "SC"
OPEN_STATES = (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)


class TicketRepository(Repository):
    def next_number(self, day: date | None = None) -> str:
        """``SC`` + yymmdd + a 4-digit sequence of the day, e.g. ``SC2611270001``.

        Counted in ``ticket_counters`` (a locked row update), so concurrent bots never
        hand out the same number. Part of the unit of work's transaction.
        """
        day = day or clock.today()
        dialect = self.session.get_bind().dialect.name
        insert = {"sqlite": sqlite_insert, "postgresql": pg_insert}.get(dialect)
        if insert is None:
            raise NotImplementedError(f"ticket numbers on {dialect}")
        self.session.execute(
            insert(TicketCounter.__table__)
            .values(day=day, last=0)
            .on_conflict_do_nothing(index_elements=["day"])
        )
        self.session.execute(
            update(TicketCounter)
            .where(TicketCounter.day == day)
            .values(last=TicketCounter.last + 1)
            .execution_options(synchronize_session=False)
        )
        last = self.session.execute(select(TicketCounter.last).where(TicketCounter.day == day)).scalar_one()
        return f"{TICKET_PREFIX}{day:%y%m%d}{last:04d}"

    def add(
        self,
        *,
        kind: TicketKind | str,
        summary: str,
        priority: TicketPriority | int = TicketPriority.NORMAL,
        customer_code: str | None = None,
        channel: str | None = None,
        details: str | None = None,
        incident_id: int | None = None,
    ) -> Ticket:
        """Open a ticket with the next number of today; flushed, so it has its id."""
        ticket = Ticket(
            number=self.next_number(),
            kind=str(TicketKind(kind)),
            priority=int(priority),
            customer_code=normalize_code(customer_code) if customer_code else None,
            channel=channel,
            summary=summary,
            details=details,
            incident_id=incident_id,
        )
        self.session.add(ticket)
        self.session.flush()
        return ticket

    def get(self, number: str) -> Ticket | None:
        statement = select(Ticket).where(Ticket.number == number.strip().upper())
        return self.session.execute(statement).scalars().first()

    def latest_of_customer(
        self,
        code: str,
        kind: TicketKind,
        since: datetime | None = None,
        summary: str | None = None,
        states: Iterable[str] | None = None,
    ) -> Ticket | None:
        """The customer's newest ticket of this kind (created since ``since``, with this
        summary, in one of ``states``: each filter only when given)."""
        conditions = [Ticket.customer_code == normalize_code(code), Ticket.kind == str(kind)]
        if since is not None:
            conditions.append(Ticket.created_at >= since)
        if summary is not None:
            conditions.append(Ticket.summary == summary)
        if states is not None:
            conditions.append(Ticket.status.in_(list(states)))
        statement = select(Ticket).where(*conditions).order_by(Ticket.created_at.desc()).limit(1)
        return self.session.execute(statement).scalars().first()

    def of_incident(self, incident_id: int, states: Iterable[str] | None = None) -> list[Ticket]:
        conditions = [Ticket.incident_id == incident_id]
        if states is not None:
            conditions.append(Ticket.status.in_(list(states)))
        return list(self.session.execute(select(Ticket).where(*conditions).order_by(Ticket.id)).scalars())
