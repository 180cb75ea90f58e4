"""Which handler answers which topic, and which reads the answer to what the bot awaits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.dialogue import keywords
from bot.dialogue.context import Asked, Context
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_CALLBACK_PHONE,
    AWAIT_CALLBACK_TIME,
    AWAIT_CLARIFY,
    AWAIT_CODE,
    AWAIT_CODE_OFFER,
    AWAIT_COMPLAINT,
    AWAIT_DIGITS,
    AWAIT_HAZARD_PLACE,
    AWAIT_LOCATION,
    AWAIT_OFFER,
    AWAIT_ONE_TIME_CODE,
    AWAIT_PLACE_CHOICE,
    AWAIT_RATING,
    AWAIT_REPORT_PHONE,
    AWAIT_REPORT_PLACE,
    AWAIT_SCOPE,
    AWAIT_SINCE,
    Awaiting,
    Question,
)
from bot.dialogue.text import plain
from bot.dialogue.topics import (
    account,
    alerts,
    billing,
    complaints,
    detail,
    fallback,
    hazard,
    human,
    locks,
    offices,
    outages,
    payments,
    report,
    report_form,
    requests,
    smalltalk,
    supply,
    tariff,
)
from bot.dialogue.understanding import says_no, says_yes
from bot.wording import common
from bot.wording import complaints as complaint_wording
from bot.wording import hazard as hazard_wording
from bot.wording import identity as identity_wording
from bot.wording import offices as office_wording
from bot.wording import outage as outage_wording
from bot.wording import security as security_wording
from bot.wording import supply as supply_wording

Handler = Callable[[Context, Question], "Asked | None"]
Taker = Callable[[Context, Awaiting], "tuple[Question, ...] | None"]

HANDLERS: dict[str, Handler] = {
    # account (verified)
    "bill": billing.bill,
    "bill_detail": billing.bill_detail,
    "bill_high": billing.bill_high,
    "debt": billing.debt,
    "recheck": billing.recheck,
    "meter_reading": billing.meter_reading,
    "reading_date": billing.reading_date,
    "code_received": account.code_received,
    "change_code": account.change_code,
    "unlink": account.unlink,
    # public
    "payment_methods": billing.payment_methods,
    "tariff": tariff.tariff,
    "service_request": requests.service_request,
    "request_ticket": requests.request_ticket,
    "outage_schedule": outages.schedule,
    "restore_time": outages.restore_time,
    "supply_status": supply.supply_status,
    "outage_reason": outages.outage_reason,
    "next_steps": outages.next_steps,
    "outage_report": report.report,
    "hazard": hazard.report,
    "more_detail": detail.more_detail,
    # small talk and general answers
    "greet": smalltalk.greet,
    "goodbye": smalltalk.goodbye,
    "thank": smalltalk.thank,
    "bot_challenge": smalltalk.bot_challenge,
    "contact": smalltalk.contact,
    "human": smalltalk.request_human,
    "alerts": alerts.subscribe,
    "alerts_stop": alerts.unsubscribe,
    "affirm": smalltalk.affirm,
    "deny": smalltalk.deny,
    "cancel": smalltalk.cancel,
    "unexplained_digits": smalltalk.unexplained_digits,
    "how_can_i_help": smalltalk.how_can_i_help,
    # complaints, payments, supply, offices (bot/dialogue/topics: complaints, payments, supply, offices)
    "complaint": complaints.complaint,
    "frustration": complaints.frustration,
    "human_offer": complaints.human_offer,
    human.BY_RULE: human.by_rule,
    "payment_posting": payments.payment_posting,
    "payment_check": payments.payment_check,
    "payment_ticket": payments.payment_ticket,
    "late_payment": payments.late_payment,
    "next_bill": billing.next_bill,
    "estimated_reading": billing.estimated_reading,
    "office": offices.office,
    "supply_history": supply.supply_status,
    "safety": hazard.safety,
    "misunderstood": fallback.misunderstood,
}

# Topics that may need something from the customer first (a code, a place, the digits):
# while one question waits for an answer, these wait with it.
NEEDS_INPUT = frozenset(
    account.ACCOUNT_TOPICS
    | outages.OUTAGE_QUESTION_TOPICS
    | {"code_received", "office", "payment_posting", "supply_history", "alerts"}
)


def answer(ctx: Context, question: Question) -> Asked | None:
    return HANDLERS.get(question.topic, fallback.misunderstood)(ctx, question)


def _take_offer(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Yes or no to an offer. The code or digits the offer was made over (``behind``)
    are asked again after a no, and an answer to them is taken as such."""
    if says_no(ctx.turn):
        decline_offer(ctx, awaiting)
        return ()
    if says_yes(ctx.turn):
        ctx.update(awaiting=None)
        return awaiting.questions
    return take(ctx, awaiting.behind) if awaiting.behind is not None else None


def decline_offer(ctx: Context, awaiting: Awaiting) -> None:
    """No to an offer ("không cần" typed counts too): what it was made over, the code
    or the digits, is asked for again."""
    behind = awaiting.behind
    ctx.update(awaiting=behind)
    if behind is None:
        ctx.say(common.fine_then())
    elif behind.kind == AWAIT_DIGITS and behind.code:
        ctx.say(identity_wording.digits_after_no(behind.code))
    else:
        remind(ctx, behind)


TAKERS: dict[str, Taker] = {
    AWAIT_CODE: account.take_code,
    AWAIT_DIGITS: account.take_digits,
    AWAIT_LOCATION: outages.take_location,
    AWAIT_PLACE_CHOICE: outages.take_location,
    AWAIT_SCOPE: report.take_answer,
    AWAIT_BREAKER: report.take_answer,
    AWAIT_SINCE: report.take_answer,
    AWAIT_HAZARD_PLACE: hazard.take_place,
    AWAIT_OFFER: _take_offer,
    AWAIT_CLARIFY: fallback.take_clarification,
    AWAIT_CALLBACK_PHONE: human.take_phone,
    AWAIT_CALLBACK_TIME: human.take_time,
    AWAIT_RATING: human.take_rating,
    AWAIT_COMPLAINT: complaints.take_complaint,
    AWAIT_REPORT_PLACE: report_form.take_place,
    AWAIT_REPORT_PHONE: report_form.take_phone,
    AWAIT_CODE_OFFER: locks.take_offer,
    AWAIT_ONE_TIME_CODE: locks.take_code,
}


def take(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The questions the awaited answer unlocks (maybe none: the answer was handled, or
    asked again); None when the message is no answer to it."""
    taker = TAKERS.get(awaiting.kind)
    return taker(ctx, awaiting) if taker else None


# Messages that ask nothing of their own: while a code, the digits or a place is awaited
# they are a failed answer (asked again), not a new topic.
NO_QUESTION_INTENTS = frozenset({"", "nlu_fallback", "out_of_scope", "inform", "affirm", "deny"})
REASKED_KINDS = frozenset({AWAIT_CODE, AWAIT_DIGITS, AWAIT_LOCATION, AWAIT_PLACE_CHOICE, AWAIT_ONE_TIME_CODE})
MAX_FAILED_ANSWERS = 3
SURE_ENOUGH = 0.7  # below, a new intent must be confirmed by its words to end a wait


def reask(ctx: Context, awaiting: Awaiting, understood: list[str] | None = None) -> bool:
    """A message that is no answer and asks nothing clear of its own (no intent that
    asks, or an unsure one that no word confirms): the question again, three times at
    most. False when the bot stops waiting (the message is read as a new question)."""
    if awaiting.kind not in REASKED_KINDS or _new_details(ctx):
        return False
    intents = set(understood or ctx.turn.intents or ("",))  # as understood: an unsure NLU rescued by words
    text = plain(ctx.turn.text)
    unsure = ctx.turn.confidence < SURE_ENOUGH and not any(keywords.names(i, text) for i in intents)
    if not (intents <= NO_QUESTION_INTENTS or unsure):
        return False
    failures = awaiting.failures + 1
    if failures > MAX_FAILED_ANSWERS:
        return False
    text = common.not_understood_again(_question_text(awaiting))
    if failures >= 2:
        text += " " + common.hotline_hint()
    ctx.say(text)
    ctx.wait(replace(awaiting, failures=failures))
    return True


def _new_details(ctx: Context) -> bool:
    """A place, a month, dates, kWh or a ticket: a follow-up, not a failed answer."""
    d = ctx.details
    return bool(d.areas or d.periods or d.dates or d.ticket or d.kwh is not None or d.households is not None)


def _question_text(awaiting: Awaiting) -> str:
    if awaiting.kind == AWAIT_CODE:
        return identity_wording.ask_code()
    if awaiting.kind == AWAIT_DIGITS:
        return identity_wording.ask_digits(awaiting.code or "")
    if awaiting.kind == AWAIT_ONE_TIME_CODE:
        return security_wording.ONE_TIME_CODE_FORMAT
    topic = awaiting.questions[0].topic if awaiting.questions else ""
    if topic == "office":
        return office_wording.ask_where()
    if topic == "supply_status":
        return supply_wording.ask_where()
    return outage_wording.ask_location(
        {"outage_report": "report", "outage_schedule": "schedule"}.get(topic, "restore")
    )


def remind(ctx: Context, awaiting: Awaiting) -> None:
    """An empty message while something is awaited: the question again, shortly."""
    if awaiting.kind == AWAIT_CODE:
        ctx.say(identity_wording.ask_code())
    elif awaiting.kind == AWAIT_DIGITS and awaiting.code:
        ctx.say(identity_wording.ask_digits(awaiting.code))
    elif awaiting.kind in (AWAIT_LOCATION, AWAIT_PLACE_CHOICE):
        ctx.say(outage_wording.ask_location("schedule"))
    elif awaiting.kind in report_form.FORM_AWAITS:
        report_form.remind(ctx, awaiting)
    elif awaiting.kind == AWAIT_HAZARD_PLACE:
        ctx.say(hazard_wording.HAZARD_PLACE_QUESTION)
    elif awaiting.kind == AWAIT_CALLBACK_PHONE:
        human.ask_phone(ctx, awaiting.query, awaiting.failures)
    elif awaiting.kind == AWAIT_CALLBACK_TIME and awaiting.query:
        human.ask_time(ctx, awaiting.query, "số anh/chị cho")
    elif awaiting.kind == AWAIT_COMPLAINT:
        ctx.say(complaint_wording.ask_what_about())
    elif awaiting.kind in (AWAIT_CODE_OFFER, AWAIT_ONE_TIME_CODE):
        locks.remind(ctx, awaiting)
    else:
        smalltalk.how_can_i_help(ctx, Question("how_can_i_help"))
