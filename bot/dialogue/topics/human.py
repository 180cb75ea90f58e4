"""A person takes over: the handoff to a customer-care agent (bot.services.handoff).

:func:`offer` opens a handoff with what the conversation shows (the summary the agent
reads first) and tells the customer their place and wait: the turn then pauses the
conversation (``ctx.pause``: ``action_converse`` returns ``ConversationPaused``) and the
agent's desk has it. When nobody can chat now (out of hours, nobody online, a channel the
agent cannot write to, a long wait) a callback is offered with the hotline instead; the
number (the registered one of a verified customer, or one the customer types and sees
repeated) and the time are then awaited (``AWAIT_CALLBACK_PHONE``, ``AWAIT_CALLBACK_TIME``).

After an agent closes, ``action_handoff_closed`` sets ``AWAIT_RATING``: a 1–5 in the next
message is stored (:func:`take_rating`); anything else is answered as usual.

Every way to a person goes through :func:`offer` with its reason: the customer asked
(``asked``), a complaint (``complaint``), frustration (``frustration``), a verification lock
nothing else can lift (``locked``, bot/dialogue/topics/locks.py), an overdue re-check
(``recheck``), an operator rule (``rule``: handoff.yml / ``DESK_HANDOFF_INTENTS``) and a
danger (``hazard``, right after its urgent ticket: topics/hazard.py) open a handoff; the bot
not understanding twice (``misunderstood``) only *offers* a person (a quick reply), so
nobody is queued for an agent who did not ask. ``note`` is a line for the agent (the
summary's "Ghi chú"): why the bot handed over. A caller that already has the number to
call back (a hazard report) passes it: a callback is then arranged at once
(:func:`callback_now`) instead of asking for the number and the time.
"""

from __future__ import annotations

import re

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CALLBACK_PHONE, AWAIT_CALLBACK_TIME, Awaiting, Question, to_slots
from bot.dialogue.understanding import says_yes
from bot.domain.phones import masked
from bot.services.handoff import (
    HandoffError,
    HandoffOpened,
    HandoffReason,
    HandoffStatus,
    format_phone,
    normalize_phone,
    reason_for,
)
from bot.services.handoff_summary import ConversationContext, Utterance
from bot.services.verification import State as VerificationState
from bot.wording import common
from bot.wording import handoff as wording
from bot.wording import hazard as wording_hazard

ASKED = "asked"
MISUNDERSTOOD = "misunderstood"
COMPLAINT = "complaint"
FRUSTRATION = "frustration"
LOCKED = "locked"
RECHECK = "recheck"
RULE = "rule"
HAZARD = "hazard"
REASONS = frozenset({ASKED, MISUNDERSTOOD, COMPLAINT, FRUSTRATION, LOCKED, RECHECK, RULE, HAZARD})
_DESK_REASONS = {
    ASKED: HandoffReason.REQUEST,
    COMPLAINT: HandoffReason.COMPLAINT,
    FRUSTRATION: HandoffReason.FRUSTRATION,
    LOCKED: HandoffReason.VERIFICATION_LOCK,
    RECHECK: HandoffReason.RECHECK,
    RULE: HandoffReason.RULE,
    HAZARD: HandoffReason.HAZARD,
}
BY_RULE = "operator_rule"  # the topic of a question an operator rule hands over
REGISTERED = "registered"  # the callback goes to the verified customer's registered number
MAX_PHONE_TRIES = 3
RATING_RE = re.compile(r"(?<![\d/.,:])([1-5])(?![\d/.,:])")
_SPEAKERS = {"khách: ": "customer", "bot: ": "bot"}


def offer(
    ctx: Context,
    reason: str,
    lead: str = "",
    note: str | None = None,
    *,
    phone: str | None = None,
    registered: bool = False,
) -> HandoffOpened | None:
    """``reason``: one of :data:`REASONS`. ``lead``: what the bot says first, in the same
    message (an apology, the complaint recorded, the lock). ``note``: for the agent.
    ``phone`` (typed by the customer) or ``registered`` (the verified customer's number on
    file): a callback offer is arranged with it at once. Returns the handoff opened (None
    when only a person was offered)."""
    if reason == MISUNDERSTOOD:
        _say(ctx, lead, common.still_not_understood(), [Button.intent("Gặp tư vấn viên", "request_human")])
        ctx.update(awaiting=None)
        return None
    code = ctx.state.customer_code
    locked = reason == LOCKED or (bool(code) and ctx.backend.identity(code).state is VerificationState.LOCKED)
    why = reason_for(
        _DESK_REASONS.get(reason, HandoffReason.REQUEST),
        ctx.turn.intents,
        topic=ctx.state.topic,
        ticket_kind=ctx.state.ticket.kind if ctx.state.ticket else None,
        locked=locked,
    )
    opened = ctx.backend.open_handoff(conversation_id(ctx), why, conversation_context(ctx, note), code)
    ctx.update(handoff=str(opened.handoff_id), awaiting=None, misunderstood=0)
    if opened.status is HandoffStatus.WAITING:
        _say(ctx, lead, wording.queued_text(opened))
        ctx.pause = True
        return opened
    _say(ctx, lead, wording.callback_offer_text(opened))
    if opened.callback is None:  # nothing arranged yet
        if phone or registered:
            callback_now(ctx, phone, registered)
        elif reason != HAZARD:  # the hazard report asks for its own number (topics/hazard.py)
            ask_phone(ctx, opened.registered_phone_tail)
    return opened


def by_rule(ctx: Context, question: Question) -> None:
    """An intent the operators always hand over (``question.service``: which ones)."""
    offer(ctx, RULE, lead=wording.RULE_LEAD, note=f"Quy tắc vận hành: {question.service or '?'}")


def _say(ctx: Context, lead: str, text: str, buttons: list[Button] | None = None) -> None:
    """``text`` after ``lead`` in one message ("Dạ, ..." continues the lead's sentence)."""
    if lead:
        rest = text.removeprefix("Dạ, ").removeprefix("Dạ ")
        text = f"{lead} {rest[:1].upper()}{rest[1:]}"
    ctx.say(text, buttons or [])


def conversation_id(ctx: Context) -> str:
    """Rasa's sender id (where the agent's replies go); the requester's id without one."""
    return ctx.turn.conversation_id or ctx.turn.requester.user_id


def conversation_context(ctx: Context, note: str | None = None) -> ConversationContext:
    """What the agent reads first: the intents understood, the state, the last messages
    (and ``note``, why, when the caller says it)."""
    messages = []
    for line in ctx.turn.recent:
        for prefix, speaker in _SPEAKERS.items():
            if line.startswith(prefix):
                messages.append(Utterance(speaker, line[len(prefix) :]))
    messages.append(Utterance("customer", ctx.turn.text))
    slots = {
        k: v for k, v in to_slots(ctx.state).items() if k not in ("awaiting", "handoff", "misunderstood")
    }
    ticket = ctx.state.ticket.number if ctx.state.ticket else None
    intents = [t for t in (ctx.state.topic,) if t] + list(ctx.turn.intents)
    return ConversationContext(
        intents=intents, slots=slots, messages=messages, ticket_numbers=[ticket] if ticket else [], note=note
    )


# ---------------------------------------------------------------------- callbacks


def _tail(value: str | None) -> str | None:
    """The registered number's last 3 digits kept in ``Awaiting.query`` (nothing else)."""
    return value if value and len(value) == 3 and value.isdecimal() else None


def ask_phone(ctx: Context, registered_tail: str | None, failures: int = 0) -> None:
    registered_tail = _tail(registered_tail)
    buttons = [Button("Được", "/affirm")] if registered_tail else []
    ctx.ask(
        Awaiting(kind=AWAIT_CALLBACK_PHONE, query=registered_tail, failures=failures),
        wording.ask_phone_text(registered_tail),
        [*buttons, Button("Hủy", "/cancel")],
    )


def take_phone(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The number to call back: one typed (repeated to the customer), or "được" for the
    registered one of a verified customer (``awaiting.query`` holds its last digits)."""
    typed = normalize_phone(ctx.turn.first("phone") or ctx.turn.text)
    if typed:
        ask_time(ctx, typed, f"số {format_phone(typed)}")
        return ()
    if _tail(awaiting.query) and says_yes(ctx.turn):
        ask_time(ctx, REGISTERED, f"số đã đăng ký đuôi {awaiting.query}")
        return ()
    if awaiting.failures + 1 >= MAX_PHONE_TRIES:
        return None  # not a number, three times: the customer moved on
    ctx.say(wording.PHONE_FORMAT_TEXT)
    ctx.wait(Awaiting(kind=AWAIT_CALLBACK_PHONE, query=_tail(awaiting.query), failures=awaiting.failures + 1))
    return ()


def ask_time(ctx: Context, phone: str, shown: str) -> None:
    details = ctx.backend.callback_details(conversation_id(ctx))
    ctx.ask(Awaiting(kind=AWAIT_CALLBACK_TIME, query=phone), wording.ask_window_text(shown, details.hours))


def take_time(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """When to call (any answer: without a usable time, the next opening)."""
    registered = awaiting.query == REGISTERED
    try:
        recorded, moved = ctx.backend.record_callback(
            conversation_id(ctx),
            ctx.turn.values("date"),
            ctx.turn.values("time"),
            phone=None if registered else awaiting.query,
            registered=registered,
        )
    except HandoffError:  # the handoff ended meanwhile (an agent closed it)
        ctx.say(wording.CANCELLED_TEXT)
        ctx.update(awaiting=None, handoff=None)
        return ()
    ctx.say(wording.callback_recorded_text(recorded, moved))
    ctx.update(awaiting=None)
    return ()


def callback_now(ctx: Context, phone: str | None, registered: bool = False) -> bool:
    """Arrange the callback of the open handoff with a number already known (the next
    opening of the desk, the configured length); said with the number masked. False when
    the handoff ended meanwhile or the number is refused."""
    try:
        recorded, moved = ctx.backend.record_callback(
            conversation_id(ctx), [], [], phone=None if registered else phone, registered=registered
        )
    except HandoffError:
        return False
    shown = recorded.phone_display if registered else f"số {masked(phone)}"
    ctx.say(wording_hazard.callback_arranged(shown, recorded.window_start, recorded.window_end, moved))
    return True


def cancel_callback(ctx: Context) -> None:
    """ "thôi" while the callback number or time is asked: the offer is withdrawn."""
    ctx.backend.cancel_handoff(conversation_id(ctx))
    ctx.update(handoff=None)


# ------------------------------------------------------------------------- rating


def rating_from_text(text: str | None) -> int | None:
    """1–5 in a short answer ("5", "5 sao", "chấm 4 điểm"); None otherwise."""
    value = (text or "").strip()
    if len(value) > 80:
        return None
    found = {int(m) for m in RATING_RE.findall(value)}
    return found.pop() if len(found) == 1 else None


def take_rating(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The customer's rating of the agent; anything else is answered as a new message."""
    score = rating_from_text(ctx.turn.text)
    if score is None:
        return None
    stored = ctx.backend.store_rating(conversation_id(ctx), score)
    ctx.say(wording.rating_text(score) if stored else wording.NO_RATING_TEXT)
    ctx.update(awaiting=None)
    return ()
