"""The conversation engine: one customer message in, the replies and the new state out.

One turn, in order:

1. understand: the NLU's intents, corrected with the text and the state
   (bot.dialogue.understanding);
2. endings first: "thôi", "hủy" drop whatever was asked; thanks and goodbyes end it too;
3. the awaited answer: when the bot asked for something (a code, the digits, a place, a
   report detail, a yes or no) and the message answers it, the waiting questions are
   answered; a message that asks something else moves on;
4. the message's own questions (bot.dialogue.planning): each answered in a sensible
   order; a question that needs a code, the digits or a place asks for it, and the
   others that need the same wait with it;
5. no dead end: every message gets a reply.

The engine works on plain data (Turn, State, Outcome) and calls the services through a
Backend bound to one unit of work; it never sees Rasa.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.dialogue.backend import Backend
from bot.dialogue.context import Asked, Context
from bot.dialogue.details import Details
from bot.dialogue.outcome import Button, Message, Outcome
from bot.dialogue.planning import TOPIC_OF_INTENT, order, plan
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_CALLBACK_PHONE,
    AWAIT_CALLBACK_TIME,
    AWAIT_CLARIFY,
    AWAIT_CODE,
    AWAIT_CODE_OFFER,
    AWAIT_DIGITS,
    AWAIT_OFFER,
    Awaiting,
    Question,
    State,
)
from bot.dialogue.topics import hazard as hazard_topic
from bot.dialogue.topics import human, locks, registry, report_form
from bot.dialogue.topics.smalltalk import how_can_i_help
from bot.dialogue.turn import Turn
from bot.dialogue.understanding import CANCEL, read_intents
from bot.nlu.core import read as reader
from bot.services.verification import NotVerified
from bot.wording import common
from bot.wording import hazard as hazard_words
from bot.wording import identity as identity_wording
from bot.wording import security as security_words

log = logging.getLogger(__name__)

ENDINGS = frozenset({"goodbye", "thank"})
# Never held back by a pending question: safety and people first.
INTERRUPTING = frozenset({"report_hazard", "request_human", "ask_safety"})
SAFETY = frozenset({"report_hazard", "ask_safety"})  # answered even over the message rate


def converse(turn: Turn, state: State, backend: Backend) -> Outcome:
    """Answer one message (every message gets at least one reply). A requester writing
    faster than the message rate (bot.services.rate_limits) gets only the polite "wait"
    answer, the state unchanged; a danger is answered whatever the rate."""
    limited = backend.note_message()
    if limited is not None and not SAFETY & set(turn.intents):
        return Outcome((Message(security_words.rate_limited_text(limited)),), state)
    ctx = Context(turn, state, backend)
    try:
        _turn(ctx)
    except NotVerified as refused:  # the services re-check verification themselves
        ctx.say(identity_wording.not_verified(refused.status), [Button.intent("Số tổng đài", "ask_contact")])
    if not ctx.messages:
        log.warning("no reply planned for intents %s; asking what is needed", list(turn.intents))
        how_can_i_help(ctx, Question("how_can_i_help"))
    return Outcome(tuple(ctx.messages), ctx.state, pause=ctx.pause)


def _turn(ctx: Context) -> None:
    intents = read_intents(ctx.turn, ctx.state, ctx.details)
    awaiting = ctx.state.awaiting
    if not ctx.turn.text.strip():  # an empty message (whatever intent the NLU gave it)
        if awaiting is not None:
            registry.remind(ctx, awaiting)
        else:
            how_can_i_help(ctx, Question("how_can_i_help"))
        return
    if CANCEL in intents:
        if awaiting is not None and awaiting.kind == AWAIT_OFFER and awaiting.behind is not None:
            registry.decline_offer(ctx, awaiting)  # no person, but the bill asked for still is
            return
        if awaiting is not None and awaiting.kind in (AWAIT_CALLBACK_PHONE, AWAIT_CALLBACK_TIME):
            human.cancel_callback(ctx)  # the callback offer is withdrawn too
        if awaiting is not None:
            locks.cancel(ctx, awaiting)  # a one-time code awaited is void at once
        pending = awaiting is not None and awaiting.kind not in (AWAIT_OFFER, AWAIT_CLARIFY, AWAIT_CODE_OFFER)
        if awaiting is not None and awaiting.kind in report_form.REPORT_AWAITS:
            ctx.say(report_form.cancelled(awaiting))  # the report ends politely, nothing recorded
        else:
            ctx.say(common.stopped_here() if pending else common.fine_then())
        ctx.update(awaiting=None, misunderstood=0)
        return
    if ENDINGS & set(intents):
        ctx.update(awaiting=None)  # thanks and goodbyes end whatever was asked
    elif awaiting is not None and not _interrupting(ctx, intents, awaiting):
        taken = registry.take(ctx, awaiting)
        if taken is not None:
            ctx.update(misunderstood=0)
            answer_all(ctx, list(taken))
            return
        if registry.reask(ctx, awaiting, intents):
            return
        ctx.update(awaiting=None)  # the customer moved on...
        answer_all(ctx, planned(ctx, intents))
        _keep_waiting_questions(ctx, awaiting)  # ...unless the new question waits for the same
        _keep_behind_offer(ctx, awaiting)
        return
    answer_all(ctx, planned(ctx, intents))


def planned(ctx: Context, intents: list[str]) -> list[Question]:
    """The message's questions; an operator rule (handoff.yml ``rules``,
    ``DESK_HANDOFF_INTENTS``) hands the questions of its intents to a person instead (the
    others are answered first). Safety is never handed over unanswered: the hazard topic
    reports the danger and opens its own urgent handoff."""
    questions = plan(ctx, intents)
    rule = ctx.backend.operator_rule(intents)
    if rule is None:
        return questions
    names = sorted(i for i in rule.intents - SAFETY if i in intents)
    if not names:
        return questions  # only a danger matched: the hazard topic answers and hands over
    ruled = {TOPIC_OF_INTENT.get(i) for i in names}
    kept = [q for q in questions if q.topic not in ruled]
    return [*kept, Question(human.BY_RULE, service=",".join(names))]


def _interrupting(ctx: Context, intents: list[str], awaiting: Awaiting) -> bool:
    """Safety and people come before what is awaited; but while a report asks where, a
    "danger" the NLU guessed from words that name none ("cho cay xang Phu Lam") is read
    as the answer first."""
    found = INTERRUPTING & set(intents)
    if found == {"report_hazard"} and awaiting.kind in report_form.REPORT_AWAITS:
        return hazard_topic.names_a_danger(ctx)
    if found == {"ask_safety"} and awaiting.kind == AWAIT_BREAKER:  # "cầu dao vẫn bật": the answer
        return not reader.breaker_stayed_on(ctx.turn.text) or hazard_topic.names_a_danger(ctx)
    return bool(found)


def answer_all(ctx: Context, questions: list[Question]) -> None:
    """Answer each question in order; once one asks for something, the others that need
    input wait with it."""
    if any(q.topic != "misunderstood" for q in questions):
        ctx.update(misunderstood=0)
    asked = False
    for question in sorted(questions, key=order):
        if asked and question.topic in registry.NEEDS_INPUT:
            ctx.defer(question)
            continue
        if isinstance(registry.answer(ctx, question), Asked):
            asked = True


def _keep_waiting_questions(ctx: Context, before: Awaiting) -> None:
    """A question asked while the code or the digits were awaited, that needs them too,
    keeps the earlier questions waiting ("xem hóa đơn" ... "à cho xem nợ luôn" ... "1321")."""
    now = ctx.state.awaiting
    if now is None or now.kind != before.kind or now.kind not in (AWAIT_CODE, AWAIT_DIGITS):
        return
    if now.kind == AWAIT_DIGITS and now.code != before.code:
        return
    kept = tuple(q for q in before.questions if q not in now.questions)
    ctx.update(awaiting=replace(now, questions=(*kept, *now.questions)))


def _keep_behind_offer(ctx: Context, before: Awaiting) -> None:
    """The code or the digits awaited stay behind a yes/no offer made meanwhile (an angry
    "làm ăn kiểu gì" while the digits were asked gets the apology and the offer of a
    person; "1321" next still verifies, and a "no" to the offer asks for them again)."""
    now = ctx.state.awaiting
    if now is None or now.kind != AWAIT_OFFER or before.kind not in (AWAIT_CODE, AWAIT_DIGITS):
        return
    ctx.update(awaiting=replace(now, behind=replace(before, behind=None, failures=0)))


def offline(turn: Turn, state: State) -> Outcome:
    """The answer when the database cannot be reached: safety advice still comes first
    for a danger; otherwise the one apology with the hotline. The state is kept."""
    intents = read_intents(turn, state, Details())
    if {"report_hazard", "ask_safety"} & set(intents):
        messages = [Message(hazard_topic.advice(turn.text))]
        if "report_hazard" in intents:
            messages.append(Message(hazard_words.hazard_ticket_failed()))
        return Outcome(tuple(messages), state)
    return Outcome(
        (Message(common.database_unavailable(), (Button.intent("Số tổng đài", "ask_contact"),)),), state
    )
