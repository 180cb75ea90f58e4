"""A locked verification, and the ways out: a one-time code by SMS, or a person.

When a requester cannot verify a customer code now (:func:`locked`: the third wrong
answer, or an account question on a code that is locked), the bot says why and until
when (``bot.wording.security``), then:

* a one-time code may be sent (``verification.explain_lock(...).one_time_code``: a lock
  of this requester or of the code, and ``one_time_codes.can_issue``): the customer
  chooses between "Gửi mã qua SMS" (a yes) and "Gặp tư vấn viên" (the handoff, reason
  ``verification_lock``). No handoff is queued before the customer picks one: a queued
  handoff pauses the conversation, and a paused bot could not check the code the customer
  types 30 seconds later;
* no code can be sent (the code limits, an SMS already burned), but the lock is about
  this code (requester or code lock): the bot hands over at once, reason
  ``verification_lock`` (high priority): an agent helps the customer verify;
* the abuse limits (this requester's or network's failures over many codes, the global
  pause): the hotline, and a person only if asked (an attack must not fill the queue).

After a yes the code is sent (``one_time_codes.issue``: the SMS goes to the outbox
``security_sms_outbox``, which an SMS gateway worker sends) and the next 6-digit message is
checked (``one_time_codes.verify``): right, and the requester is verified exactly as by the
4 digits (the waiting questions are answered); wrong, expired, burned: the security
wording, a new code offered when one may be sent, else a person. No account data is said
before the check. The code's digits are never kept in the state, and the tracker store
masks the message that answers (``awaiting`` kind ``one_time_code``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CODE_OFFER, AWAIT_ONE_TIME_CODE, Awaiting, Question
from bot.dialogue.text import plain
from bot.dialogue.topics import human
from bot.dialogue.understanding import says_no, says_yes
from bot.services import one_time_codes
from bot.services.one_time_codes import CheckOutcome, IssueState
from bot.services.verification import LockReason, Status
from bot.wording import common
from bot.wording import identity as identity_wording
from bot.wording import security as words

# Locks about one customer code: a person can help this customer verify.
CODE_LOCKS = frozenset({LockReason.REQUESTER, LockReason.CODE})
SEND_BUTTON = Button("Gửi mã qua SMS", "/affirm")
PERSON_BUTTON = Button.intent("Gặp tư vấn viên", "request_human")
HOTLINE_BUTTON = Button.intent("Số tổng đài", "ask_contact")
_SEND_RE = re.compile(r"^(?:gui|gui ma|gui sms|gui tin|gui di|gui giup|gui lai|sms|nhan sms|lay ma)\b")
_RESEND_RE = re.compile(r"\b(?:gui lai|ma moi|gui ma moi|chua nhan|chua co tin|khong nhan|ko nhan|k nhan)\b")


def _note(status: Status) -> str:
    """For the agent: why the bot handed over (the summary's note)."""
    until = f" đến {status.locked_until:%H:%M %d/%m/%Y}" if status.locked_until else ""
    return f"Khóa xác thực mã {status.code} ({status.lock.value if status.lock else '?'}){until}"


def locked(ctx: Context, status: Status, questions: tuple[Question, ...]) -> None:
    """``status`` is LOCKED for this requester: say so and offer the way out (module doc).
    ``questions``: what to answer once the requester is verified (the one-time code)."""
    if ctx.pause or (ctx.state.handoff and ctx.state.handoff != ctx.start.handoff):
        return  # a person was asked for this turn already (two questions on one locked code)
    ctx.update(customer_code=status.code, awaiting=None)
    explanation = ctx.backend.explain_lock(status)
    if explanation is None:  # not locked after all (the lock ended this very moment)
        ctx.say(identity_wording.not_verified(status), [HOTLINE_BUTTON])
        return
    if explanation.one_time_code:
        ctx.say(
            f"{words.lock_text(explanation, status.code)}\n\n{words.one_time_code_choice_text()}",
            [SEND_BUTTON, PERSON_BUTTON, Button.intent("Không cần", "deny")],
        )
        ctx.update(awaiting=Awaiting(AWAIT_CODE_OFFER, questions, code=status.code))
        return
    if explanation.reason in CODE_LOCKS:
        human.offer(
            ctx, human.LOCKED, lead=words.lock_handoff_lead(explanation, status.code), note=_note(status)
        )
        return
    ctx.say(words.lock_text(explanation, status.code), [HOTLINE_BUTTON, PERSON_BUTTON])


def _wants_code(ctx: Context) -> bool:
    return says_yes(ctx.turn) or bool(_SEND_RE.match(plain(ctx.turn.text)))


def take_offer(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The answer to "send a code by SMS, or a person?" ("Gặp tư vấn viên" interrupts:
    the engine asks for the person, and the lock makes it a ``verification_lock``)."""
    code = awaiting.code or ""
    if _wants_code(ctx):
        send(ctx, code, awaiting.questions)
        return ()
    if says_no(ctx.turn):
        ctx.say(common.fine_then(), [HOTLINE_BUTTON])
        ctx.update(awaiting=None)
        return ()
    return None


def send(ctx: Context, code: str, questions: tuple[Question, ...]) -> None:
    """Issue a code and await it; when none can be sent, a person helps (the lock stays)."""
    issued = ctx.backend.issue_one_time_code(code)
    if issued.state is IssueState.SENT:
        ctx.ask(Awaiting(AWAIT_ONE_TIME_CODE, questions, code=code), words.one_time_code_sent_text(issued))
        return
    ctx.update(awaiting=None)
    _person_instead(ctx, code, words.one_time_code_sent_text(issued))


def _person_instead(ctx: Context, code: str, said: str) -> None:
    """No code can help any more: a person when the code is locked, else what was said."""
    status = ctx.backend.identity(code)
    explanation = ctx.backend.explain_lock(status)
    if explanation is not None and explanation.reason in CODE_LOCKS:
        ctx.say(said)
        human.offer(ctx, human.LOCKED, lead=words.lock_handoff_lead(explanation, code), note=_note(status))
        return
    ctx.say(said, [HOTLINE_BUTTON, PERSON_BUTTON])


def take_code(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The 6-digit code typed back: verified -> the waiting questions; None when the
    message is no answer (another question)."""
    code = awaiting.code or ""
    text = ctx.turn.text
    other = ctx.details.code
    if other and other != code:  # another customer code: that one is asked about instead
        ctx.update(awaiting=None, customer_code=None)
        return tuple(replace(q, code=other) for q in awaiting.questions)
    if one_time_codes.code_in(text) is None:
        if _RESEND_RE.search(plain(text)):
            send(ctx, code, awaiting.questions)
            return ()
        if says_yes(ctx.turn):  # "ok", "dạ": the code is still awaited
            ctx.say(words.one_time_code_waiting_text(code))
            ctx.wait(awaiting)
            return ()
        if any(ch.isdecimal() for ch in text[:200]) and not ctx.details.code:
            ctx.say(words.ONE_TIME_CODE_FORMAT)  # digits, but not 6: asked again, no try lost
            ctx.wait(awaiting)
            return ()
        return None
    checked = ctx.backend.check_one_time_code(code, text)
    if checked.outcome is CheckOutcome.VERIFIED:
        ctx.say(identity_wording.verified(checked.status, ctx.turn.requester.channel))
        ctx.update(awaiting=None, customer_code=checked.status.code)
        return awaiting.questions
    said = words.one_time_code_checked_text(checked)
    if checked.outcome in (CheckOutcome.WRONG, CheckOutcome.NOT_A_CODE):
        ctx.say(said)
        ctx.wait(awaiting)
        return ()
    if checked.outcome is CheckOutcome.NO_CODE and ctx.backend.can_issue_one_time_code(code):
        ctx.say(said, [Button("Gửi mã mới", "/affirm"), PERSON_BUTTON])  # "... gửi mã mới không ạ?"
        ctx.update(awaiting=Awaiting(AWAIT_CODE_OFFER, awaiting.questions, code=code))
        return ()
    ctx.update(awaiting=None)
    if checked.outcome is CheckOutcome.NO_CODE:  # expired or burned, and no new code may go
        said = words.one_time_code_expired_text()
    _person_instead(ctx, code, said)
    return ()


def remind(ctx: Context, awaiting: Awaiting) -> None:
    """An empty message while the code or the choice is awaited."""
    if awaiting.kind == AWAIT_ONE_TIME_CODE:
        ctx.say(words.one_time_code_waiting_text(awaiting.code or ""))
    else:
        ctx.say(words.one_time_code_choice_text(), [SEND_BUTTON, PERSON_BUTTON])


def cancel(ctx: Context, awaiting: Awaiting) -> None:
    """ "thôi" while the code is awaited: the codes sent are void at once."""
    if awaiting.kind == AWAIT_ONE_TIME_CODE and awaiting.code:
        ctx.backend.expire_one_time_codes(awaiting.code)
