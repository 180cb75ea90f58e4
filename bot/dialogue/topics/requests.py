"""Requests the bot cannot complete itself (new connection, change of owner, meter
inspection, e-invoice copy, reconnection, a new phone number): what to do, and a ticket
when wanted (where one helps)."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.nlu.core import read as reader
from bot.services import requests_info
from bot.wording import requests as words

OFFER_REQUEST = "request"


def menu_buttons() -> list[Button]:
    catalogue = requests_info.catalogue().requests
    return [
        Button.intent(r.title, "request_service", {"service_kind": kind}) for kind, r in catalogue.items()
    ]


def service_request(ctx: Context, question: Question) -> None:
    given = question.service
    kind = given if requests_info.get(given) else reader.service_kind(question.text or ctx.turn.text)
    ctx.update(topic="service_request")
    if kind is None:
        ctx.say(words.menu_text(), menu_buttons())
        return
    request = requests_info.get(kind)
    if request is not None and not request.offer_ticket:
        ctx.say(words.instructions_text(kind))
        return
    ctx.say(
        words.instructions_text(kind) + "\n\n" + words.TICKET_OFFER,
        [Button.intent("Tạo yêu cầu", "affirm"), Button.intent("Không cần", "deny")],
    )
    ticket = Question("request_ticket", code=ctx.state.customer_code, service=kind)
    ctx.update(awaiting=Awaiting(AWAIT_OFFER, (ticket,), offer=OFFER_REQUEST))


def request_ticket(ctx: Context, question: Question) -> None:
    """The ticket the customer accepted: an agent calls back about the request."""
    if not requests_info.get(question.service):
        ctx.say(words.menu_text(), menu_buttons())
        return
    ticket = ctx.backend.open_request(question.service or "", question.code)
    ctx.say(words.ticket_text(ticket))
    ctx.update(ticket=TicketRef(ticket.number, "request"))
