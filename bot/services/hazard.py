"""Safety hazards (broken or fallen wire, sparks, fire, explosion, a leaning pole,
someone shocked): an urgent ticket, and whether people are at risk.

The advice itself (DOMAIN.md "Safety") never depends on the database or on who the
customer is: :func:`bot.wording.hazard.safety_advice` gives it first, even when
everything else fails. The ticket goes to the top of the agents' queue (priority 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import TicketKind, TicketPriority, TicketStatus
from bot.db.uow import UnitOfWork
from bot.domain.text import strip_diacritics
from bot.services.ticket_access import owner_hash
from bot.services.verification import Requester

SAME_CASE_MINUTES = 60  # a second message of the same conversation adds to the same ticket
DETAILS_MAX_CHARS = 2000
SUMMARY_MAX_CHARS = 200

# Words saying a person is hurt or in danger, or a fire (diacritic-free, whole words).
_PEOPLE_AT_RISK = re.compile(r"\b(giat|nguoi|em be|ai do|bat tinh|bi thuong|chay|lua|no|khoi)\b")


def people_at_risk(text: str | None) -> bool:
    """True when the message mentions a person (shock, injury) or fire: lead with 114/115."""
    plain = strip_diacritics((text or "").lower())
    return bool(_PEOPLE_AT_RISK.search(plain))


@dataclass(frozen=True)
class HazardTicket:
    number: str
    created_at: datetime
    added_to_existing: bool  # the message was added to this conversation's open hazard ticket


def report_hazard(
    uow: UnitOfWork,
    *,
    description: str,
    channel: str,
    customer_code: str | None = None,
    place: str | None = None,
    existing_ticket: str | None = None,
    now: datetime | None = None,
    requester: Requester | None = None,
) -> HazardTicket:
    """Open an urgent hazard ticket, or add to this conversation's recent open one.
    ``requester`` (who reports) may look the ticket up later without verification."""
    now = now or clock.now()
    description = " ".join((description or "").split())
    if existing_ticket:
        ticket = uow.tickets.get(existing_ticket)
        if (
            ticket is not None
            and ticket.kind == TicketKind.HAZARD.value
            and ticket.status in (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)
            and ticket.created_at >= now - timedelta(minutes=SAME_CASE_MINUTES)
        ):
            _append(ticket, f"{now:%H:%M} khách hàng nhắn thêm: {description}")
            uow.flush()
            return HazardTicket(ticket.number, ticket.created_at, added_to_existing=True)
    details = [
        f"Khách hàng báo: {description}" if description else "Khách hàng báo nguy hiểm về điện",
        f"Mã khách hàng: {customer_code}" if customer_code else None,
        f"Địa điểm: {place}" if place else None,
        f"Báo lúc: {now:%H:%M %d/%m/%Y}",
    ]
    ticket = uow.tickets.add(
        kind=TicketKind.HAZARD,
        priority=TicketPriority.URGENT,
        summary=f"KHẨN – nguy hiểm về điện: {description}"[:SUMMARY_MAX_CHARS],
        customer_code=customer_code,
        channel=channel[:20],
        details="\n".join(line for line in details if line)[:DETAILS_MAX_CHARS],
        requester_hash=owner_hash(requester),
    )
    return HazardTicket(ticket.number, ticket.created_at, added_to_existing=False)


def add_location(uow: UnitOfWork, number: str, location: str, now: datetime | None = None) -> bool:
    """Add the place the customer gave to the hazard ticket; False if there is no such ticket."""
    now = now or clock.now()
    ticket = uow.tickets.get(number)
    if ticket is None or ticket.kind != TicketKind.HAZARD.value:
        return False
    _append(ticket, f"{now:%H:%M} địa điểm: {' '.join(location.split())}")
    uow.flush()
    return True


def _append(ticket, line: str) -> None:
    ticket.details = f"{ticket.details or ''}\n{line}".strip()[:DETAILS_MAX_CHARS]
    ticket.updated_at = clock.now()
