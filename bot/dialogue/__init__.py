"""The conversation engine (pure Python: no Rasa import).

``run_turn(turn, state) -> Outcome``: one customer message (:class:`Turn`) and the
conversation state (:class:`State`, kept in Rasa slots) in; the replies and the new
state out. See docs/architecture.md, section "Dialogue".
"""

from bot.dialogue.outcome import Button, Message, Outcome
from bot.dialogue.runner import run_turn
from bot.dialogue.state import SLOT_NAMES, State, from_slots, to_slots
from bot.dialogue.turn import Entity, Turn, split_intents


def warm_up() -> None:
    """Load what the first turn would otherwise wait for (the place names, the text
    reader's resources)."""
    from bot.domain import places
    from bot.nlu.core import read

    places.warm_up()
    read.entities("xin chào")


__all__ = [
    "SLOT_NAMES",
    "Button",
    "Entity",
    "Message",
    "Outcome",
    "State",
    "Turn",
    "from_slots",
    "run_turn",
    "split_intents",
    "to_slots",
    "warm_up",
]
