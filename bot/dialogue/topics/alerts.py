"""Outage notices: subscribe and stop (bot.services.notices, docs/notices.md).

"Báo cho tôi khi cúp điện" subscribes this conversation, on the channel it came from, for
the area of a customer code the requester is verified for: the code in play, or the one
code they are verified for; otherwise the code is asked, then the 4 digits (a lock offers
the one-time code or a person, bot/dialogue/topics/locks.py), then the subscription is
made and the planned outages already announced for the area are said. Channels that
cannot be reached later (plain REST) are told where to subscribe. "Ngừng nhận thông báo"
stops them at once: no verification, whoever writes in the conversation may stop its
notices.
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CODE, AWAIT_CODE_OFFER, Awaiting, Question
from bot.dialogue.topics import account, human, locks
from bot.services.notices import SubscribeStatus
from bot.services.verification import State as Identity
from bot.wording import identity as identity_wording
from bot.wording import notices as words

STOP_BUTTON = Button.intent("Ngừng nhận thông báo", "unsubscribe_alerts")
SCHEDULE_BUTTON = Button.intent("Xem lịch cúp điện", "ask_outage_schedule")


def subscribe(ctx: Context, question: Question) -> Asked | None:
    code = question.code or ctx.state.customer_code
    result = ctx.backend.subscribe(human.conversation_id(ctx), code)
    status = result.status
    asked = replace(question, code=None)
    if status is SubscribeStatus.NEEDS_CODE:
        buttons = [Button.intent(c, "subscribe_alerts", {"customer_code": c}) for c in result.known_codes[:5]]
        return ctx.ask(Awaiting(AWAIT_CODE, (asked,)), words.subscribe_text(result), buttons)
    if status is SubscribeStatus.BAD_CODE:
        ctx.update(customer_code=None)
        return ctx.ask(Awaiting(AWAIT_CODE, (asked,), failures=1), words.subscribe_text(result))
    if status is SubscribeStatus.NEEDS_VERIFICATION and result.verification is not None:
        return _verify_first(ctx, replace(question, code=result.customer_code), result.verification)
    if result.subscribed:
        ctx.say(words.subscribe_text(result), [STOP_BUTTON, SCHEDULE_BUTTON])
        ctx.update(topic="alerts", customer_code=result.customer_code)
        return None
    ctx.say(words.subscribe_text(result), [SCHEDULE_BUTTON])  # a channel notices cannot reach
    return None


def _verify_first(ctx: Context, question: Question, status) -> Asked | None:
    """The digits (or the way out of a lock), then the subscription again."""
    code = status.code
    ctx.update(customer_code=code)
    if status.state is Identity.LOCKED:
        locks.locked(ctx, status, (question,))
        awaiting = ctx.state.awaiting
        return Asked(awaiting) if awaiting is not None and awaiting.kind == AWAIT_CODE_OFFER else None
    if not ctx.turn.requester.verifiable:
        ctx.say(identity_wording.cannot_verify_here(), [Button.intent("Số tổng đài", "ask_contact")])
        return None
    return account.ask_digits(ctx, question, code)


def unsubscribe(ctx: Context, question: Question) -> None:
    result = ctx.backend.unsubscribe(human.conversation_id(ctx), question.code)
    ctx.say(words.unsubscribe_text(result))
    if ctx.state.topic == "alerts":
        ctx.update(topic=None)
