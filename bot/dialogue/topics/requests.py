"""Requests the bot cannot complete itself (new connection, change of owner, meter
inspection, e-invoice copy, reconnection): what to do, and a ticket when wanted."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.services import requests_info

OFFER_REQUEST = "request"
TICKET_OFFER = "Anh/chị có muốn em tạo yêu cầu để nhân viên Điện lực liên hệ hướng dẫn không ạ?"


def menu_buttons() -> list[Button]:
    catalogue = requests_info.catalogue().requests
    return [
        Button.intent(r.title, "request_service", {"service_kind": kind}) for kind, r in catalogue.items()
    ]


def service_request(ctx: Context, question: Question) -> None:
    given = question.service
    kind = given if requests_info.get(given) else requests_info.kind_from_text(question.text or ctx.turn.text)
    ctx.update(topic="service_request")
    if kind is None:
        ctx.say(requests_info.menu_text(), menu_buttons())
        return
    ctx.say(
        requests_info.instructions_text(kind) + "\n\n" + TICKET_OFFER,
        [Button.intent("Tạo yêu cầu", "affirm"), Button.intent("Không cần", "deny")],
    )
    ticket = Question("request_ticket", code=ctx.state.customer_code, service=kind)
    ctx.update(awaiting=Awaiting(AWAIT_OFFER, (ticket,), offer=OFFER_REQUEST))


def request_ticket(ctx: Context, question: Question) -> None:
    """The ticket the customer accepted: an agent calls back about the request."""
    if not requests_info.get(question.service):
        ctx.say(requests_info.menu_text(), menu_buttons())
        return
    ticket = ctx.backend.open_request(question.service or "", question.code)
    ctx.say(requests_info.ticket_text(ticket))
    ctx.update(ticket=TicketRef(ticket.number, "request"))
