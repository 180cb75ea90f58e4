"""A person takes over: the one hook where the handoff to an agent plugs in.

Every way to a person goes through :func:`offer` with its reason: the customer asked
(``asked``), the bot did not understand twice (``misunderstood``), a complaint
(``complaint``), frustration (``frustration``). Until ``bot.services.handoff`` exists
(the desk), the customer gets the hotline. Then :func:`offer` calls
``open_handoff(uow, HandoffRequest(...))`` through the backend with the reason, says
the queue position or the callback offer it returns, records the handoff id in
``state.handoff`` and sets ``ctx.pause`` so the action pauses the conversation
(``ConversationPaused``) while the agent answers.
"""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.wording import common

ASKED = "asked"
MISUNDERSTOOD = "misunderstood"
COMPLAINT = "complaint"
FRUSTRATION = "frustration"
REASONS = frozenset({ASKED, MISUNDERSTOOD, COMPLAINT, FRUSTRATION})


def offer(ctx: Context, reason: str, lead: str = "") -> None:
    """``reason``: asked / misunderstood / complaint / frustration (for the desk's queue,
    later). ``lead``: what the bot says first, in the same message (an apology, the
    complaint recorded)."""
    text = common.still_not_understood() if reason == MISUNDERSTOOD else common.human_by_phone()
    if lead:
        rest = text.removeprefix("Dạ, ")
        text = f"{lead} {rest[:1].upper()}{rest[1:]}"
    buttons = [Button.intent("Số tổng đài", "ask_contact")]
    if reason in (ASKED, MISUNDERSTOOD):
        buttons.append(Button.intent("Xem hóa đơn tiền điện", "ask_bill"))
    ctx.say(text, buttons)
    ctx.update(awaiting=None)
