"""Safety hazards (broken or fallen wire, sparks, fire, explosion, a leaning pole,
flooding, someone shocked): an urgent ticket, and whether people are at risk.

The advice itself (DOMAIN.md "Safety") never depends on the database or on who the
customer is: :func:`bot.wording.hazard.safety_advice` gives it first, even when
everything else fails. The ticket goes to the top of the agents' queue (priority 1) and
is one a crew can act on (:mod:`bot.services.crew_tickets`): where the danger is (refused
without a location), whom to call back.

A current leaking from an appliance or the wiring inside the house (``leaking_appliance``)
is the household's, for an electrician (DOMAIN.md "Who owns what"): advice, no ticket,
unless the message places it at the meter or on the network (:func:`utility_side`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import TicketKind, TicketPriority, TicketStatus
from bot.db.uow import UnitOfWork
from bot.domain.text import strip_diacritics
from bot.services import crew_tickets
from bot.services.verification import Requester

SAME_CASE_MINUTES = 60  # a second message of the same conversation adds to the same ticket
DETAILS_MAX_CHARS = crew_tickets.DETAILS_MAX_CHARS

# Words saying a person is hurt or in danger, or a fire (diacritic-free, whole words).
_PEOPLE_AT_RISK = re.compile(r"\b(giat|nguoi|em be|ai do|bat tinh|bi thuong|chay|lua|no|khoi)\b")


# How the staff's record names each kind (bot.nlu.core.hazard.HAZARD_KINDS).
KIND_LABELS = {
    "person_shocked": "có người bị điện giật",
    "fire": "cháy",
    "explosion": "cháy nổ",
    "fallen_wire": "dây điện đứt/rơi",
    "sparking_meter": "công tơ tóe lửa/cháy",
    "sparking_wire": "dây điện chập, tóe lửa",
    "flooded_transformer": "trạm/tủ điện bị ngập",
    "flooded_house": "nhà ngập nước, nguy cơ rò điện",
    "leaning_pole": "trụ điện nghiêng/gãy",
    "leaking_appliance": "rò điện",
}
HOUSEHOLD_KINDS = frozenset({"leaking_appliance"})
# Words placing a leak at the meter or on the network (then it is the utility's).
_UTILITY_SIDE = re.compile(
    r"\b(?:cong to|dien ke|dong ho dien|thung dien ke|hop cong to|tru dien|cot dien|day dien ngoai"
    r"|tram|bien ap|ca nha|ca xom|hang xom|ngoai duong|duong day)\b"
)


def people_at_risk(text: str | None) -> bool:
    """True when the message mentions a person (shock, injury) or fire: lead with 114/115."""
    plain = strip_diacritics((text or "").lower())
    return bool(_PEOPLE_AT_RISK.search(plain))


def needs_crew(kinds: tuple[str, ...] | list[str], text: str | None) -> bool:
    """Whether the danger is the utility's to fix (a ticket and an agent): every kind but a
    leak inside the house, unless the words place it at the meter or on the network."""
    if not kinds or set(kinds) - HOUSEHOLD_KINDS:
        return True
    return bool(_UTILITY_SIDE.search(strip_diacritics((text or "").lower())))


@dataclass(frozen=True)
class HazardTicket:
    number: str
    created_at: datetime
    added_to_existing: bool  # the message was added to this conversation's open hazard ticket
    location: str | None = None
    callback_phone: str | None = None
    respond_by: datetime | None = None  # a crew on site at the latest (operator's setting)


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
    callback_phone: str | None = None,
    kinds: tuple[str, ...] = (),
) -> HazardTicket:
    """Open an urgent hazard ticket, or add to this conversation's recent open one.
    ``place``: where the danger is, as written (without it, a known ``customer_code``'s
    registered address; neither: ``crew_tickets.MissingLocation``). ``requester`` (who
    reports) may look the ticket up later without verification."""
    now = now or clock.now()
    description = " ".join((description or "").split())
    if existing_ticket:
        ticket = _same_case(uow, existing_ticket, now)
        if ticket is not None:
            _append(ticket, f"{now:%H:%M} khách hàng nhắn thêm: {description}")
            uow.flush()
            return _result(ticket, added=True)
    named = ", ".join(KIND_LABELS[k] for k in kinds if k in KIND_LABELS) or "nguy hiểm về điện"
    details = [
        f"Khách hàng báo: {description}" if description else "Khách hàng báo nguy hiểm về điện",
        f"Loại: {named}",
        f"Mã khách hàng: {customer_code}" if customer_code else None,
        f"Báo lúc: {now:%H:%M %d/%m/%Y}",
    ]
    ticket = crew_tickets.open_ticket(
        uow,
        kind=TicketKind.HAZARD,
        priority=TicketPriority.URGENT,
        summary=f"KHẨN – {named}: {description}",
        details=details,
        channel=channel,
        location=place,
        customer_code=customer_code,
        callback_phone=callback_phone,
        requester=requester,
    )
    return _result(ticket, added=False)


def add_to_case(uow: UnitOfWork, number: str, description: str, now: datetime | None = None) -> bool:
    """Add a later message to this conversation's hazard ticket while it is the same case
    (open, opened less than an hour ago); False otherwise (then it is a new report)."""
    now = now or clock.now()
    ticket = _same_case(uow, number, now)
    if ticket is None:
        return False
    _append(ticket, f"{now:%H:%M} khách hàng nhắn thêm: {' '.join((description or '').split())}")
    uow.flush()
    return True


def _same_case(uow: UnitOfWork, number: str, now: datetime):
    ticket = uow.tickets.get(number)
    if (
        ticket is not None
        and ticket.kind == TicketKind.HAZARD.value
        and ticket.status in (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)
        and ticket.created_at >= now - timedelta(minutes=SAME_CASE_MINUTES)
    ):
        return ticket
    return None


def _result(ticket, added: bool) -> HazardTicket:
    return HazardTicket(
        ticket.number,
        ticket.created_at,
        added_to_existing=added,
        location=ticket.location,
        callback_phone=ticket.callback_phone,
        respond_by=crew_tickets.respond_by(ticket.kind, ticket.priority, ticket.created_at),
    )


def add_location(uow: UnitOfWork, number: str, location: str, now: datetime | None = None) -> bool:
    """Add the place the customer gave to the hazard ticket; False if there is no such ticket."""
    now = now or clock.now()
    ticket = uow.tickets.get(number)
    if ticket is None or ticket.kind != TicketKind.HAZARD.value:
        return False
    _append(ticket, f"{now:%H:%M} địa điểm: {' '.join(location.split())}")
    if not ticket.location:
        ticket.location = crew_tickets.tidy_location(location)
    uow.flush()
    return True


def _append(ticket, line: str) -> None:
    ticket.details = f"{ticket.details or ''}\n{line}".strip()[:DETAILS_MAX_CHARS]
    ticket.updated_at = clock.now()
