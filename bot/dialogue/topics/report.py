"""A customer's "no power" report: where, the checks, then only what is still needed.

The place (or code) is checked first (bot.services.outage_reports.assess): a suspended
supply, a planned outage under way, a known incident or a report already made is said
at once and nothing more is asked. Otherwise: only this house or the neighbours too,
the breaker first for one house, since when; then the report is recorded (grouped with
the neighbours' reports into one incident when several come in).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
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
from bot.dialogue.topics.outages import Location, buttons_of, locate, shown_outages
from bot.domain import places
from bot.nlu.core import read as reader
from bot.services import customers
from bot.services.outage_reports import UnknownCustomer
from bot.services.outage_results import Breaker, Outcome, Report, Scope, Target, Verdict
from bot.wording import outage as place_wording
from bot.wording import outage_report as wording
from bot.wording import outages as context_wording
from bot.wording.customers import code_problem_text

MAX_ANSWER_TRIES = 2
UNKNOWN_SINCE = "không rõ"
_TICKET_WORDS = re.compile(
    r"\b(?:tao phieu|bao giup|bao di|ghi nhan|lam phieu|bao mat dien|bao su co|phieu)\b"
)
_VAGUE_YES = frozenset({"ok", "oke", "okie", "uh", "u", "um", "da", "vang", "roi", "co", "da vang"})
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
    where = locate(ctx, question, need_ward=True)
    if isinstance(where, Asked):
        return where
    draft = ReportDraft(code=where.code, area=where.area.path if where.area else None)
    if ctx.backend.assess(_target(where), _own_ticket(ctx)).verdict != Verdict.NONE:
        return _submit(ctx, draft)  # suspended, planned, incident or already reported: said at once
    return _continue(ctx, _read_first_message(ctx, draft), question)


def _own_ticket(ctx: Context) -> str | None:
    ticket = ctx.state.ticket
    return ticket.number if ticket is not None and ticket.kind == "outage" else None


def _target(where: Location) -> Target:
    return Target(customer_code=where.code) if where.code else Target(area=where.area)


def _draft_target(draft: ReportDraft) -> Target | None:
    if draft.code:
        return Target(customer_code=draft.code)
    area = places.resolve(draft.area).found if draft.area else None
    return Target(area=area) if area is not None else None


def _read_first_message(ctx: Context, draft: ReportDraft) -> ReportDraft:
    """What the report message already says: scope, breaker (only when named), since."""
    text = ctx.turn.text
    scope = reader.scope(text)
    breaker = reader.breaker(text, explicit_only=True)
    start = reader.start_time(text)
    since = start.said if start is not None and not start.unknown else None
    return replace(
        draft,
        scope=scope.value if scope else None,
        breaker=breaker.value if breaker else None,
        since=since,
    )


def _continue(ctx: Context, draft: ReportDraft, question: Question, failures: int = 0) -> Asked | None:
    """Ask what is still missing, or record the report."""
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
        return _ask(
            ctx, AWAIT_SINCE, draft, question, wording.SINCE_QUESTION, wording.SINCE_BUTTONS, failures
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


def _submit(ctx: Context, draft: ReportDraft) -> None:
    target = _draft_target(draft)
    if target is None:
        ctx.say(place_wording.location_not_understood())
        return None
    report = Report(
        target=target,
        channel=ctx.backend.channel,
        scope=_enum(Scope, draft.scope),
        breaker=_enum(Breaker, draft.breaker),
        since=draft.since,
        previous_ticket=_own_ticket(ctx),
    )
    try:
        result = ctx.backend.submit(report)
    except UnknownCustomer:
        ctx.say(code_problem_text(customers.CodeProblem.NOT_FOUND))
        ctx.update(customer_code=None)
        return None
    code = target.customer_code
    verified = (
        result.outcome == Outcome.SUSPENDED and bool(code) and ctx.backend.identity(code or "").verified
    )
    opened = result.outcome in (Outcome.TICKET, Outcome.GROUPED)
    ctx.say(
        wording.report_reply(result, customer_code=code, verified=verified),
        [Button.intent("Khi nào có điện lại?", "ask_restore_time")] if opened else [],
    )
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
    if set(ctx.turn.intents) & _OTHER_QUESTIONS and ctx.turn.confidence >= 0.8:
        return None
    draft = awaiting.draft or ReportDraft()
    question = awaiting.questions[0] if awaiting.questions else Question("outage_report")
    if awaiting.kind == AWAIT_SCOPE:
        scope = reader.scope(ctx.turn.text)
        if scope is None:
            return _again(ctx, awaiting, draft, question)
        breaker = reader.breaker(ctx.turn.text, explicit_only=True)
        draft = replace(
            draft, scope=scope.value, breaker=draft.breaker or (breaker.value if breaker else None)
        )
    elif awaiting.kind == AWAIT_BREAKER:
        breaker = _breaker(ctx)
        if breaker is None:
            return _again(ctx, awaiting, draft, question)
        draft = replace(draft, breaker=breaker.value)
    else:
        since = _since(ctx)
        if since is None:
            return _again(ctx, awaiting, draft, question)
        draft = replace(draft, since=since)
    ctx.update(awaiting=None)
    _continue(ctx, draft, question)
    return ()


def _breaker(ctx: Context) -> Breaker | None:
    folded = plain(ctx.turn.text)
    if _TICKET_WORDS.search(folded):
        return Breaker.STILL_DARK  # "ok tạo phiếu giúp tôi": still no power, please record it
    if folded in _VAGUE_YES:
        return None  # "ok" to "có điện lại chưa?" says neither
    intent = "affirm" if "affirm" in ctx.turn.intents else "deny" if "deny" in ctx.turn.intents else None
    return reader.breaker(ctx.turn.text, intent)


def _since(ctx: Context) -> str | None:
    """Since when, as the customer said it; "vẫn mất điện" is no time (asked again)."""
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
    _continue(ctx, draft, question, failures)
    return ()
