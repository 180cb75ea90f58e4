"""One customer message as the engine sees it (read from the Rasa tracker by the action).

Plain data: the engine never sees Rasa objects. Combined intents of a message with two
questions (``ask_bill+ask_outage_schedule``, Rasa's ``intent_tokenization_flag``) are
split here into ``intents``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services.verification import Requester

INTENT_SPLIT = "+"
MAX_TEXT_CHARS = 2000  # the engine reads at most this much of a message
FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


def split_intents(name: str | None) -> tuple[str, ...]:
    """``"ask_bill+ask_debt"`` -> ``("ask_bill", "ask_debt")``; duplicates dropped."""
    parts = [part.strip() for part in (name or "").split(INTENT_SPLIT)]
    return tuple(dict.fromkeys(part for part in parts if part))


@dataclass(frozen=True)
class Entity:
    name: str
    value: str
    typed: str = ""  # what the customer typed for it ("tháng trước" for relative:-1)


@dataclass(frozen=True)
class Turn:
    """A customer message: text, what the NLU understood, who sent it and from where."""

    text: str = ""
    intents: tuple[str, ...] = ()
    confidence: float = 1.0
    entities: tuple[Entity, ...] = ()
    ranking: tuple[str, ...] = ()  # intent names, most likely first (for clarifying)
    channel: str = "unknown"
    requester: Requester = field(default_factory=lambda: Requester("unknown", ""))
    malformed_codes: tuple[str, ...] = ()  # code-like strings of the wrong length
    recent: tuple[str, ...] = ()  # the conversation's last messages, oldest first
    conversation_id: str = ""  # Rasa's sender id (a handoff's agent replies go there)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", (self.text or "")[:MAX_TEXT_CHARS])

    @property
    def intent(self) -> str:
        return self.intents[0] if self.intents else ""

    @property
    def is_button(self) -> bool:
        """A quick reply's payload (``/ask_bill``): no free text to read."""
        return self.text.lstrip().startswith("/")

    @property
    def is_blank(self) -> bool:
        return not self.text.strip() and not self.intents

    def values(self, entity: str) -> list[str]:
        return [e.value for e in self.entities if e.name == entity and str(e.value).strip()]

    def first(self, entity: str) -> str | None:
        found = self.values(entity)
        return found[0] if found else None

    def typed(self, entity: str) -> list[str]:
        return [e.typed for e in self.entities if e.name == entity and e.typed]
