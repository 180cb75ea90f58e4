"""A danger (fallen or sparking wire, a burning meter, flooding, a leaning pole, someone
shocked): the safety advice for that situation first, before anything that could fail
or wait; then where it is (and a number to call back), the urgent ticket, and an urgent
handoff to the agents.

* The advice (bot.wording.hazard.advice_for) follows the ``hazard_kind`` entities (or
  the same rules on the text), most urgent first, in one message; 114/115 come first
  when people are at risk. No customer code and no verification are asked before it.
* A leak inside the house (an appliance, the household's wiring: ``leaking_appliance``)
  is advice only, for an electrician (DOMAIN.md "Who owns what"), unless the words place
  it at the meter or on the network (bot.services.hazard.needs_crew).
* Where: an address or landmark from the message, a verified code's registered
  address, or asked for (topics/report_form.py, with a number to call back). The urgent
  ticket is opened as soon as the place is known (a crew never waits for a number), then
  the urgent handoff (topics/human.py ``offer`` with the reason ``hazard``: the desk
  alerts every agent at once). With nobody to chat now, the customer has the hotline and
  the ticket; a callback is arranged with the number given, or the number is asked.
* Later messages of the same case go to the same ticket (advice for a new situation
  first); safety questions ("có nên cúp CB không", "nước ngập tới ổ cắm thì sao") get an
  answer that fits the situation reported (:func:`safety`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogue import report_answers as answers
from bot.dialogue.context import Asked, Context
from bot.dialogue.state import (
    AWAIT_HAZARD_PLACE,
    AWAIT_REPORT_PHONE,
    AWAIT_REPORT_PLACE,
    Awaiting,
    Question,
    ReportDraft,
    TicketRef,
)
from bot.dialogue.text import plain
from bot.dialogue.topics import human, report_form
from bot.dialogue.topics.outages import REPORT_BUTTON, RESTORE_BUTTON
from bot.nlu.core import read as reader
from bot.nlu.core.hazard import HAZARD_KINDS
from bot.services import hazard
from bot.services.crew_tickets import Contact, MissingLocation
from bot.wording import hazard as wording
from bot.wording import reports as report_wording

MAX_PLACE_CHARS = 300
MAX_TEXT_CHARS = 500
SAME_CASE_KIND = "hazard"
_BREAKER_WORDS = re.compile(
    r"\b(?:cb|cau dao|aptomat|ap to mat|cong tac tong|(?:cup|ngat|tat|cat) (?:dien|cb))\b"
)
_WATER_WORDS = re.compile(r"\b(?:nuoc|ngap|uot|mua|lut)\b")
_RESCUE_WORDS = re.compile(r"\b(?:cuu|keo|so cuu|tach|nguoi bi)\b")


def kinds_in(ctx: Context, text: str) -> list[str]:
    """The kinds of danger a message names, most urgent first."""
    named = set(ctx.turn.values("hazard_kind")) | set(reader.hazard_kinds(text))
    return [kind for kind in HAZARD_KINDS if kind in named]


def names_a_danger(ctx: Context) -> bool:
    """Whether the message itself names a danger (not only the NLU's guess)."""
    return bool(kinds_in(ctx, ctx.turn.text))


def advice(text: str) -> str:
    """The advice for a message, without any context (the database unreachable)."""
    kinds = [k for k in HAZARD_KINDS if k in set(reader.hazard_kinds(text))]
    return wording.advice_for(kinds, hazard.people_at_risk(text))


def _split(value: str | None) -> list[str]:
    return [k for k in (value or "").split(",") if k]


def _ordered(kinds: list[str]) -> list[str]:
    return [k for k in HAZARD_KINDS if k in set(kinds)]


def _pending(ctx: Context) -> ReportDraft | None:
    awaiting = ctx.state.awaiting
    if awaiting is None or awaiting.kind not in (AWAIT_REPORT_PLACE, AWAIT_REPORT_PHONE):
        return None
    draft = awaiting.draft
    return draft if report_form.kind_of(draft) == report_form.HAZARD else None


def _current(ctx: Context) -> TicketRef | None:
    ticket = ctx.state.ticket
    return ticket if ticket is not None and ticket.kind == SAME_CASE_KIND else None


def report(ctx: Context, question: Question) -> Asked | None:
    text = question.text or ctx.turn.text
    kinds = kinds_in(ctx, text)
    pending, current = _pending(ctx), _current(ctx)
    before = _split(pending.hazard) if pending else _split(current.hazard) if current else []
    new = [k for k in kinds if k not in before]
    every = _ordered(before + new)
    crew = hazard.needs_crew(every, text) or pending is not None or current is not None
    at_risk = hazard.people_at_risk(text) and (crew or "person_shocked" in every)
    if not (pending or current) or new or not before:
        ctx.say(wording.advice_for(new or kinds, at_risk, household=not crew))  # first, whatever happens next
    if current is not None and ctx.backend.add_to_hazard(current.number, text):
        _add_place_and_number(ctx, current.number, text)
        ctx.say(wording.hazard_added(current.number))
        ctx.update(topic="hazard", ticket=replace(current, hazard=",".join(every) or None))
        return None
    if not crew:
        ctx.update(topic="hazard")
        return None
    draft = pending or ReportDraft(kind=report_form.HAZARD)
    described = f"{draft.text} / {text}" if draft.text and text not in draft.text else draft.text or text
    draft = replace(draft, hazard=",".join(every) or None, text=described[:MAX_TEXT_CHARS])
    draft = replace(draft, code=ctx.details.code or draft.code or ctx.known_code())
    if (place := answers.place_in_report(ctx, text)) is not None:
        draft = answers.with_place(draft, place)
    draft = replace(draft, phone=draft.phone or answers.phone_in(ctx))
    return resume(ctx, draft, question)


def _add_place_and_number(ctx: Context, number: str, text: str) -> None:
    place = answers.place_in_report(ctx, text)
    if place is not None and not place.ward_only:
        ctx.backend.add_hazard_location(number, place.text[:MAX_PLACE_CHARS])
    if phone := answers.phone_in(ctx):
        ctx.backend.add_callback_phone(number, phone)


def _contact(ctx: Context, draft: ReportDraft) -> Contact | None:
    return ctx.backend.verified_contact(draft.code) if draft.code else None


def resume(ctx: Context, draft: ReportDraft, question: Question) -> Asked | None:
    """Ask where (with a number), or open the urgent ticket and hand over; after the
    ticket, the number asked for the callback."""
    ctx.update(topic="hazard")
    if draft.ticket:
        return _number_after_ticket(ctx, draft)
    contact = _contact(ctx, draft)
    if not draft.location and contact is None:
        return report_form.ask_place(ctx, draft, question, code_noted=bool(ctx.details.code))
    return _file(ctx, draft, contact, question)


def _file(ctx: Context, draft: ReportDraft, contact: Contact | None, question: Question) -> Asked | None:
    typed = report_form.real_phone(draft)
    phone = typed or (contact.phone if contact is not None else None)
    kinds = tuple(_split(draft.hazard))
    try:
        ticket = ctx.backend.report_hazard(
            description=draft.text or ctx.turn.text,
            customer_code=draft.code,
            place=report_form.location_label(draft),
            callback_phone=phone,
            kinds=kinds,
        )
    except MissingLocation:
        return report_form.ask_place(ctx, replace(draft, location=None), question)
    shown = report_form.location_label(draft) or (
        report_wording.registered_place(contact.code, contact.area) if contact else ""
    )
    ctx.say(
        wording.hazard_recorded(
            ticket.number,
            shown,
            phone,
            ticket.respond_by,
            ctx.now,
            registered_phone=phone is not None and not typed,
        )
    )
    ctx.update(
        topic="hazard",
        ticket=TicketRef(ticket.number, SAME_CASE_KIND, ",".join(kinds) or None),
        awaiting=None,
        customer_code=draft.code or ctx.state.customer_code,
    )
    registered = phone is not None and not typed
    opened = human.offer(
        ctx, human.HAZARD, phone=typed, registered=registered, note=_note(ticket.number, kinds)
    )
    if opened is not None and opened.callback_offered and opened.callback is None and phone is None:
        return report_form.ask_phone(ctx, replace(draft, ticket=ticket.number), question)
    return None


def _note(number: str, kinds: tuple[str, ...]) -> str:
    named = ", ".join(hazard.KIND_LABELS[k] for k in kinds if k in hazard.KIND_LABELS) or "nguy hiểm về điện"
    return f"Báo nguy hiểm: {named}; phiếu KHẨN {number}"


def _number_after_ticket(ctx: Context, draft: ReportDraft) -> None:
    """The number given after the urgent ticket: on the ticket, and the callback arranged."""
    phone = report_form.real_phone(draft)
    if phone is None:
        ctx.say(wording.hazard_place_skipped())
        return None
    ctx.backend.add_callback_phone(draft.ticket or "", phone)
    if not human.callback_now(ctx, phone):
        ctx.say(wording.hazard_added(draft.ticket or ""))
    return None


def without_place(ctx: Context, draft: ReportDraft, question: Question) -> None:
    """No place after asking twice: no ticket can be opened; a person takes it."""
    ctx.say(wording.no_place_handoff())
    human.offer(ctx, human.HAZARD, phone=report_form.real_phone(draft), note=_note("chưa có", ()))


# ------------------------------------------------------------------ safety questions


def safety(ctx: Context, question: Question) -> None:
    """A safety question: the answer that fits the situation (the message's own, else the
    one being reported, else the one of this conversation's hazard ticket); then the
    question pending, if any."""
    text = question.text or ctx.turn.text
    kinds = kinds_in(ctx, text)
    pending, current = _pending(ctx), _current(ctx)
    if not kinds:
        kinds = _ordered(_split(pending.hazard) if pending else _split(current.hazard) if current else [])
    if not kinds and reader.breaker_stayed_on(text):
        _breaker_stayed_on(ctx)
        return
    ctx.say(wording.safety_answer(_asked(text), kinds, hazard.people_at_risk(text)))
    awaiting = ctx.state.awaiting
    if awaiting is not None and awaiting.kind in (AWAIT_REPORT_PLACE, AWAIT_REPORT_PHONE):
        report_form.remind(ctx, awaiting)


def _breaker_stayed_on(ctx: Context) -> None:
    """No danger in this conversation: the breaker that stayed on is noted (in the report
    being taken, whose question comes again), never met with "ngắt cầu dao"."""
    awaiting = ctx.state.awaiting
    if awaiting is not None and awaiting.kind in report_form.FORM_AWAITS:
        if awaiting.draft is not None and awaiting.draft.breaker is None:
            draft = replace(awaiting.draft, breaker=reader.Breaker.STILL_DARK.value)
            awaiting = replace(awaiting, draft=draft)
            ctx.update(awaiting=awaiting)
        ctx.say(wording.BREAKER_STAYED_ON_NOTED)
        report_form.remind(ctx, awaiting)
        return
    ticket = ctx.state.outage_ticket
    ctx.say(wording.breaker_stayed_on(ticket), [RESTORE_BUTTON if ticket else REPORT_BUTTON])


def _asked(text: str) -> str | None:
    folded = plain(text)
    if (
        _RESCUE_WORDS.search(folded)
        and "person_shocked" in reader.hazard_kinds(text)
        or re.search(r"\b(?:cuu|so cuu|keo) (?:nguoi|sao|the nao)\b", folded)
    ):
        return wording.RESCUE
    if _BREAKER_WORDS.search(folded):
        return wording.BREAKER
    if _WATER_WORDS.search(folded):
        return wording.WATER
    return None


# ------------------------------------------------------------ older conversations


def take_place(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Where the danger is, added to the urgent ticket (a conversation that was asked
    before tickets needed their place first: ``AWAIT_HAZARD_PLACE``)."""
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


__all__ = ["AWAIT_HAZARD_PLACE", "advice", "names_a_danger", "report", "resume", "safety", "take_place"]
