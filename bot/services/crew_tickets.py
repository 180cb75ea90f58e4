"""Tickets a crew can act on: outage and hazard reports (issue 11).

Every such ticket has a **location**: the address or landmark the customer wrote, or,
for a customer code, the customer's registered address (street, ward, province). A
ticket without one is refused (:class:`MissingLocation`): a crew cannot go "somewhere".
It also carries the **callback number** the customer gave (a Vietnamese mobile number,
checked by :func:`bot.domain.phones.mobile`; anything else is refused with
:class:`InvalidPhone`) and, for outages, **since when** the power is out, as best known.

The record is for staff (the number in full, in ``tickets.callback_phone`` and in the
details); log lines carry only the masked number (``09xx xxx 456``) and never the address.

How soon the utility acts on a report is the operator's setting (``reports.response`` in
the service rules): :func:`respond_by` turns it into the time quoted to the customer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Customer, Ticket, TicketKind, TicketPriority
from bot.db.uow import UnitOfWork
from bot.domain import phones
from bot.services import verification
from bot.services.rules import load_rules
from bot.services.ticket_access import owner_hash
from bot.services.verification import Requester

log = logging.getLogger(__name__)

LOCATION_MAX_CHARS = 300
DETAILS_MAX_CHARS = 2000
SUMMARY_MAX_CHARS = 200
CREW_KINDS = frozenset({TicketKind.OUTAGE.value, TicketKind.HAZARD.value})


class MissingLocation(ValueError):
    """An outage or hazard ticket without a location (nor a known customer's address)."""


class InvalidPhone(ValueError):
    """A callback number that is no Vietnamese mobile number."""


@dataclass(frozen=True)
class Contact:
    """What the registry knows of a customer, for a report (account data: the dialogue
    uses it only for a requester verified for the code)."""

    code: str
    location: str  # "118 Đường Mậu Thân, Khu vực 3, Phường Tân An, Thành phố Cần Thơ"
    area: str  # "Phường Tân An, Thành phố Cần Thơ" (what a confirmation may repeat)
    phone: str | None  # a mobile number on file, or None


def registered_contact(uow: UnitOfWork, code: str) -> Contact | None:
    """The registered address and mobile number of a customer code (None: unknown code)."""
    customer = uow.customers.get(code)
    if customer is None:
        return None
    return Contact(
        customer.code, registered_location(customer), _area(customer), phones.mobile(customer.phone)
    )


def verified_contact(uow: UnitOfWork, code: str, requester: Requester) -> Contact | None:
    """The registered contact, only for a requester verified for the code (else None)."""
    if not code or not verification.status(uow, code, requester).verified:
        return None
    return registered_contact(uow, code)


def registered_location(customer: Customer) -> str:
    street = " ".join((customer.address or "").split())
    return ", ".join(part for part in (street, customer.ward, customer.province) if part)


def _area(customer: Customer) -> str:
    return ", ".join(part for part in (customer.ward, customer.province) if part)


def tidy_location(text: str | None) -> str | None:
    """One line, at most 300 characters; None when nothing is left."""
    value = " ".join((text or "").split()).strip(" ,.;")
    return value[:LOCATION_MAX_CHARS] or None


def checked_phone(phone: str | None) -> str | None:
    """The mobile number in its 10-digit form; None for none; InvalidPhone for a bad one."""
    if phone is None or not str(phone).strip():
        return None
    number = phones.mobile(phone)
    if number is None:
        raise InvalidPhone("not a Vietnamese mobile number")
    return number


def open_ticket(
    uow: UnitOfWork,
    *,
    kind: TicketKind,
    priority: TicketPriority,
    summary: str,
    details: list[str | None],
    channel: str,
    location: str | None,
    customer_code: str | None = None,
    callback_phone: str | None = None,
    started_at: datetime | None = None,
    requester: Requester | None = None,
) -> Ticket:
    """Open an outage or hazard ticket. ``location`` as the customer wrote it; without
    one, a known customer code's registered address; neither: :class:`MissingLocation`."""
    where = tidy_location(location)
    if where is None and customer_code:
        customer = uow.customers.get(customer_code)
        where = tidy_location(registered_location(customer)) if customer is not None else None
    if where is None:
        raise MissingLocation("an outage or hazard ticket needs a location")
    phone = checked_phone(callback_phone)
    lines = [
        *details[:1],
        f"Địa chỉ: {where}",
        f"Số điện thoại gọi lại: {phone}" if phone else None,
        *details[1:],
    ]
    ticket = uow.tickets.add(
        kind=kind,
        priority=priority,
        summary=summary[:SUMMARY_MAX_CHARS],
        customer_code=customer_code,
        channel=channel[:20],
        details="\n".join(line for line in lines if line)[:DETAILS_MAX_CHARS],
        requester_hash=owner_hash(requester),
        location=where,
        callback_phone=phone,
        started_at=started_at,
    )
    log.info(
        "%s ticket %s opened (priority %s, callback %s)",
        kind,
        ticket.number,
        int(priority),
        phones.masked(phone) if phone else "none",
    )
    return ticket


def add_callback_phone(uow: UnitOfWork, number: str, phone: str, at: datetime) -> bool:
    """The number the customer gave after the ticket was opened; False without such a ticket."""
    ticket = uow.tickets.get(number)
    if ticket is None or ticket.kind not in CREW_KINDS:
        return False
    checked = checked_phone(phone)
    ticket.callback_phone = checked
    ticket.details = f"{ticket.details or ''}\n{at:%H:%M} số điện thoại gọi lại: {checked}".strip()[
        :DETAILS_MAX_CHARS
    ]
    ticket.updated_at = at
    uow.flush()
    log.info("ticket %s: callback %s added", ticket.number, phones.masked(checked))
    return True


def response_kind(kind: str, priority: int) -> str:
    """The ``reports.response`` key of a ticket: hazard, outage_area or outage_house."""
    if kind == TicketKind.HAZARD.value:
        return "hazard"
    return "outage_area" if priority <= int(TicketPriority.HIGH) else "outage_house"


def respond_by(kind: str, priority: int, opened_at: datetime) -> datetime | None:
    """When the utility acts on the ticket at the latest, as configured (None: no promise)."""
    rules = load_rules()
    delay = rules.report_response.get(response_kind(kind, priority))
    return delay.due(opened_at, rules.holidays) if delay is not None else None
