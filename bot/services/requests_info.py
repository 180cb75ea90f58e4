"""Requests the bot cannot complete itself: what to do, where, which papers; a ticket.

New connection, change of owner, meter inspection ("đồng hồ chạy nhanh"), a copy of the
e-invoice, reconnection after payment, a new phone number (instructions only: no ticket
is offered, the agent would call the old number). The catalogue (titles, steps, papers)
is data (``bot/services/resources/service_requests.yml``) so operators can change it
without touching code; :mod:`bot.wording.requests` puts it into sentences.
Which request a message is about is read by the NLU (``bot.nlu.core.read.service_kind``);
:func:`open_request_ticket` opens a ticket agents will see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from bot.db.models import TicketKind, TicketPriority
from bot.db.uow import UnitOfWork
from bot.services.ticket_access import owner_hash
from bot.services.verification import Requester

RESOURCES = Path(__file__).resolve().parent / "resources"
SERVICE_REQUESTS_FILE = RESOURCES / "service_requests.yml"


@dataclass(frozen=True)
class ServiceRequest:
    kind: str
    title: str
    what: str
    papers: tuple[str, ...]
    ticket_summary: str
    offer_ticket: bool = True  # False: only the customer can do it (a new phone number)


@dataclass(frozen=True)
class Catalogue:
    requests: dict[str, ServiceRequest]
    where: str


@dataclass(frozen=True)
class RequestTicket:
    number: str
    created_at: datetime
    customer_code: str | None  # the agent calls the phone registered for it


@functools.cache
def catalogue(path: Path = SERVICE_REQUESTS_FILE) -> Catalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    requests = {
        kind: ServiceRequest(
            kind=kind,
            title=str(item["title"]),
            what=str(item["what"]),
            papers=tuple(str(p) for p in item.get("papers") or ()),
            ticket_summary=str(item.get("ticket_summary") or item["title"]),
            offer_ticket=item.get("offer_ticket", True) is not False,
        )
        for kind, item in (raw.get("requests") or {}).items()
    }
    return Catalogue(requests=requests, where=str(raw.get("where_common") or ""))


def kinds() -> list[str]:
    return list(catalogue().requests)


def get(kind: str | None) -> ServiceRequest | None:
    return catalogue().requests.get(kind or "")


def open_request_ticket(
    uow: UnitOfWork,
    kind: str,
    customer_code: str | None,
    channel: str | None,
    requester: Requester | None = None,
) -> RequestTicket:
    """A ticket so an agent calls the customer back about this request (``requester``
    may look it up later without verification)."""
    request = get(kind)
    if request is None:
        raise KeyError(kind)
    ticket = uow.tickets.add(
        kind=TicketKind.REQUEST,
        priority=TicketPriority.NORMAL,
        summary=request.ticket_summary,
        customer_code=customer_code,
        channel=channel,
        details=f"Yêu cầu qua trợ lý ảo: {request.title}.",
        requester_hash=owner_hash(requester),
    )
    return RequestTicket(ticket.number, ticket.created_at, ticket.customer_code)
