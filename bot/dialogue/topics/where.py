"""Where a question is about, for the supply status and the offices: a customer code
(preferred when the conversation knows one) or a place.

Like the outage questions' ``locate`` but with the question's own wording when it
asks, and the customer's code before a place shown earlier ("nhà tôi có bị cắt điện
không" after a schedule by place is about the house). The answer to the question asked
back is read by the outage questions' taker (``AWAIT_LOCATION``, ``AWAIT_PLACE_CHOICE``).
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.backend import resolve_place
from bot.dialogue.context import Asked, Context
from bot.dialogue.state import AWAIT_LOCATION, AWAIT_PLACE_CHOICE, Awaiting, Question
from bot.dialogue.topics.outages import Location, buttons_of
from bot.wording import outage as outage_wording
from bot.wording.customers import code_problem_text


def _awaiting(question: Question, kind: str, query: str | None = None) -> Awaiting:
    return Awaiting(kind, (replace(question, code=None, area=None),), query=query)


def locate(ctx: Context, question: Question, ask_text: str) -> Location | Asked:
    if question.code:
        check = ctx.backend.check_code(question.code)
        if not check.ok:
            return ctx.ask(_awaiting(question, AWAIT_LOCATION), code_problem_text(check.problem))
        ctx.update(customer_code=check.code)
        return Location(code=check.code)
    if question.area:
        return place(ctx, question, question.area)
    if ctx.details.malformed_codes and not ctx.details.areas:
        return ctx.ask(_awaiting(question, AWAIT_LOCATION), ctx.malformed_code_reason())
    code = ctx.known_code()
    if code and ctx.backend.customer_exists(code):
        ctx.update(customer_code=code)
        return Location(code=code)
    if ctx.state.area:
        return place(ctx, question, ctx.state.area)
    return ctx.ask(_awaiting(question, AWAIT_LOCATION), ask_text)


def place(ctx: Context, question: Question, text: str) -> Location | Asked:
    lookup = resolve_place(text)
    if lookup.unknown:
        return ctx.ask(_awaiting(question, AWAIT_LOCATION), outage_wording.place_not_found(text))
    if lookup.ambiguous:
        shown = " ".join(lookup.query.split())[:60]
        asked, buttons = outage_wording.place_ambiguous(shown, lookup.areas)
        return ctx.ask(
            _awaiting(question, AWAIT_PLACE_CHOICE, query=lookup.query), asked, buttons_of(buttons)
        )
    assert lookup.found is not None
    return Location(area=lookup.found)
