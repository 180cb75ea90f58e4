"""One turn in one unit of work: what the action server calls (off the event loop)."""

from __future__ import annotations

import logging

from bot.dialogue import engine
from bot.dialogue.backend import Backend, ServiceUnavailable, unit_of_work
from bot.dialogue.outcome import Outcome
from bot.dialogue.state import State
from bot.dialogue.turn import Turn

log = logging.getLogger(__name__)


def run_turn(turn: Turn, state: State, database_url: str | None = None) -> Outcome:
    """Answer ``turn``: every read and write of the turn commits together. When the
    database cannot be reached, the one apology (safety advice first for a danger)."""
    try:
        with unit_of_work(database_url) as session:
            return engine.converse(turn, state, Backend(session, turn.requester, turn.channel))
    except ServiceUnavailable as error:
        log.warning("database unavailable (%s): answered with the apology", error)
        return engine.offline(turn, state)
