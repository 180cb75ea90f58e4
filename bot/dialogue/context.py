"""What a topic handler works with during one turn: the message, the state so far, the
services, and the replies said so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot import clock
from bot.dialogue.backend import Backend
from bot.dialogue.details import Details
from bot.dialogue.details import read as read_details
from bot.dialogue.outcome import Button, Message
from bot.dialogue.state import Awaiting, Question, State
from bot.dialogue.turn import Turn
from bot.wording.common import without_nested_brackets
from bot.wording.customers import code_problem_text


@dataclass(frozen=True)
class Asked:
    """A handler could not answer yet: it asked for something (``Awaiting`` set)."""

    awaiting: Awaiting


class Context:
    def __init__(self, turn: Turn, state: State, backend: Backend) -> None:
        self.turn = turn
        self.state = state
        self.start = state  # the state before this turn (what the last answers left)
        self.backend = backend
        self.details: Details = read_details(turn)
        self.messages: list[Message] = []
        self.now: datetime = clock.now()
        self.pause = False

    @property
    def today(self) -> date:
        return self.now.date()

    # ------------------------------------------------------------------ replies

    def say(self, text: str, buttons: list[Button] | tuple[Button, ...] = ()) -> None:
        text = without_nested_brackets(text.strip())
        if text:
            self.messages.append(Message(text, tuple(buttons)))

    def add_buttons(self, buttons: list[Button]) -> None:
        """Quick replies on the last message (none are lost when nothing was said yet)."""
        if not buttons:
            return
        if not self.messages:
            raise ValueError("quick replies need a message")
        last = self.messages[-1]
        titles = {b.title for b in last.buttons}
        merged = last.buttons + tuple(b for b in buttons if b.title not in titles)
        self.messages[-1] = Message(last.text, merged)

    @property
    def said_anything(self) -> bool:
        return bool(self.messages)

    # -------------------------------------------------------------------- state

    def update(self, **changes) -> None:
        self.state = self.state.but(**changes)

    def known_code(self) -> str | None:
        """The customer code in play, else the one code this requester is verified for."""
        if self.state.customer_code:
            return self.state.customer_code
        codes = self.backend.verified_codes()
        return codes[0] if len(codes) == 1 else None

    def malformed_code_reason(self) -> str:
        """Why the code-like string in the message is no customer code ("" when there is none)."""
        if not self.details.malformed_codes:
            return ""
        return code_problem_text(self.backend.check_format(self.details.malformed_codes[0]).problem)

    def ask(self, awaiting: Awaiting, text: str, buttons: list[Button] | tuple[Button, ...] = ()) -> Asked:
        """Say the question and wait for its answer."""
        self.say(text, buttons)
        self.update(awaiting=awaiting)
        return Asked(awaiting)

    def wait(self, awaiting: Awaiting) -> Asked:
        """Wait for an answer already asked for (by a check that explained why)."""
        self.update(awaiting=awaiting)
        return Asked(awaiting)

    def defer(self, question: Question) -> None:
        """Answer ``question`` too once what is awaited comes."""
        awaiting = self.state.awaiting
        if awaiting is not None and question not in awaiting.questions:
            self.update(
                awaiting=Awaiting(**{**awaiting.__dict__, "questions": (*awaiting.questions, question)})
            )
