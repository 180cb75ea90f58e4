"""What the engine answers: messages (with quick replies) and the new conversation state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.state import State


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # "/intent" or '/intent{"entity": "value"}' (no NLU guesswork)

    @classmethod
    def intent(cls, title: str, intent: str, entities: dict[str, Any] | None = None) -> Button:
        payload = f"/{intent}"
        if entities:
            payload += json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
        return cls(title, payload)

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Outcome:
    messages: tuple[Message, ...]
    state: State
    pause: bool = False  # a human agent takes over (the action pauses the conversation)
    handoff: dict[str, Any] | None = field(default=None)  # what the desk needs, when pausing
