"""Account questions: the bill, its breakdown, why it is high, debt, re-check, meter
reading, reading date; and how to pay (public)."""

from __future__ import annotations

from bot.dialogue import when
from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.dialogue.topics.account import verified_code
from bot.services import billing, periods

OFFER_RECHECK = "recheck"


def _months(ctx: Context, question: Question) -> list[periods.Month | None]:
    months = [when.month(key, ctx.today) for key in question.months]
    return [m for m in months if m is not None] or [None]


def _first_month(ctx: Context, question: Question) -> periods.Month | None:
    return _months(ctx, question)[0]


def bill_buttons(key: str | None, ctx: Context) -> list[Button]:
    buttons = [Button.intent("Xem chi tiết", "ask_bill_detail")]
    month = when.month(key, ctx.today)
    if month is not None:
        buttons.append(Button.intent("Tháng trước đó", "ask_bill", {"period": periods.previous(month).key}))
    buttons += [
        Button.intent("Nợ tiền điện", "ask_debt"),
        Button.intent("Cách thanh toán", "ask_payment_methods"),
    ]
    return buttons


def bill(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answers = [ctx.backend.bill(code, month) for month in _months(ctx, question)]
    for answer in answers[:-1]:
        ctx.say(answer.text)
    shown = [a.month_key for a in answers if a.month_key]
    key = shown[-1] if shown else None
    buttons = (
        bill_buttons(key, ctx)
        if key
        else [Button.intent("Hóa đơn mới nhất", "ask_bill"), Button.intent("Nợ tiền điện", "ask_debt")]
    )
    ctx.say(answers[-1].text, buttons)
    ctx.update(topic="bill", period_shown=key or ctx.state.period_shown)
    return None


def bill_detail(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answer = ctx.backend.bill_detail(code, _first_month(ctx, question))
    ctx.say(
        answer.text,
        [
            Button.intent("Vì sao tiền điện cao", "ask_bill_high"),
            Button.intent("Cách thanh toán", "ask_payment_methods"),
        ],
    )
    ctx.update(topic="bill_detail", period_shown=answer.month_key or ctx.state.period_shown)
    return None


def bill_high(ctx: Context, question: Question) -> Asked | None:
    """Why the bill is what it is; the saving tips once per conversation; a re-check offered."""
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answer = ctx.backend.bill_high(code, _first_month(ctx, question))
    if not answer.offer_recheck:
        ctx.say(answer.text, [Button.intent("Hóa đơn mới nhất", "ask_bill")])
        ctx.update(topic="bill_high")
        return None
    explanation, tips, offer = _split_explanation(answer.text)
    buttons = [
        Button.intent("Tạo yêu cầu phúc tra", "request_recheck"),
        Button.intent("Không cần", "deny"),
        Button.intent("Xem chi tiết", "ask_bill_detail"),
    ]
    if tips and not ctx.state.tips_shown:
        ctx.say(explanation)
        ctx.say(tips)
        ctx.say(offer, buttons)
    else:
        ctx.say(f"{explanation}\n\n{offer}", buttons)
    recheck = Question("recheck", code=code, months=(answer.month_key,) if answer.month_key else ())
    ctx.update(
        topic="bill_high",
        period_shown=answer.month_key or ctx.state.period_shown,
        tips_shown=ctx.state.tips_shown or bool(tips),
        awaiting=Awaiting(AWAIT_OFFER, (recheck,), offer=OFFER_RECHECK),
    )
    return None


def _split_explanation(text: str) -> tuple[str, str, str]:
    """The service's answer is the explanation, the tips and the offer, blank-line apart."""
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(parts) >= 3:
        return "\n\n".join(parts[:-2]), parts[-2], parts[-1]
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return text, "", billing.RECHECK_OFFER


def debt(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answer = ctx.backend.debt(code)
    ctx.say(
        answer.text,
        [Button.intent("Cách thanh toán", "ask_payment_methods"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="debt")
    return None


def recheck(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    month = _first_month(ctx, question) or when.month(ctx.state.period_shown, ctx.today)
    result = ctx.backend.recheck(code, month)
    ctx.say(result.text, [Button.intent("Xem hóa đơn", "ask_bill")])
    if isinstance(result, billing.RecheckResult):
        ctx.update(ticket=TicketRef(result.ticket_number, "recheck"))
    ctx.update(topic="recheck")
    return None


def meter_reading(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answer = ctx.backend.reading(code, _first_month(ctx, question))
    bill_button = Button.intent(
        "Xem hóa đơn", "ask_bill", {"period": answer.month_key} if answer.month_key else None
    )
    ctx.say(answer.text, [bill_button, Button.intent("Ngày ghi chỉ số", "ask_reading_date")])
    ctx.update(topic="meter_reading", period_shown=answer.month_key or ctx.state.period_shown)
    return None


def reading_date(ctx: Context, question: Question) -> Asked | None:
    code = verified_code(ctx, question)
    if not isinstance(code, str):
        return code
    answer = ctx.backend.reading_date(code)
    ctx.say(
        answer.text,
        [Button.intent("Chỉ số công tơ", "ask_meter_reading"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="reading_date")
    return None


def payment_methods(ctx: Context, question: Question) -> None:
    ctx.say(
        billing.payment_methods_text(),
        [Button.intent("Nợ tiền điện", "ask_debt"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="payment_methods")
