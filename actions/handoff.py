"""Human handoff, the actions the agent desk runs on a handed-over conversation (thin: call
bot.services.handoff, render with bot.wording.handoff).

Opening a handoff is the conversation engine's (bot/dialogue/topics/human.py, through
``action_converse``, which returns ``ConversationPaused``). While paused, Rasa predicts
nothing; the desk runs these with ``POST /conversations/{id}/execute?output_channel=latest``:

- ``action_agent_message``: delivers the agent's messages not yet delivered (marking them
  delivered, so a repeated call sends nothing twice);
- ``action_handoff_closed``: the agent closed (or the customer cancelled while waiting):
  the bot says it is back, asks for a 1–5 rating (``awaiting`` = rating, which the engine
  reads next turn) and resumes the conversation (``ConversationResumed``). Told once.

And ``action_session_start``: Rasa's session start (slots carried over), keeping the pause
while a handoff is waiting or taken (a new session would otherwise wake the bot up).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    ConversationResumed,
    EventType,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.dialogue import to_slots
from bot.dialogue.state import AWAIT_RATING, Awaiting, State
from bot.services import handoff, handoff_messages, unit_of_work
from bot.services.handoff import HandoffStatus
from bot.wording import handoff as wording

AWAITING = "awaiting"
HANDOFF = "handoff"
T = TypeVar("T")


async def in_uow(function: Callable[..., T], *args: Any) -> T:
    """``function(uow, *args)`` in one unit of work, off the event loop. A database failure
    propagates: Rasa answers the desk 500 and the desk tries again (nothing was marked)."""

    def run() -> T:
        with unit_of_work() as uow:
            return function(uow, *args)

    return await asyncio.to_thread(run)


def _rating_awaited() -> object:
    """The ``awaiting`` slot value the engine reads as "a 1–5 rating is awaited"."""
    return to_slots(State(awaiting=Awaiting(kind=AWAIT_RATING)))[AWAITING]


class ActionAgentMessage(Action):
    def name(self) -> str:
        return "action_agent_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        texts = await in_uow(handoff_messages.take_undelivered, tracker.sender_id)
        for text in texts:
            dispatcher.utter_message(text=text)
        return []


class ActionHandoffClosed(Action):
    def name(self) -> str:
        return "action_handoff_closed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        notice = await in_uow(handoff.closing_notice, tracker.sender_id)
        if notice is None:  # told already (a retried request): only make sure the bot is back
            return [ConversationResumed()] if tracker.is_paused() else []
        buttons = wording.RATING_BUTTONS if notice.ask_rating else []
        paragraphs = [p for p in wording.closing_text(notice).split("\n\n") if p.strip()]
        for index, paragraph in enumerate(paragraphs):
            dispatcher.utter_message(text=paragraph, buttons=buttons if index == len(paragraphs) - 1 else [])
        return [
            ConversationResumed(),
            SlotSet(HANDOFF, None),
            SlotSet(AWAITING, _rating_awaited() if notice.ask_rating else None),
        ]


class ActionSessionStart(Action):
    """Rasa's default session start (slots carried over), plus the pause of an open handoff."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value) for name, value in tracker.current_slot_values().items() if value is not None
        ]
        try:
            active = await in_uow(handoff.active_handoff, tracker.sender_id)
        except Exception:  # the database is down: a new session without the pause is the lesser harm
            active = None
        if active is not None and active.status in (HandoffStatus.WAITING, HandoffStatus.ACTIVE):
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
