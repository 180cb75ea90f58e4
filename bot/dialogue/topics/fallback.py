"""Messages not understood: clarify once with the options that fit, then a person.

The first time, one question: the likeliest topics from the NLU ranking as quick replies
(the menu when nothing fits; for out-of-scope messages, what the bot can do). A "có"
to a one-option question answers that option; "không" shows the menu. A second
misunderstanding in a row offers a person (the hotline until the chat handoff exists).
"""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_CLARIFY, Awaiting, Question
from bot.dialogue.topics import human
from bot.dialogue.topics.smalltalk import menu
from bot.dialogue.understanding import says_no, says_yes
from bot.wording import common

MAX_CHOICES = 3


def choices(ctx: Context) -> list[str]:
    picked = [name for name in ctx.turn.ranking if name in common.LABELS]
    return list(dict.fromkeys(picked))[:MAX_CHOICES]


def misunderstood(ctx: Context, question: Question) -> None:
    count = ctx.state.misunderstood + 1
    if count >= 2:
        human.offer(ctx, reason=human.MISUNDERSTOOD)
        ctx.update(misunderstood=count)
        return
    if "out_of_scope" in ctx.turn.intents:
        ctx.say(common.out_of_scope(), menu())
        ctx.update(misunderstood=count, awaiting=None)
        return
    picked = choices(ctx)
    if len(picked) == 1:
        label = common.LABELS[picked[0]]
        ctx.say(
            common.clarify_one(label), [Button.intent(label, picked[0]), Button.intent("Không phải", "deny")]
        )
    else:
        ctx.say(common.clarify_many(), [Button.intent(common.LABELS[n], n) for n in picked] or menu())
    ctx.update(misunderstood=count, awaiting=Awaiting(AWAIT_CLARIFY, choices=tuple(picked)))


def take_clarification(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """ "có" to a one-option question asks it; "không" shows the menu."""
    yes, no = says_yes(ctx.turn), says_no(ctx.turn)
    if yes and len(awaiting.choices) == 1:
        from bot.dialogue.planning import question_for

        ctx.update(awaiting=None)
        return (question_for(ctx, awaiting.choices[0]),)
    if yes or no:
        ctx.say(common.pick_from_menu(), menu())
        ctx.update(awaiting=None)
        return ()
    return None
