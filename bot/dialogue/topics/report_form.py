"""Where, and whom to call back: what makes an outage or hazard ticket one a crew can act
on (issue 11). Shared by topics/report.py (outages) and topics/hazard.py (dangers).

Without a customer code the customer is verified for, a report asks for an address or
a landmark and a number to call back, in one question (``AWAIT_REPORT_PLACE``). The next
message is read as the place whatever the NLU made of it ("123 Nguyễn Trãi, phường 2,
quận 5", "gan cho Ben Thanh"): the street and landmark as written, the ward when the
words name one (old or new names: the checks of known outages use it). A message that
is no place is asked again with what would do (never "em chưa hiểu"); one that asks
something else moves on. A number is then asked if the place came without one
(``AWAIT_REPORT_PHONE``): a Vietnamese mobile number (bot.domain.phones), repeated
masked; "không có" goes on without. A verified code needs neither: the registered
address and mobile are used. Any answer may also carry since when, or a customer code.

The draft (bot.dialogue.state.ReportDraft) travels in the awaited answer; the module of
its kind goes on (:func:`resume`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue import report_answers as answers
from bot.dialogue.context import Asked, Context
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_HAZARD_PLACE,
    AWAIT_REPORT_PHONE,
    AWAIT_REPORT_PLACE,
    AWAIT_SCOPE,
    AWAIT_SINCE,
    Awaiting,
    Question,
    ReportDraft,
)
from bot.dialogue.text import plain
from bot.dialogue.topics.outages import buttons_of
from bot.domain import phones, places
from bot.wording import outage_report as question_wording
from bot.wording import reports as wording

OUTAGE, HAZARD = wording.OUTAGE, wording.HAZARD
NO_PHONE = "none"  # ReportDraft.phone: the customer gave no number (asked once)
FORM_AWAITS = frozenset({AWAIT_REPORT_PLACE, AWAIT_REPORT_PHONE, AWAIT_SCOPE, AWAIT_BREAKER, AWAIT_SINCE})
REPORT_AWAITS = FORM_AWAITS | {AWAIT_HAZARD_PLACE}
# The report's multiple-choice questions, asked again as they were asked.
_CHOICES = {
    AWAIT_SCOPE: (question_wording.SCOPE_QUESTION, question_wording.SCOPE_BUTTONS),
    AWAIT_BREAKER: (question_wording.BREAKER_QUESTION, question_wording.BREAKER_BUTTONS),
    AWAIT_SINCE: (question_wording.SINCE_QUESTION, question_wording.SINCE_BUTTONS),
}
# Answers that are no place before giving up (an outage: the hotline takes it; a danger:
# a person, sooner).
MAX_PLACE_TRIES = {OUTAGE: 3, HAZARD: 2}
MAX_PHONE_TRIES = 2

# Intents a place or a number may be taken for by the NLU: they never end the wait.
_MAY_BE_AN_ANSWER = frozenset(
    {"", "inform", "nlu_fallback", "out_of_scope", "affirm", "deny", "report_outage", "report_hazard",
     "ask_outage_schedule", "ask_office", "ask_outage_reason", "ask_supply_status", "ask_restore_time",
     "complain", "change_customer_code", "unsubscribe_alerts", "subscribe_alerts", "ask_contact",
     "ask_next_steps", "cancel", "greet", "thank"}
)  # fmt: skip
SURE = 0.8


# --------------------------------------------------------------------- questions


def kind_of(draft: ReportDraft | None) -> str:
    return HAZARD if draft is not None and draft.kind == HAZARD else OUTAGE


def ask_place(
    ctx: Context,
    draft: ReportDraft,
    question: Question,
    lead: str = "",
    failures: int = 0,
    code_noted: bool = False,
) -> Asked:
    """Where (an address or a landmark) and a number, in one question. ``code_noted``: the
    customer just gave a code that is not theirs to use (not verified)."""
    kind = kind_of(draft)
    area = _area_label(draft) if not draft.location else None
    if failures:
        text = wording.place_again(kind, area)
    elif code_noted and draft.code:
        text = wording.code_noted_ask_place(kind, draft.code)
    else:
        text = wording.ask_place(kind, with_code=kind == OUTAGE and not draft.code, lead=lead, area=area)
    return ctx.ask(Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=failures), text)


def ask_phone(
    ctx: Context, draft: ReportDraft, question: Question, failures: int = 0, lead: str = ""
) -> Asked:
    """A number to call back (the place just given is repeated, so a mistake shows)."""
    noted = location_label(draft) if not draft.ticket else None
    text = wording.phone_invalid() if failures else wording.ask_phone(kind_of(draft), noted)
    return ctx.ask(
        Awaiting(AWAIT_REPORT_PHONE, (question,), draft=draft, failures=failures), f"{lead} {text}".strip()
    )


def location_label(draft: ReportDraft) -> str | None:
    """The place as written, with the current ward when the words name an old one or
    leave it out ("123 Nguyễn Trãi, phường 2, quận 5 (Phường Chợ Quán, Thành phố Hồ Chí Minh)")."""
    if not draft.location:
        return None
    found = places.resolve(draft.area).found if draft.area else None
    if found is None or found.single_ward is None:
        return draft.location
    if plain(found.single_ward) in plain(draft.location):
        return draft.location
    return f"{draft.location} ({found.single_ward}, {found.province})"


def _area_label(draft: ReportDraft) -> str | None:
    found = places.resolve(draft.area).found if draft.area else None
    return found.label if found is not None else None


def remind(ctx: Context, awaiting: Awaiting) -> None:
    """The pending question again, short (after an empty message or a safety question)."""
    if awaiting.kind in _CHOICES:
        text, buttons = _CHOICES[awaiting.kind]
        ctx.say(text, buttons_of(buttons))
        return
    draft = awaiting.draft or ReportDraft()
    if awaiting.kind == AWAIT_REPORT_PHONE:
        ctx.say(wording.ask_phone(kind_of(draft)))
    else:
        ctx.say(wording.place_again(kind_of(draft), _area_label(draft) if not draft.location else None))


# ---------------------------------------------------------------- awaited answers


def _question(awaiting: Awaiting) -> Question:
    if awaiting.questions:
        return awaiting.questions[0]
    return Question("hazard" if kind_of(awaiting.draft) == HAZARD else "outage_report")


def _asks_something_else(ctx: Context) -> bool:
    return bool(set(ctx.turn.intents) - _MAY_BE_AN_ANSWER) and ctx.turn.confidence >= SURE


def take_place(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Where the outage or the danger is (a code, an address, a landmark; a number with
    it); None when the message asks something else."""
    if ctx.turn.is_button:
        return None
    draft = awaiting.draft or ReportDraft()
    question = _question(awaiting)
    if ctx.details.code:  # the report is about this customer now
        ctx.update(awaiting=None)
        resume(ctx, answers.with_details(ctx, replace(draft, code=ctx.details.code), ctx.turn.text), question)
        return ()
    place = answers.place_in(ctx, ctx.turn.text)
    if place is None and ctx.details.malformed_codes:
        ask_place(ctx, draft, question, lead=ctx.malformed_code_reason())
        return ()
    phone = answers.phone_in(ctx)
    if place is None:
        if answers.no_code(ctx.turn.text) and not draft.code:  # "không nhớ mã": a place will do
            ctx.ask(
                Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=awaiting.failures),
                wording.no_code_ask_place(kind_of(draft)),
            )
            return ()
        if phone is None and _asks_something_else(ctx):
            return None
        draft = answers.with_details(ctx, draft, ctx.turn.text)
        if phone is not None:
            ctx.ask(
                Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=awaiting.failures),
                wording.phone_noted_ask_place(kind_of(draft), phone),
            )
            return ()
        failures = awaiting.failures + 1
        if failures > MAX_PLACE_TRIES[kind_of(draft)]:
            ctx.update(awaiting=None)
            no_place(ctx, draft, question)
            return ()
        ask_place(ctx, draft, question, failures=failures)
        return ()
    draft = answers.with_details(ctx, answers.with_place(draft, place), ctx.turn.text, place_given=True)
    ctx.update(awaiting=None)
    resume(ctx, draft, question)
    return ()


def take_phone(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The number to call back: a mobile number, or "không có"; None for another question."""
    if ctx.turn.is_button:
        return None
    draft = awaiting.draft or ReportDraft()
    question = _question(awaiting)
    phone = answers.phone_in(ctx)
    if phone is None and (answers.no_phone(ctx.turn.text) or "deny" in ctx.turn.intents):
        phone = NO_PHONE
    if phone is None:
        if ctx.details.code:
            ctx.update(awaiting=None)
            resume(ctx, replace(draft, code=ctx.details.code), question)
            return ()
        if not phones.looks_like_a_number(ctx.turn.text) and _asks_something_else(ctx):
            return None
        failures = awaiting.failures + 1
        if failures > MAX_PHONE_TRIES:
            phone = NO_PHONE  # the report goes on without a number
        else:
            ask_phone(ctx, answers.with_details(ctx, draft, ctx.turn.text), question, failures=failures)
            return ()
    ctx.update(awaiting=None)
    resume(ctx, answers.with_details(ctx, replace(draft, phone=phone), ctx.turn.text), question)
    return ()


def resume(ctx: Context, draft: ReportDraft, question: Question) -> Asked | None:
    """The report of the draft's kind goes on (asks what is missing, or records it)."""
    from bot.dialogue.topics import hazard, report

    if kind_of(draft) == HAZARD:
        return hazard.resume(ctx, draft, question)
    return report.resume(ctx, draft, question)


def no_place(ctx: Context, draft: ReportDraft, question: Question) -> None:
    """No address after asking again: with a ward known, the ward is the place; else the
    report's module says what now."""
    label = _area_label(draft)
    if label:
        resume(ctx, replace(draft, location=label), question)
        return
    from bot.dialogue.topics import hazard, report

    (hazard if kind_of(draft) == HAZARD else report).without_place(ctx, draft, question)


def cancelled(awaiting: Awaiting) -> str:
    """What "thôi", "hủy" get while a report is being collected: it ends, politely."""
    draft = awaiting.draft
    if awaiting.kind == AWAIT_HAZARD_PLACE:
        number = awaiting.questions[0].ticket if awaiting.questions else None
        return wording.cancelled(HAZARD, number)
    return wording.cancelled(kind_of(draft), draft.ticket if draft is not None else None)


def real_phone(draft: ReportDraft) -> str | None:
    return draft.phone if draft.phone and draft.phone != NO_PHONE else None
