"""A danger (fallen or sparking wire, fire, someone shocked): the safety advice first,
before anything that could fail or wait; then an urgent ticket; then where it is.

No customer code and no verification are asked before the advice.
"""

from __future__ import annotations

from bot.dialogue.context import Asked, Context
from bot.dialogue.state import AWAIT_HAZARD_PLACE, Awaiting, Question, TicketRef
from bot.services import hazard
from bot.wording import hazard as wording

MAX_PLACE_CHARS = 300
SAME_CASE_KIND = "hazard"


def advice(text: str) -> str:
    return wording.safety_advice(hazard.people_at_risk(text))


def report(ctx: Context, question: Question) -> Asked | None:
    text = question.text or ctx.turn.text
    ctx.say(advice(text))  # first, whatever happens next
    existing = (
        ctx.state.ticket.number if ctx.state.ticket and ctx.state.ticket.kind == SAME_CASE_KIND else None
    )
    place = ctx.details.area
    ticket = ctx.backend.report_hazard(
        description=text,
        customer_code=ctx.details.code or ctx.state.customer_code,
        place=place,
        existing_ticket=existing,
    )
    ctx.say(wording.hazard_ticket_reply(ticket.number, ticket.added_to_existing))
    ctx.update(topic="hazard", ticket=TicketRef(ticket.number, SAME_CASE_KIND), awaiting=None)
    if place or ticket.added_to_existing:
        return None
    follow = Question("hazard_place", ticket=ticket.number)
    return ctx.ask(Awaiting(AWAIT_HAZARD_PLACE, (follow,)), wording.HAZARD_PLACE_QUESTION)


def take_place(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Where the danger is, added to the urgent ticket; None for another question."""
    question_intents = {i for i in ctx.turn.intents if i.startswith(("ask_", "request_", "report_"))}
    if question_intents - {"report_hazard"} and ctx.turn.confidence >= 0.8:
        return None
    number = awaiting.questions[0].ticket if awaiting.questions else None
    text = " ".join(ctx.turn.text.split())
    ctx.update(awaiting=None)
    if "deny" in ctx.turn.intents or not text or ctx.turn.is_button:
        ctx.say(wording.hazard_place_skipped())
        return ()
    if number and ctx.backend.add_hazard_location(number, text[:MAX_PLACE_CHARS]):
        ctx.say(wording.hazard_place_added(number))
    else:
        ctx.say(wording.hazard_place_skipped())
    return ()
