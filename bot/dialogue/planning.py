"""From what a message asks to the questions to answer, in a sensible order.

Each intent becomes a :class:`~bot.dialogue.state.Question` with the message's details
(code, months, place, dates, kWh, households, ticket). A follow-up (``inform`` with a
new detail) becomes the topic on screen asked again with that detail replaced and
everything else kept. Several questions are answered safety first, then greetings,
then what needs no identification, then account questions, then thanks and goodbyes.
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue import when
from bot.dialogue.context import Context
from bot.dialogue.state import Question
from bot.dialogue.topics.account import ACCOUNT_TOPICS
from bot.dialogue.topics.smalltalk import SHORT
from bot.dialogue.understanding import INFORM, fits

TOPIC_OF_INTENT = {
    "ask_bill": "bill",
    "ask_bill_detail": "bill_detail",
    "ask_bill_high": "bill_high",
    "ask_debt": "debt",
    "request_recheck": "recheck",
    "ask_meter_reading": "meter_reading",
    "ask_reading_date": "reading_date",
    "ask_next_bill": "next_bill",
    "ask_payment_methods": "payment_methods",
    "ask_tariff": "tariff",
    "request_service": "service_request",
    "ask_outage_schedule": "outage_schedule",
    "report_outage": "outage_report",
    "ask_restore_time": "restore_time",
    "report_hazard": "hazard",
    "ask_safety": "safety",
    "ask_supply_status": "supply_status",
    "ask_outage_reason": "outage_reason",
    "ask_next_steps": "next_steps",
    "ask_more_detail": "more_detail",
    "greet": "greet",
    "goodbye": "goodbye",
    "thank": "thank",
    "bot_challenge": "bot_challenge",
    "ask_contact": "contact",
    "request_human": "human",
    "subscribe_alerts": "alerts",
    "unsubscribe_alerts": "alerts_stop",
    "change_customer_code": "change_code",
    "unlink_account": "unlink",
    "affirm": "affirm",
    "deny": "deny",
    "cancel": "cancel",
    "complain": "complaint",
    "express_frustration": "frustration",
    "ask_payment_posting": "payment_posting",
    "ask_late_payment": "late_payment",
    "ask_office": "office",
    "ask_estimated_reading": "estimated_reading",
    "nlu_fallback": "misunderstood",
    "out_of_scope": "misunderstood",
}
# A follow-up on these topics asks another one (after a re-check, "còn tháng trước?" is a bill).
FOLLOW_UP_TOPIC = {"recheck": "bill", "outage_report": "restore_time"}
# Topics that default to the month on screen ("chi tiết", "vì sao cao", "phúc tra").
ON_SCREEN_MONTH_TOPICS = frozenset({"bill_detail", "bill_high", "recheck"})
BILLING_FAMILY = frozenset({"bill", "bill_detail", "bill_high", "recheck", "meter_reading"})
# Topics whose follow-ups may name a month ("còn tháng trước thì sao" after them).
MONTH_FOLLOW_UPS = BILLING_FAMILY | {
    "payment_posting",
    "payment_check",
    "next_bill",
    "estimated_reading",
    "supply_status",
    "supply_history",
}
# The month on screen is kept by a follow-up on these (and by the billing family).
MONTH_ON_SCREEN = BILLING_FAMILY | {"estimated_reading"}
# A payment follow-up keeps the channel said before; a price follow-up the tier and table.
CHANNEL_TOPICS = frozenset({"payment_methods", "payment_posting", "payment_check"})
OUTAGE_PLACE_TOPICS = frozenset(
    {"outage_schedule", "restore_time", "supply_status", "outage_reason", "outage_report"}
)

ORDER = {
    "hazard": 0,
    "safety": 1,
    "cancel": 2,
    "greet": 3,
    "complaint": 4,
    "frustration": 4,
    "human": 5,
    "operator_rule": 80,  # after the message's other answers (bot/dialogue/engine.py: planned)
    "thank": 90,
    "goodbye": 95,
}
ACCOUNT_ORDER = 20
DEFAULT_ORDER = 10


def order(question: Question) -> int:
    if question.topic in ORDER:
        return ORDER[question.topic]
    return ACCOUNT_ORDER if question.topic in ACCOUNT_TOPICS else DEFAULT_ORDER


def _months(ctx: Context, values: tuple[str, ...]) -> tuple[str, ...]:
    on_screen = ctx.state.period_shown if ctx.state.topic in BILLING_FAMILY else None
    return when.keys(values, ctx.today, on_screen)


def question_for(ctx: Context, intent: str, months_for_bills: bool = False) -> Question:
    """A question asked afresh, with this message's details (``months_for_bills``: the
    message also asks an account question, whose months those are)."""
    details = ctx.details
    topic = TOPIC_OF_INTENT.get(intent, "misunderstood")
    months = _months(ctx, details.periods)
    if not months and topic in ON_SCREEN_MONTH_TOPICS and ctx.state.topic in BILLING_FAMILY:
        months = (ctx.state.period_shown,) if ctx.state.period_shown else ()
    dates = details.dates + (details.periods if topic == "outage_schedule" and not months_for_bills else ())
    return Question(
        topic=topic,
        code=details.code,
        months=months,
        area=details.area,
        dates=dates,
        kwh=details.kwh,
        households=details.households,
        ticket=details.ticket,
        service=details.service,
        text=ctx.turn.text,
        tier=details.tier,
        tariff_when=details.tariff_when,
        channel=details.channel,
    )


def follow_up(ctx: Context) -> Question:
    """The topic on screen asked again with this message's details replaced."""
    state, details = ctx.state, ctx.details
    topic = FOLLOW_UP_TOPIC.get(state.topic or "", state.topic or "misunderstood")
    if topic == "supply_history" and not details.periods:
        topic = "supply_status"  # "còn mã PB… thì sao" after a month's history: that code's supply now
    by_place = topic in OUTAGE_PLACE_TOPICS and bool(state.area)
    base = Question(
        topic=topic,
        code=None if by_place else state.customer_code,
        months=(state.period_shown,) if state.period_shown and topic in MONTH_ON_SCREEN else (),
        area=state.area if by_place else None,
        dates=state.dates_shown,
        kwh=state.kwh,
        households=state.households,
        text=ctx.turn.text,
        tier=state.tier if topic == "tariff" else None,
        tariff_when=state.tariff_when if topic == "tariff" else None,
        channel=state.payment_channel if topic in CHANNEL_TOPICS else None,
    )
    if details.code:
        base = replace(base, code=details.code, area=None)
    if details.area:
        base = replace(base, area=details.area, code=None)
    if details.periods and topic in MONTH_FOLLOW_UPS:
        base = replace(base, months=_months(ctx, details.periods))
    if topic == "outage_schedule" and (details.dates or details.periods):
        base = replace(base, dates=details.dates + details.periods)
    if details.kwh is not None:
        base = replace(base, kwh=details.kwh, tier=None, tariff_when=None)
    if details.households is not None:
        base = replace(base, households=details.households)
    if details.tier is not None or details.tariff_when:
        base = replace(base, kwh=None, households=None)
        base = replace(base, tier=details.tier if details.tier is not None else base.tier)
        base = replace(base, tariff_when=details.tariff_when or base.tariff_when)
    if details.channel:
        base = replace(base, channel=details.channel)
    if details.dates and topic in ("payment_posting", "payment_check"):
        base = replace(base, dates=details.dates)
    if details.ticket:
        base = replace(base, ticket=details.ticket)
    return base


def detail_only(ctx: Context) -> Question:
    """A message with details and no topic to follow: the question its details suggest."""
    details = ctx.details
    if details.kwh is not None or details.households is not None:
        return question_for(ctx, "ask_tariff")
    if details.tier is not None or details.tariff_when:
        return question_for(ctx, "ask_tariff")
    if details.channel:
        return question_for(ctx, "ask_payment_methods")
    if details.ticket:
        return question_for(ctx, "ask_restore_time")
    if details.areas or details.dates:
        return question_for(ctx, "ask_outage_schedule")
    if details.periods:
        return question_for(ctx, "ask_bill")
    if details.code or details.malformed_codes:
        return Question("code_received", code=details.code or details.malformed_codes[0])
    if any(ch.isdecimal() for ch in ctx.turn.text):
        return Question("unexplained_digits")
    return question_for(ctx, "nlu_fallback")


def plan(ctx: Context, intents: list[str]) -> list[Question]:
    questions: list[Question] = []
    with_bills = any(TOPIC_OF_INTENT.get(i) in ACCOUNT_TOPICS for i in intents)
    for intent in intents:
        if intent == INFORM:
            fitting = ctx.state.topic and fits(ctx.state.topic, ctx.details)
            questions.append(follow_up(ctx) if fitting else detail_only(ctx))
        else:
            questions.append(question_for(ctx, intent, months_for_bills=with_bills))
    if not questions:
        questions.append(
            Question("how_can_i_help") if not ctx.turn.text.strip() else question_for(ctx, "nlu_fallback")
        )
    unique = list(dict.fromkeys(questions))
    if len(unique) > 1:
        unique = [replace(q, text=SHORT) if q.topic == "greet" else q for q in unique]
        unique = [q for q in unique if q.topic != "misunderstood"] or unique
    return sorted(unique, key=order)
