"""Tickets: numbering, opening, and the open ones a new request may duplicate.

Numbers are random (:mod:`bot.domain.ticket_numbers`); ``ticket_counters`` (the old
per-day sequence) is no longer written and stays only for the tickets it numbered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from bot.db.models import Ticket, TicketKind, TicketPriority, TicketStatus
from bot.db.repositories.base import Repository
from bot.domain import ticket_numbers
from bot.domain.codes import normalize_code

TICKET_PREFIX = ticket_numbers.PREFIX
NUMBER_DRAWS = 5
OPEN_STATES = (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)


class TicketRepository(Repository):
    def next_number(self) -> str:
        """A new random number nobody can guess (:mod:`bot.domain.ticket_numbers`),
        e.g. ``SC-K7Q4-M2XP``; drawn again in the rare case it is taken."""
        for _ in range(NUMBER_DRAWS):
            number = ticket_numbers.new_number()
            taken = self.session.execute(select(Ticket.id).where(Ticket.number == number)).first()
            if taken is None:
                return number
        raise RuntimeError("no free ticket number after several draws")

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
        requester_hash: str | None = None,
        location: str | None = None,
        callback_phone: str | None = None,
        started_at: datetime | None = None,
    ) -> Ticket:
        """Open a ticket with a new number; flushed, so it has its id. ``requester_hash``
        (:func:`bot.db.repositories.identity.hash_channel_user`) is who may look it up
        without verification. ``location``, ``callback_phone`` and ``started_at`` are what
        a crew needs (outage and hazard tickets: bot.services.crew_tickets)."""
        ticket = Ticket(
            number=self.next_number(),
            kind=str(TicketKind(kind)),
            priority=int(priority),
            customer_code=normalize_code(customer_code) if customer_code else None,
            channel=channel,
            summary=summary,
            details=details,
            incident_id=incident_id,
            requester_hash=requester_hash,
            location=location,
            callback_phone=callback_phone,
            started_at=started_at,
        )
        self.session.add(ticket)
        self.session.flush()
        return ticket

    def get(self, number: str) -> Ticket | None:
        """The ticket of a number as typed (any accepted form); None when there is none."""
        canonical = ticket_numbers.normalize(number) or number.strip().upper()
        statement = select(Ticket).where(Ticket.number == canonical)
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
