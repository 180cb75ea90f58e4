"""Account questions: the bill, its breakdown, why it is high, debt, re-check, meter
reading, reading date; and how to pay (public)."""

from __future__ import annotations

from bot.dialogue import when
from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CODE, AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.dialogue.topics import human
from bot.dialogue.topics.account import Answered, with_account
from bot.domain import periods
from bot.services.billing import RecheckResult
from bot.wording import billing as words
from bot.wording import meter as meter_words
from bot.wording import payments as payment_words
from bot.wording.estimates import estimate_text
from bot.wording.explain import explanation_text

OFFER_RECHECK = "recheck"
UPCOMING_WITHIN_MONTHS = 6


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
    got = with_account(
        ctx, question, lambda code: [ctx.backend.bill(code, m) for m in _months(ctx, question)]
    )
    if not isinstance(got, Answered):
        return got
    answers = got.value
    for answer in answers[:-1]:
        ctx.say(words.bill_text(answer))
    shown = [a.month_key for a in answers if a.month_key]
    key = shown[-1] if shown else None
    buttons = (
        bill_buttons(key, ctx)
        if key
        else [Button.intent("Hóa đơn mới nhất", "ask_bill"), Button.intent("Nợ tiền điện", "ask_debt")]
    )
    ctx.say(words.bill_text(answers[-1]), buttons)
    ctx.update(topic="bill", period_shown=key or ctx.state.period_shown)
    return None


def bill_detail(ctx: Context, question: Question) -> Asked | None:
    got = with_account(ctx, question, lambda code: ctx.backend.bill_detail(code, _first_month(ctx, question)))
    if not isinstance(got, Answered):
        return got
    answer = got.value
    ctx.say(
        words.bill_detail_text(answer),
        [
            Button.intent("Vì sao tiền điện cao", "ask_bill_high"),
            Button.intent("Cách thanh toán", "ask_payment_methods"),
        ],
    )
    ctx.update(topic="bill_detail", period_shown=answer.month_key or ctx.state.period_shown)
    return None


def bill_high(ctx: Context, question: Question) -> Asked | None:
    """Why the bill is what it is; the saving tips once per conversation; a re-check offered."""
    got = with_account(ctx, question, lambda code: ctx.backend.bill_high(code, _first_month(ctx, question)))
    if not isinstance(got, Answered):
        return got
    answer, code = got.value, got.code
    if not answer.offer_recheck or answer.explanation is None:
        ctx.say(words.bill_high_text(answer), [Button.intent("Hóa đơn mới nhất", "ask_bill")])
        ctx.update(topic="bill_high")
        return None
    sentences = explanation_text(answer.explanation)
    sentences[0] = sentences[0].replace("của anh/chị", f"của {words.account_label(answer.account)}", 1)
    explanation = "\n".join([*sentences, words.as_of_text(answer.as_of)])
    tips, offer = words.tips_text(answer.as_of), words.RECHECK_OFFER
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


def debt(ctx: Context, question: Question) -> Asked | None:
    got = with_account(ctx, question, ctx.backend.debt)
    if not isinstance(got, Answered):
        return got
    answer = got.value
    ctx.say(
        words.debt_text(answer),
        [Button.intent("Cách thanh toán", "ask_payment_methods"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="debt")
    return None


def recheck(ctx: Context, question: Question) -> Asked | None:
    month = _first_month(ctx, question) or when.month(ctx.state.period_shown, ctx.today)
    got = with_account(ctx, question, lambda code: ctx.backend.recheck(code, month))
    if not isinstance(got, Answered):
        return got
    result = got.value
    if result.ticket_number:
        ctx.update(ticket=TicketRef(result.ticket_number, "recheck"))
    ctx.update(topic="recheck")
    if overdue(ctx, result):  # the promise was missed: a person chases it (reason recheck)
        note = f"Phúc tra {result.ticket_number} quá hạn trả lời (hẹn {result.answer_by:%H:%M %d/%m/%Y})"
        human.offer(ctx, human.RECHECK, lead=words.recheck_overdue_text(result), note=note)
        return None
    ctx.say(words.recheck_text(result), [Button.intent("Xem hóa đơn", "ask_bill")])
    return None


def overdue(ctx: Context, result: RecheckResult) -> bool:
    """A re-check opened earlier, still open, and past the time its answer was promised."""
    return bool(result.ticket_number) and not result.created and (
        result.answer_by is not None and result.answer_by < ctx.now
    )


def meter_reading(ctx: Context, question: Question) -> Asked | None:
    got = with_account(ctx, question, lambda code: ctx.backend.reading(code, _first_month(ctx, question)))
    if not isinstance(got, Answered):
        return got
    answer = got.value
    bill_button = Button.intent(
        "Xem hóa đơn", "ask_bill", {"period": answer.month_key} if answer.month_key else None
    )
    ctx.say(
        meter_words.reading_text(answer), [bill_button, Button.intent("Ngày ghi chỉ số", "ask_reading_date")]
    )
    ctx.update(topic="meter_reading", period_shown=answer.month_key or ctx.state.period_shown)
    return None


def reading_date(ctx: Context, question: Question) -> Asked | None:
    got = with_account(ctx, question, ctx.backend.reading_date)
    if not isinstance(got, Answered):
        return got
    schedule = got.value
    ctx.say(
        meter_words.reading_date_text(schedule),
        [Button.intent("Chỉ số công tơ", "ask_meter_reading"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="reading_date")
    return None


def payment_methods(ctx: Context, question: Question) -> None:
    """The ways to pay; with a channel ("đóng qua momo sao"), that channel's steps."""
    steps = payment_words.steps_for(question.channel)
    if steps is not None:
        others = Button.intent("Cách thanh toán khác", "ask_payment_methods")
        ctx.say(steps, [others, Button.intent("Nợ tiền điện", "ask_debt")])
        ctx.update(topic="payment_methods", payment_channel=question.channel)
        return
    ctx.say(
        words.payment_methods_text(),
        [Button.intent("Nợ tiền điện", "ask_debt"), Button.intent("Xem hóa đơn", "ask_bill")],
    )
    ctx.update(topic="payment_methods")


def next_bill(ctx: Context, question: Question) -> Asked | None:
    """When the next bill comes: the customer's own dates (verified), else how to know."""
    if not (question.code or ctx.known_code()):
        return ctx.ask(Awaiting(AWAIT_CODE, (question,)), payment_words.next_bill_general())
    month = _upcoming(ctx, _first_month(ctx, question))
    got = with_account(ctx, question, lambda code: ctx.backend.next_bill(code, month))
    if not isinstance(got, Answered):
        return got
    ctx.say(
        payment_words.next_bill_text(got.value),
        [Button.intent("Xem hóa đơn", "ask_bill"), Button.intent("Cách thanh toán", "ask_payment_methods")],
    )
    ctx.update(topic="next_bill")
    return None


def _upcoming(ctx: Context, month: periods.Month | None) -> periods.Month | None:
    """"Khi nào có hóa đơn tháng 12" asked in November means the coming December (a month
    read as more than half a year ago is the one ahead)."""
    if month is None:
        return None
    back = (ctx.today.year - month.year) * 12 + ctx.today.month - month.month
    if back > UPCOMING_WITHIN_MONTHS:
        year, number = periods.shift(month.year, month.month, 12)
        return periods.Month(year, number)
    return month


def estimated_reading(ctx: Context, question: Question) -> Asked | None:
    """Why a reading was estimated (verified): from the reading's source and the rules."""
    month = _first_month(ctx, question)
    got = with_account(ctx, question, lambda code: ctx.backend.estimate(code, month))
    if not isinstance(got, Answered):
        return got
    answer = got.value
    buttons = [Button.intent("Chỉ số công tơ", "ask_meter_reading")]
    if answer.estimated:
        buttons.append(Button.intent("Yêu cầu phúc tra", "request_recheck"))
    ctx.say(estimate_text(answer), buttons)
    ctx.update(topic="estimated_reading", period_shown=answer.month_key or ctx.state.period_shown)
    return None
