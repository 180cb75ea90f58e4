"""Greetings, thanks, goodbyes, who the bot is, contact, and the menu (outage notices:
bot/dialogue/topics/alerts.py; safety questions: bot/dialogue/topics/hazard.py ``safety``)."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.dialogue.topics import human
from bot.wording import common

SHORT = "short"  # a greeting question's text when the message asks something else too
MENU_BUTTONS = tuple((common.LABELS[intent], intent) for intent in common.MENU)


def menu() -> list[Button]:
    return [Button.intent(title, intent) for title, intent in MENU_BUTTONS]


def greet(ctx: Context, question: Question) -> None:
    """Short when the message asks something too ("chào em, cho xem hóa đơn")."""
    ctx.say(common.greeting(ctx.now, short=question.text == SHORT))


def goodbye(ctx: Context, question: Question) -> None:
    ctx.say(common.goodbye(ctx.now))


def thank(ctx: Context, question: Question) -> None:
    ctx.say(common.thanks())


def bot_challenge(ctx: Context, question: Question) -> None:
    ctx.say(common.bot_challenge(), [Button.intent("Gặp tư vấn viên", "request_human")])


def contact(ctx: Context, question: Question) -> None:
    ctx.say(common.contact())


def request_human(ctx: Context, question: Question) -> None:
    human.offer(ctx, reason=human.ASKED)


def affirm(ctx: Context, question: Question) -> None:
    """A bare "có" / "ok" with nothing asked: what else (never a yes to nothing)."""
    ctx.say(common.what_else(), menu())


def deny(ctx: Context, question: Question) -> None:
    ctx.say(common.fine_then())


def cancel(ctx: Context, question: Question) -> None:
    ctx.say(common.stopped_here())
    ctx.update(awaiting=None)


def unexplained_digits(ctx: Context, question: Question) -> None:
    ctx.say(common.unexplained_digits(), menu())


def how_can_i_help(ctx: Context, question: Question) -> None:
    ctx.say(common.how_can_i_help(), menu())
