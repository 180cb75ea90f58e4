"""A customer's "no power" report: what is known first, then only what a crew needs.

Where comes first: a customer code (the message's, the one in play, or the one this
requester is verified for), or an address or landmark from the message. The checks run
as soon as there is a code or a ward (bot.services.outage_reports.assess): a suspended
supply, a planned outage under way, a known incident or a report already made is said
at once and nothing more is asked. Otherwise the report collects, asking only what is
missing (topics/report_form.py for the first two):

1. where: without a verified code, an address or landmark (the next message is taken as
   it, in any words); a verified code's registered address otherwise;
2. a number to call back (a verified code's registered mobile otherwise);
3. only this house or the neighbours too; for one house, the breaker first;
4. since when ("vẫn mất điện" or "ok tạo phiếu giúp tôi" is no time: asked once more,
   then recorded as unknown, never taken for the power being back);

then the ticket is recorded (grouped with the neighbours' reports into one incident
when several come in) and confirmed: its number, the place, since when, the number
masked, what happens next and by when.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogue import report_answers as answers
from bot.dialogue import since as since_reader
from bot.dialogue.context import Asked, Context
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_SCOPE,
    AWAIT_SINCE,
    Awaiting,
    Question,
    ReportDraft,
    TicketRef,
)
from bot.dialogue.text import plain
from bot.dialogue.topics import report_form
from bot.dialogue.topics.outages import RESTORE_BUTTON, buttons_of, shown_outages
from bot.domain import places
from bot.nlu.core import read as reader
from bot.services import customers
from bot.services.crew_tickets import Contact, MissingLocation
from bot.services.outage_reports import UnknownCustomer
from bot.services.outage_results import Breaker, Outcome, Report, Scope, Target, Verdict
from bot.wording import outage_report as wording
from bot.wording import outages as context_wording
from bot.wording import reports as report_wording
from bot.wording.customers import code_problem_text

MAX_ANSWER_TRIES = 2
UNKNOWN_SINCE = "không rõ"
_TICKET_WORDS = re.compile(
    r"\b(?:tao phieu|bao giup|bao di|ghi nhan|lam phieu|bao mat dien|bao su co|phieu)\b"
)
_VAGUE_YES = frozenset({"ok", "oke", "okie", "uh", "u", "um", "da", "vang", "roi", "co", "da vang"})
# A complaint, anger, a request for a person or a danger is never "an answer I did not
# understand" to a pending report question: the report waits, they are answered first.
_URGENT_TURNS = frozenset({"complain", "express_frustration", "request_human", "report_hazard"})
_OTHER_QUESTIONS = frozenset(
    {
        "ask_bill",
        "ask_debt",
        "ask_bill_high",
        "ask_tariff",
        "ask_payment_methods",
        "ask_outage_schedule",
        "request_service",
        "ask_meter_reading",
        "ask_reading_date",
        "bot_challenge",
        "ask_contact",
    }
)


def report(ctx: Context, question: Question) -> Asked | None:
    text = question.text or ctx.turn.text
    draft = ReportDraft()
    if question.code:
        check = ctx.backend.check_code(question.code)
        if not check.ok:
            return report_form.ask_place(ctx, draft, question, lead=code_problem_text(check.problem))
        ctx.update(customer_code=check.code)
        draft = replace(draft, code=check.code)
    elif (place := _place(ctx, question, text)) is not None:
        draft = answers.with_place(draft, place)
    elif ctx.details.malformed_codes and not ctx.details.areas:
        return report_form.ask_place(ctx, draft, question, lead=ctx.malformed_code_reason())
    if not (draft.code or draft.location or draft.area):
        draft = _known_place(ctx, draft)
    given = bool(draft.location or draft.area) and not draft.code
    return resume(ctx, answers.with_details(ctx, draft, text, place_given=given), question)


def _place(ctx: Context, question: Question, text: str) -> answers.Place | None:
    """An address, landmark or ward named in the report itself ("mất điện ở 12 Lê Lợi")."""
    return answers.place_in_report(ctx, text)


def _known_place(ctx: Context, draft: ReportDraft) -> ReportDraft:
    """The code in play (or the one this requester is verified for), else the place of the
    last outage answer."""
    code = ctx.known_code()
    if code and ctx.backend.customer_exists(code):
        ctx.update(customer_code=code)
        return replace(draft, code=code)
    if ctx.state.area and (found := places.resolve(ctx.state.area).found) and found.single_ward:
        return replace(draft, area=found.path)
    return draft




def _target(draft: ReportDraft) -> Target | None:
    if draft.code:
        return Target(customer_code=draft.code)
    area = places.resolve(draft.area).found if draft.area else None
    if area is not None:
        return Target(area=area)
    return Target(place=draft.location) if draft.location else None


def _contact(ctx: Context, draft: ReportDraft) -> Contact | None:
    return ctx.backend.verified_contact(draft.code) if draft.code else None


def resume(ctx: Context, draft: ReportDraft, question: Question, failures: int = 0) -> Asked | None:
    """Say what is known, or ask what is still missing, or record the report."""
    target = _target(draft)
    if target is None:
        return report_form.ask_place(ctx, draft, question)
    try:
        verdict = ctx.backend.assess(target, ctx.state.outage_ticket).verdict
    except UnknownCustomer:
        ctx.update(customer_code=None)
        lead = code_problem_text(customers.CodeProblem.NOT_FOUND)
        return report_form.ask_place(ctx, replace(draft, code=None), question, lead=lead)
    if verdict != Verdict.NONE:
        return _submit(ctx, draft)  # suspended, planned, incident or already reported: said at once
    contact = _contact(ctx, draft)
    if not draft.location and contact is None:
        return report_form.ask_place(ctx, draft, question, code_noted=bool(draft.code))
    if draft.phone is None and not (contact is not None and contact.phone):
        return report_form.ask_phone(ctx, draft, question)
    if draft.scope is None:
        return _ask(
            ctx, AWAIT_SCOPE, draft, question, wording.SCOPE_QUESTION, wording.SCOPE_BUTTONS, failures
        )
    house = draft.scope == Scope.HOUSE.value
    if house and draft.breaker is None:
        return _ask(
            ctx, AWAIT_BREAKER, draft, question, wording.BREAKER_QUESTION, wording.BREAKER_BUTTONS, failures
        )
    if not (house and draft.breaker == Breaker.BACK.value) and draft.since is None:
        text = wording.SINCE_AGAIN if failures else wording.SINCE_QUESTION
        return ctx.ask(
            Awaiting(AWAIT_SINCE, (question,), draft=draft, failures=failures),
            text,
            buttons_of(wording.SINCE_BUTTONS),
        )
    return _submit(ctx, draft)


def _ask(
    ctx: Context,
    kind: str,
    draft: ReportDraft,
    question: Question,
    text: str,
    buttons: list[dict[str, str]],
    failures: int,
) -> Asked:
    if failures:
        text = wording.answer_not_understood(text)
    return ctx.ask(Awaiting(kind, (question,), draft=draft, failures=failures), text, buttons_of(buttons))


def without_place(ctx: Context, draft: ReportDraft, question: Question) -> None:
    """No address after asking twice: the hotline takes the report."""
    ctx.say(context_wording.report_not_recorded())


def _submit(ctx: Context, draft: ReportDraft) -> None:
    target = _target(draft)
    if target is None:
        ctx.say(context_wording.report_not_recorded())
        return None
    contact = _contact(ctx, draft)
    typed_phone = report_form.real_phone(draft)
    phone = typed_phone or (contact.phone if contact is not None else None)
    start = reader.start_time(draft.since) if draft.since and draft.since != UNKNOWN_SINCE else None
    began = since_reader.resolve(start, ctx.now)
    report = Report(
        target=target,
        channel=ctx.backend.channel,
        scope=_enum(Scope, draft.scope),
        breaker=_enum(Breaker, draft.breaker),
        since=draft.since,
        started_at=began.at if began is not None else None,
        location=report_form.location_label(draft),
        callback_phone=phone,
        previous_ticket=ctx.state.outage_ticket,
    )
    try:
        result = ctx.backend.submit(report)
    except UnknownCustomer:
        ctx.say(code_problem_text(customers.CodeProblem.NOT_FOUND))
        ctx.update(customer_code=None)
        return None
    except MissingLocation:  # the checks ran before: only a place that vanished gets here
        ctx.say(context_wording.report_not_recorded())
        return None
    code = target.customer_code
    verified = (
        result.outcome == Outcome.SUSPENDED and bool(code) and ctx.backend.identity(code or "").verified
    )
    opened = result.outcome in (Outcome.TICKET, Outcome.GROUPED)
    buttons = [RESTORE_BUTTON] if opened else []
    if result.outcome == Outcome.TICKET and result.ticket is not None:
        ticket = result.ticket
        shown = report_form.location_label(draft) or (
            report_wording.registered_place(contact.code, contact.area) if contact else ticket.location or ""
        )
        since = None
        if draft.since:
            since = report_wording.since_text(
                began.at if began else None,
                began.precision if began else None,
                began.part if began else None,
                ctx.now,
            )
        text = report_wording.outage_recorded(
            ticket.number,
            shown,
            since,
            phone,
            ticket.respond_by,
            ctx.now,
            registered_phone=phone is not None and typed_phone is None,
        )
        ctx.say(text, buttons)
    else:
        ctx.say(wording.report_reply(result, customer_code=code, verified=verified), buttons)
    ctx.update(
        topic="outage_report",
        outages_shown=shown_outages(result.assessment.planned, result.incident),
        area=draft.area,
    )
    if result.ticket is not None:
        ctx.update(ticket=TicketRef(result.ticket.number, "outage"))
    return None


def _enum(kind, value):
    try:
        return kind(value) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------- awaited answers


def take_answer(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Scope, breaker or since: the report goes on (or is recorded); None when the
    message asks something else."""
    draft = awaiting.draft or ReportDraft()
    question = awaiting.questions[0] if awaiting.questions else Question("outage_report")
    if awaiting.kind == AWAIT_SCOPE:
        scope = reader.scope(ctx.turn.text)
        if scope is None:
            return None if _asks_other(ctx) else _again(ctx, awaiting, draft, question)
        breaker = reader.breaker(ctx.turn.text, explicit_only=True)
        draft = replace(
            draft, scope=scope.value, breaker=draft.breaker or (breaker.value if breaker else None)
        )
    elif awaiting.kind == AWAIT_BREAKER:
        breaker = _breaker(ctx)
        if breaker is None:
            return None if _asks_other(ctx) else _again(ctx, awaiting, draft, question)
        draft = replace(draft, breaker=breaker.value)
    else:
        since = _since(ctx)
        if since is None:
            if _asks_other(ctx):
                return None
            if _TICKET_WORDS.search(plain(ctx.turn.text)) or awaiting.failures + 1 >= MAX_ANSWER_TRIES:
                since = UNKNOWN_SINCE  # "ok tạo phiếu giúp tôi", or no time twice: recorded as unknown
            else:
                ctx.update(awaiting=None)
                resume(ctx, draft, question, failures=awaiting.failures + 1)
                return ()
        draft = replace(draft, since=since)
    ctx.update(awaiting=None)
    resume(ctx, answers.with_details(ctx, draft, ctx.turn.text), question)
    return ()


def _asks_other(ctx: Context) -> bool:
    intents = set(ctx.turn.intents)
    if intents & _URGENT_TURNS and ctx.turn.confidence >= 0.5:
        return True
    return bool(intents & _OTHER_QUESTIONS) and ctx.turn.confidence >= 0.8


def _breaker(ctx: Context) -> Breaker | None:
    folded = plain(ctx.turn.text)
    if _TICKET_WORDS.search(folded):
        return Breaker.STILL_DARK  # "ok tạo phiếu giúp tôi": still no power, please record it
    if folded in _VAGUE_YES:
        return None  # "ok" to "có điện lại chưa?" says neither
    intent = "affirm" if "affirm" in ctx.turn.intents else "deny" if "deny" in ctx.turn.intents else None
    return reader.breaker(ctx.turn.text, intent)


def _since(ctx: Context) -> str | None:
    """Since when, as the customer said it; "vẫn mất điện" is no time."""
    start = reader.start_time(ctx.turn.text)
    if start is None:
        return None
    return UNKNOWN_SINCE if start.unknown else start.said


def _again(ctx: Context, awaiting: Awaiting, draft: ReportDraft, question: Question) -> tuple[Question, ...]:
    failures = awaiting.failures + 1
    if failures > MAX_ANSWER_TRIES:
        ctx.say(context_wording.report_not_recorded())
        ctx.update(awaiting=None)
        return ()
    ctx.update(awaiting=None)
    resume(ctx, draft, question, failures)
    return ()
