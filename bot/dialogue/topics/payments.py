"""Payments: a payment that has not shown yet ("đã đóng tiền hôm qua mà vẫn báo nợ"),
the steps of one channel, the late-payment rules.

Posting: the channel's usual delay (and, with the day paid, whether it is over) is
public; what the account shows (the bills unpaid, the newest payment recorded) needs
the code and the digits. A payment still missing after its time gets a ticket offer
(a payment complaint, answered within the configured time).
"""

from __future__ import annotations

import re

from bot.dialogue import when
from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CODE, AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.dialogue.text import plain
from bot.dialogue.topics.account import Answered, with_account
from bot.services import payments
from bot.services.complaints import Category, ComplaintRequest
from bot.services.payments import PostingCheck, PostingTiming
from bot.services.rules import load_rules
from bot.wording import complaints as complaint_words
from bot.wording import payments as words

OFFER_PAYMENT_TICKET = "payment_ticket"
_FEE = re.compile(r"\b(?:phat|lai|phi|phu thu|tien phat|mat them|tinh them)\b")
_SUSPENSION = re.compile(r"\b(?:cat|cup|ngung|ngat|khoa|bao lau|may ngay|bao nhieu ngay|bi cat)\b")
_TOGETHER = re.compile(
    r"\b(?:gop|nhieu thang|nhieu ky|mot lan|1 lan|mot luc|dong het|tra het|mot cuc|cung luc)\b"
)


def _timing(ctx: Context, question: Question) -> PostingTiming:
    paid_on = payments.paid_day(question.dates, ctx.today)
    return payments.posting_timing(question.channel, paid_on, ctx.now)


def _month(ctx: Context, question: Question):
    return when.month(question.months[0], ctx.today) if question.months else None


def payment_posting(ctx: Context, question: Question) -> Asked | None:
    timing = _timing(ctx, question)
    check = Question(
        "payment_check",
        code=question.code,
        months=question.months,
        dates=question.dates,
        channel=question.channel,
        text=question.text,
    )
    ctx.update(topic="payment_posting", payment_channel=question.channel or ctx.state.payment_channel)
    code = question.code or ctx.known_code()
    if code and ctx.backend.identity(code).verified:
        return payment_check(ctx, check)  # one answer: the account and the rule together
    if not code:
        return ctx.ask(
            Awaiting(AWAIT_CODE, (check,)), f"{words.posting_text(timing)} {words.ask_code_to_check()}"
        )
    ctx.say(words.posting_text(timing))
    return payment_check(ctx, check)


def payment_check(ctx: Context, question: Question) -> Asked | None:
    """What the account shows (verified): the unpaid bills, the newest payment."""
    month = _month(ctx, question)
    got = with_account(ctx, question, lambda code: ctx.backend.posting_check(code, month))
    if not isinstance(got, Answered):
        return got
    check: PostingCheck = got.value
    timing = _timing(ctx, question)
    text = words.check_text(check, timing)
    waiting = timing.pending
    if check.unpaid and month is None and not _rule_said(ctx):
        if ctx.start.topic in ("payment_posting", "payment_check"):  # the rule was said: its timing only
            text += words.timing_text(timing)
        else:
            rule = words.posting_text(timing).removeprefix("Dạ, ")
            text += f" {rule[:1].upper()}{rule[1:]}"
    ctx.update(topic="payment_check", payment_channel=question.channel or ctx.state.payment_channel)
    if month is not None:
        ctx.update(period_shown=month.key)
    if check.unpaid and month is None and not waiting:
        ticket = Question(OFFER_PAYMENT_TICKET, code=got.code, channel=question.channel, text=question.text)
        ctx.say(
            f"{text} {words.TICKET_OFFER}",
            [Button.intent("Tạo phiếu kiểm tra", "affirm"), Button.intent("Không cần", "deny")],
        )
        ctx.update(awaiting=Awaiting(AWAIT_OFFER, (ticket,), offer=OFFER_PAYMENT_TICKET))
        return None
    ctx.say(
        text,
        [Button.intent("Nợ tiền điện", "ask_debt"), Button.intent("Cách thanh toán", "ask_payment_methods")],
    )
    return None


def _rule_said(ctx: Context) -> bool:
    return any("thường được ghi nhận" in m.text or "được ghi nhận trong" in m.text for m in ctx.messages)


def payment_ticket(ctx: Context, question: Question) -> None:
    """Yes to the ticket: a payment complaint with the customer's words."""
    channel = words.channel_name(question.channel)
    recorded = ctx.backend.record_complaint(
        ComplaintRequest(
            words=question.text or "Khách hàng đã thanh toán nhưng hệ thống vẫn báo nợ",
            category=Category.PAYMENT,
            channel=ctx.backend.channel,
            customer_code=question.code,
            about=f"thanh toán qua {channel}" if channel else "thanh toán chưa được ghi nhận",
        ),
        None,
    )
    ctx.update(ticket=TicketRef(recorded.number, "complaint"), topic="complaint")
    ctx.say(
        complaint_words.recorded_text(recorded).replace(
            "với nội dung anh/chị nêu", "về khoản thanh toán chưa được ghi nhận"
        )
        + " Anh/chị giữ biên lai hoặc tin nhắn giao dịch để đối chiếu nha."
    )


def late_payment(ctx: Context, question: Question) -> None:
    folded = plain(question.text or ctx.turn.text)
    focus = (
        "together"
        if _TOGETHER.search(folded)
        else "fee"
        if _FEE.search(folded)
        else "suspension"
        if _SUSPENSION.search(folded)
        else ""
    )
    text = words.late_payment_text(load_rules().payment, focus)
    code = question.code or ctx.state.customer_code
    if code and ctx.backend.identity(code).verified:
        debt = ctx.backend.debt(code)
        if debt.unpaid:
            text += " " + words.own_debt_text(debt)
    ctx.say(
        text,
        [
            Button.intent("Kiểm tra nợ tiền điện", "ask_debt"),
            Button.intent("Cách thanh toán", "ask_payment_methods"),
        ],
    )
    ctx.update(topic="late_payment")
