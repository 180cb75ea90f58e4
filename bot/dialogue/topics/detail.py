""" "Chi tiết hơn", "nói rõ hơn": more about what was just answered."""

from __future__ import annotations

from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.dialogue.topics import billing, smalltalk, tariff
from bot.dialogue.topics.hazard import advice
from bot.wording import common
from bot.wording import outages as outage_wording

BILLING = frozenset({"bill", "bill_high", "debt", "recheck", "meter_reading", "bill_detail"})


def more_detail(ctx: Context, question: Question) -> Asked | None:
    topic = ctx.state.topic
    if topic in BILLING:
        month = (ctx.state.period_shown,) if ctx.state.period_shown else ()
        return billing.bill_detail(ctx, Question("bill_detail", code=ctx.state.customer_code, months=month))
    if ctx.state.outages_shown:
        shown = ctx.state.outages_shown
        planned = [(o.starts_at, o.ends_at) for o in shown if o.kind == "planned"]
        ctx.say(outage_wording.shown_reasons([(o.kind, o.reason, o.starts_at) for o in shown]))
        if planned:
            ctx.say(outage_wording.shown_restore(planned, ctx.now))
        return None
    if topic == "tariff":
        return tariff.tariff(ctx, Question("tariff", kwh=ctx.state.kwh, households=ctx.state.households))
    if topic == "hazard":
        ctx.say(advice(ctx.turn.text))
        return None
    ctx.say(
        common.which_detail(),
        [Button.intent("Chi tiết hóa đơn", "ask_bill_detail"), *smalltalk.menu()[:3]],
    )
    return None
