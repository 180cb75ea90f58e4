"""``action_converse``: the one action of a customer turn (bot/rasa/policy.py calls it
after every message).

Reads the tracker into a Turn and the state slots, runs the engine off the event loop
in one unit of work (bot.dialogue.run_turn), and returns the replies and the changed
slots; a human taking over pauses the conversation.
"""

from __future__ import annotations

import asyncio
import threading

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.kit import apologise, read_state, read_turn, render, state_events
from bot.dialogue import run_turn, warm_up

ACTION_NAME = "action_converse"

# Load the place names (about 2 s) when the action server starts, not on a customer's turn.
threading.Thread(target=warm_up, name="dialogue-warm-up", daemon=True).start()


class ActionConverse(Action):
    def name(self) -> str:
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn, before = read_turn(tracker), read_state(tracker)
        try:
            outcome = await asyncio.to_thread(run_turn, turn, before)
        except Exception as error:  # one error policy: the apology, logged once
            apologise(dispatcher, error, ACTION_NAME)
            return []
        render(dispatcher, outcome.messages)
        events = state_events(before, outcome.state)
        if outcome.pause:
            events.append(ConversationPaused())
        return events
