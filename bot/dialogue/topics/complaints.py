"""Complaints and frustration: apologise, record, say when the answer comes, offer a person.

* A complaint with something to record (its own words, or the bill or outage on screen)
  becomes a complaint ticket at once; a bare "tôi muốn khiếu nại" asks what about and
  takes the next message as its words. The answer deadline is the operator's rule for
  its category (bill, reading, outage, payment: 24 hours; others: working days).
* Frustration gets a short, sincere apology fitted to what went before, and the offer
  of a person (yes / no).
* A second frustration, or a complaint or frustration right after a misunderstanding,
  goes straight to a person: every way to a person is :func:`human.offer` (the desk's
  handoff plugs in there) with the reason "complaint" or "frustration".
"""

from __future__ import annotations

import re

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_COMPLAINT, AWAIT_OFFER, Awaiting, Question, TicketRef
from bot.dialogue.text import plain
from bot.dialogue.topics import human
from bot.domain.periods import resolve as resolve_month
from bot.services.complaints import Category, ComplaintRequest
from bot.wording import complaints as words

OFFER_HUMAN = "human"
HUMAN_OFFER = "human_offer"  # the question a yes to the offer answers
MIN_CONTENT_WORDS = 3
# Words that say "I complain" and nothing about what: what is left is the complaint.
_FILLER = frozenset(
    "toi tui tao em minh anh chi muon can xin cho gui lam don khieu nai phan anh to cao bao "
    "a ah a nha nhe ne di oi ad ak voi giup dum gium ve viec nay la co the khong ko k hong duoc dc "
    "ban phan hoi y kien mot cai chuyen".split()
)
_CATEGORY_WORDS = (
    (
        Category.PAYMENT,
        re.compile(r"\b(?:da dong|dong tien|thanh toan|tru tien|bao no|chuyen khoan|ck roi)\b"),
    ),
    (Category.READING, re.compile(r"\b(?:chi so|cong to|dong ho|dien ke|ghi so|ghi sai|uoc tinh)\b")),
    (
        Category.OUTAGE,
        re.compile(r"\b(?:cup dien|cat dien|mat dien|ngung dien|ngat dien|khong co dien|chap chon)\b"),
    ),
    (Category.BILL, re.compile(r"\b(?:hoa don|tien dien|hd|tinh sai|thu sai|tinh tien|gia dien)\b")),
)
_NO_WORDS_INTENTS = frozenset({"greet", "affirm", "deny", "bot_challenge", "express_frustration", "complain"})
_TOPIC_CATEGORY = {
    "bill": Category.BILL,
    "bill_detail": Category.BILL,
    "bill_high": Category.BILL,
    "recheck": Category.BILL,
    "debt": Category.BILL,
    "tariff": Category.BILL,
    "meter_reading": Category.READING,
    "reading_date": Category.READING,
    "estimated_reading": Category.READING,
    "payment_posting": Category.PAYMENT,
    "payment_check": Category.PAYMENT,
    "outage_schedule": Category.OUTAGE,
    "restore_time": Category.OUTAGE,
    "outage_report": Category.OUTAGE,
    "supply_status": Category.OUTAGE,
    "supply_history": Category.OUTAGE,
    "outage_reason": Category.OUTAGE,
    "next_steps": Category.OUTAGE,
}
_FRUSTRATION_KIND = {Category.OUTAGE: "outage", Category.BILL: "bill", Category.PAYMENT: "bill"}


def has_content(text: str) -> bool:
    """More than "tôi muốn khiếu nại": the words say what about."""
    return len([w for w in plain(text).split() if w not in _FILLER]) >= MIN_CONTENT_WORDS


def category_of(ctx: Context, text: str) -> Category:
    folded = plain(text)
    for category, pattern in _CATEGORY_WORDS:
        if pattern.search(folded):
            return category
    return _TOPIC_CATEGORY.get(ctx.start.topic or "", Category.OTHER)


def _about(ctx: Context) -> str:
    """What was on screen, for the staff who answer."""
    state = ctx.start
    if state.topic in ("bill", "bill_detail", "bill_high", "recheck") and state.period_shown:
        month = resolve_month(state.period_shown, ctx.today)
        return f"hóa đơn tháng {month.label}" if month else ""
    if state.ticket is not None and state.ticket.kind in ("outage", "recheck", "hazard"):
        return f"phiếu {state.ticket.number}"
    if state.topic in _TOPIC_CATEGORY:
        return f"chủ đề trước đó: {state.topic}"
    return ""


def _code(ctx: Context) -> str | None:
    code = ctx.state.customer_code
    if code is None and ctx.details.code and ctx.backend.customer_exists(ctx.details.code):
        code = ctx.details.code
    if code is None:
        known = ctx.backend.verified_codes()
        code = known[0] if len(known) == 1 else None
    return code


def _earlier_words(ctx: Context) -> tuple[str, ...]:
    return tuple(line.removeprefix("khách: ") for line in ctx.turn.recent if line.startswith("khách: "))


def complaint(ctx: Context, question: Question) -> None:
    text = question.text or ctx.turn.text
    answered = question.service == "answer"  # the words asked for by ask_what_about
    about = _about(ctx)
    existing = ctx.state.ticket.number if ctx.state.ticket and ctx.state.ticket.kind == "complaint" else None
    if not (answered or has_content(text) or about or existing):
        ctx.ask(Awaiting(AWAIT_COMPLAINT), words.ask_what_about())
        return
    recorded = ctx.backend.record_complaint(
        ComplaintRequest(
            words=text,
            category=category_of(ctx, text),
            channel=ctx.backend.channel,
            customer_code=_code(ctx),
            place=ctx.details.area or ctx.state.area,
            context=_earlier_words(ctx),
            about=about,
        ),
        existing,
    )
    ctx.update(ticket=TicketRef(recorded.number, "complaint"), topic="complaint")
    said = words.recorded_text(recorded)
    if recorded.added_to_existing:
        ctx.say(said)
    elif ctx.start.misunderstood or ctx.start.frustration:
        human.offer(ctx, human.COMPLAINT, lead=said)
    else:
        _offer_human(ctx, f"{said} {words.HUMAN_OFFER}", human.COMPLAINT)


def take_complaint(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The message after "anh/chị khiếu nại việc gì": the complaint's words (a greeting,
    a bare yes or no, or anger without a word of what about is no answer)."""
    text = ctx.turn.text
    if not text.strip() or (set(ctx.turn.intents) <= _NO_WORDS_INTENTS and not has_content(text)):
        return None
    ctx.update(awaiting=None)
    return (Question("complaint", text=ctx.turn.text, service="answer"),)


def frustration(ctx: Context, question: Question) -> None:
    count = ctx.start.frustration + 1
    ctx.update(frustration=count)
    category = _TOPIC_CATEGORY.get(ctx.start.topic or "", Category.OTHER)
    kind = "misunderstood" if ctx.start.misunderstood else _FRUSTRATION_KIND.get(category, "general")
    if count >= 2 or ctx.start.misunderstood:
        human.offer(ctx, human.FRUSTRATION, lead=words.apology(kind))
    elif len(ctx.turn.intents) > 1:  # the message asks something too: that is answered next
        ctx.say(words.apology(kind), [Button.intent("Gặp tư vấn viên", "request_human")])
    else:
        _offer_human(ctx, words.frustration_offer(kind), human.FRUSTRATION)


def _offer_human(ctx: Context, text: str, reason: str) -> None:
    ctx.say(text, [Button.intent("Gặp tư vấn viên", "affirm"), Button.intent("Không cần", "deny")])
    ctx.update(awaiting=Awaiting(AWAIT_OFFER, (Question(HUMAN_OFFER, service=reason),), offer=OFFER_HUMAN))


def human_offer(ctx: Context, question: Question) -> None:
    """Yes to the offer of a person: the hook, with the reason of the offer."""
    reason = question.service if question.service in human.REASONS else human.ASKED
    human.offer(ctx, reason)
