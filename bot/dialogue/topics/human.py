"""A person takes over: the hook where the handoff to an agent plugs in.

Until ``bot.services.handoff`` exists (the desk), the customer gets the hotline. Then
:func:`offer` calls ``open_handoff(uow, HandoffRequest(...))`` through the backend,
says the queue position or the callback offer it returns, records the handoff id in
``state.handoff`` and sets ``ctx.pause`` so the action pauses the conversation
(``ConversationPaused``) while the agent answers.
"""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.wording import common

ASKED = "asked"
MISUNDERSTOOD = "misunderstood"


def offer(ctx: Context, reason: str) -> None:
    """``reason``: asked / misunderstood (for the desk's queue, later)."""
    text = common.still_not_understood() if reason == MISUNDERSTOOD else common.human_by_phone()
    ctx.say(
        text,
        [Button.intent("Số tổng đài", "ask_contact"), Button.intent("Xem hóa đơn tiền điện", "ask_bill")],
    )
    ctx.update(awaiting=None)
