"""Who the customer is: the customer code, the 4-digit verification, changing and
unlinking codes.

Account data (bills, debts, readings) is shown only to a requester verified for the
code in the database (bot.services.verification); the engine asks only for what is
missing: the code (a code remembered for this user is used when there is exactly
one), then the last 4 phone digits after a privacy notice given once. The digits are
read from the message that answers and never kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CODE, AWAIT_CODE_OFFER, AWAIT_DIGITS, Awaiting, Question
from bot.dialogue.text import plain
from bot.dialogue.topics import locks
from bot.nlu.core import read as reader
from bot.services import customers, verification
from bot.services.verification import NotVerified, Status
from bot.services.verification import State as Identity
from bot.wording import identity as wording
from bot.wording.customers import code_problem_text

T = TypeVar("T")
MAX_BAD_CODES = 3
_CODE_LIKE_RE = re.compile(r"(?<!\w)[A-Za-z]{2}[\s.:-]*\d[\d\s.-]{3,}\d(?!\w)|(?<!\d)\d{6,}(?!\d)")
_PHONE_RE = re.compile(r"^(?:0|84)\d{9}$")
_FORGOT_RE = re.compile(r"\b(?:quen|khong nho|ko nho|k nho|hong nho|khong biet|doi so|mat so)\b")

ACCOUNT_TOPICS = frozenset(
    {
        "bill",
        "bill_detail",
        "bill_high",
        "debt",
        "recheck",
        "meter_reading",
        "reading_date",
        "next_bill",
        "estimated_reading",
        "payment_check",
    }
)
TOPIC_BUTTONS = (
    ("Xem hóa đơn", "ask_bill"),
    ("Nợ tiền điện", "ask_debt"),
    ("Chỉ số công tơ", "ask_meter_reading"),
    ("Lịch cúp điện", "ask_outage_schedule"),
    ("Báo mất điện", "report_outage"),
)


def code_like(ctx: Context) -> str | None:
    """Whatever looks like a code in an answer to "mã khách hàng"."""
    if ctx.details.code:
        return ctx.details.code
    if ctx.details.malformed_codes:
        return ctx.details.malformed_codes[0]
    match = _CODE_LIKE_RE.search(ctx.turn.text[:500])
    return re.sub(r"[\s.:-]", "", match.group()).upper() if match else None


@dataclass(frozen=True)
class Answered(Generic[T]):
    """An account answer, for the code it is about."""

    code: str
    value: T


def with_account(ctx: Context, question: Question, fetch: Callable[[str], T]) -> Answered[T] | Asked | None:
    """``fetch(code)`` (a service that discloses account data) for the question's code.

    The service checks the verification itself (one check per answer); when it refuses,
    the code or the digits are asked (an :class:`Asked` is returned), or why the account
    cannot be shown is said (None). A code known to be unverified this turn is not tried.
    """
    code = question.code or ctx.state.customer_code
    if not code:
        codes = ctx.backend.verified_codes()
        if len(codes) != 1:
            return ask_code(ctx, question, codes)
        code = codes[0]
    known = ctx.backend.known_identity(code)
    try:
        if known is not None and not known.verified:
            raise NotVerified(known)
        value = fetch(code)
    except NotVerified as refused:
        ctx.backend.remember(refused.status)
        return _refused(ctx, question, refused.status)
    ctx.update(customer_code=code)
    return Answered(code, value)


def _refused(ctx: Context, question: Question, status: Status) -> Asked | None:
    if status.state is Identity.NOT_FOUND:
        ctx.update(customer_code=None)
        reason = code_problem_text(customers.check_format(status.code).problem) or wording.not_verified(
            status
        )
        return ctx.ask(Awaiting(AWAIT_CODE, (replace(question, code=None),), failures=1), reason)
    ctx.update(customer_code=status.code)
    if status.state is Identity.NEEDS_ANSWER and not ctx.turn.requester.verifiable:
        ctx.say(wording.cannot_verify_here(), [Button.intent("Số tổng đài", "ask_contact")])
        return None  # no channel identity: an answer could never be checked
    if status.state is Identity.NEEDS_ANSWER:
        return ask_digits(ctx, replace(question, code=status.code), status.code)
    if status.state is Identity.LOCKED:
        locks.locked(ctx, status, (replace(question, code=status.code),))
        awaiting = ctx.state.awaiting
        return Asked(awaiting) if awaiting is not None and awaiting.kind == AWAIT_CODE_OFFER else None
    ctx.say(wording.not_verified(status), [Button.intent("Số tổng đài", "ask_contact")])
    return None


def ask_code(ctx: Context, question: Question, known: list[str] | None = None) -> Asked:
    known = known or []
    buttons = [Button.intent(code, "inform", {"customer_code": code}) for code in known[:5]]
    several = len(known) > 1
    return ctx.ask(Awaiting(AWAIT_CODE, (question,)), wording.ask_code(several), buttons if several else [])


def ask_digits(ctx: Context, question: Question, code: str) -> Asked:
    if not ctx.state.privacy_notice_shown:
        ctx.say(wording.PRIVACY_NOTICE)
        ctx.update(privacy_notice_shown=True)
    awaiting = ctx.state.awaiting
    questions = (question,)
    if awaiting is not None and awaiting.kind == AWAIT_DIGITS and awaiting.code == code:
        questions = tuple(dict.fromkeys((*awaiting.questions, question)))
    return ctx.ask(Awaiting(AWAIT_DIGITS, questions, code=code), wording.ask_digits(code))


# ---------------------------------------------------------------- awaited answers


def take_code(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The answer to "mã khách hàng": the questions to answer with it, or None when the
    message is no answer (another question)."""
    candidate = code_like(ctx)
    if candidate is None:
        if reader.says_no_code(ctx.turn.text) or ctx.turn.intents == ("deny",):
            ctx.say(wording.no_code_for_account())
            ctx.update(awaiting=None)
            return ()
        return None
    check = ctx.backend.check_format(candidate)
    if check.ok:
        ctx.update(customer_code=check.code, awaiting=None)
        return tuple(replace(q, code=check.code) for q in awaiting.questions)
    failures = awaiting.failures + 1
    reason = code_problem_text(check.problem)
    if _PHONE_RE.match(check.code):
        reason = wording.looks_like_phone(reason)
    ctx.say(reason)
    if failures >= MAX_BAD_CODES:
        ctx.say(wording.too_many_bad_codes(), [Button.intent("Số tổng đài", "ask_contact")])
        ctx.update(awaiting=None)
        return ()
    ctx.wait(replace(awaiting, failures=failures))
    return ()


def take_digits(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The answer to "4 số cuối": verified -> the questions to answer; None when the
    message is no answer."""
    code = awaiting.code or ""
    other = ctx.details.code
    if other and other != code:  # another code: that one is checked instead
        ctx.update(awaiting=None, customer_code=None)
        return tuple(replace(q, code=other) for q in awaiting.questions)
    if reason := ctx.malformed_code_reason():  # a mistyped code is no answer: no try is lost
        ctx.say(reason)
        ctx.say(wording.digits_still_awaited(code))
        ctx.wait(awaiting)
        return ()
    text = ctx.turn.text
    answer = verification.answer_digits(text)
    if answer is None:
        if "deny" in ctx.turn.intents or _FORGOT_RE.search(plain(text)):
            ctx.say(wording.identification_stopped())
            ctx.update(awaiting=None)
            return ()
        if any(ch.isdecimal() for ch in text[:200]) and not code_like(ctx):
            ctx.say(wording.digits_format())  # digits, but not 4: asked again, no try lost
            ctx.wait(awaiting)
            return ()
        return None
    status = ctx.backend.verify(code, answer)
    if status.verified:
        ctx.say(wording.verified(status, ctx.turn.requester.channel))
        ctx.update(awaiting=None, customer_code=status.code)
        return awaiting.questions
    if status.state is Identity.NEEDS_ANSWER:
        ctx.say(wording.wrong_answer(status.remaining_tries))
        ctx.wait(awaiting)
        return ()
    if status.state is Identity.LOCKED:  # this answer locked it (or it was locked meanwhile)
        locks.locked(ctx, status, awaiting.questions)
        return ()
    ctx.say(wording.not_verified(status), [Button.intent("Số tổng đài", "ask_contact")])
    ctx.update(awaiting=None)
    return ()


# ------------------------------------------------------------------ code changes


def code_received(ctx: Context, question: Question) -> Asked | None:
    """A customer code on its own: checked, then what is needed (nothing shown yet)."""
    code = question.code or ctx.state.customer_code
    if not code:
        return ask_code(ctx, question)
    check = ctx.backend.check_format(code)  # existence is never said before verification
    if not check.ok:
        ctx.update(customer_code=None)
        return ctx.ask(
            Awaiting(AWAIT_CODE, (replace(question, code=None),), failures=1),
            code_problem_text(check.problem),
        )
    ctx.update(customer_code=check.code, topic=None)
    ctx.say(wording.code_received(check.code), [Button.intent(t, i) for t, i in TOPIC_BUTTONS])
    return None


def change_code(ctx: Context, question: Question) -> Asked | None:
    """ "đổi mã khác": the code in play is forgotten (not its verification)."""
    ctx.update(customer_code=None)
    topic = ctx.state.topic if ctx.state.topic in ACCOUNT_TOPICS else "code_received"
    follow = Question(topic, code=question.code)
    if question.code:
        return follow_with(ctx, follow)
    return ctx.ask(Awaiting(AWAIT_CODE, (follow,)), wording.code_changed())


def follow_with(ctx: Context, question: Question) -> Asked | None:
    from bot.dialogue.topics import registry

    return registry.answer(ctx, question)


def unlink(ctx: Context, question: Question) -> None:
    """ "hủy liên kết": this user's link and verification of the code are removed."""
    code = question.code or ctx.state.customer_code
    codes = [code] if code else ctx.backend.verified_codes()
    removed = [c for c in codes if ctx.backend.unlink(c)]
    if removed:
        ctx.say(wording.unlinked(removed, ctx.turn.requester.channel))
    else:
        ctx.say(wording.nothing_linked())
    ctx.update(customer_code=None, awaiting=None, topic=None)
