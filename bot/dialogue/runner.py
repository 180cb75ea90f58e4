"""One turn in one unit of work: what the action server calls (off the event loop)."""

from __future__ import annotations

from bot.dialogue import engine
from bot.dialogue.backend import Backend
from bot.dialogue.outcome import Outcome
from bot.dialogue.state import State
from bot.dialogue.turn import Turn
from bot.faults import database_failed
from bot.services import DataUnavailable, unit_of_work


def run_turn(turn: Turn, state: State, database_url: str | None = None) -> Outcome:
    """Answer ``turn``: the message count commits first (Backend.note_message), then
    every other read and write of the turn commits together. When the database cannot be
    reached, the one apology (safety advice first for a danger)."""
    try:
        with unit_of_work(database_url) as uow:
            return engine.converse(turn, state, Backend(uow, turn.requester, turn.channel))
    except DataUnavailable as error:
        database_failed(error)  # one log line per incident (bot.faults)
        return engine.offline(turn, state)
