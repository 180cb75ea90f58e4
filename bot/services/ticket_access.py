"""Who may look a ticket up by its number (issue 9, item 6).

A ticket number alone proves nothing: it is read over the phone, printed, shared. A
ticket's status is shown to

* the requester who opened it (the same channel user: ``tickets.requester_hash``, the
  hash of channel and user id, set when the ticket is opened), or
* a requester verified for the ticket's customer code.

Anyone else is told the same as for a number that does not exist, so numbers cannot
be probed. Numbers are random besides (:mod:`bot.domain.ticket_numbers`).
"""

from __future__ import annotations

import hmac

from bot.db.models import Ticket
from bot.db.repositories.identity import hash_channel_user
from bot.db.uow import UnitOfWork
from bot.services import verification
from bot.services.verification import Requester


def owner_hash(requester: Requester | None) -> str | None:
    """What a new ticket stores about who opened it (None: nobody may claim it)."""
    if requester is None or not requester.verifiable or not requester.user_id:
        return None
    return hash_channel_user(requester.channel, requester.user_id)


def opened_by(ticket: Ticket, requester: Requester | None) -> bool:
    mine = owner_hash(requester)
    return bool(mine and ticket.requester_hash and hmac.compare_digest(mine, ticket.requester_hash))


def may_see(uow: UnitOfWork, ticket: Ticket, requester: Requester | None) -> bool:
    """Whether the requester may see this ticket's status."""
    if opened_by(ticket, requester):
        return True
    if requester is None or not ticket.customer_code:
        return False
    return verification.status(uow, ticket.customer_code, requester).verified


def find(uow: UnitOfWork, number: str, requester: Requester | None) -> Ticket | None:
    """The ticket of a number, when it exists and the requester may see it."""
    ticket = uow.tickets.get(number)
    return ticket if ticket is not None and may_see(uow, ticket, requester) else None
