"""The engine over a real demo database, talked to with synthetic NLU parses.

``chat`` is a conversation: ``chat.say("1321")`` or ``chat.say("còn tháng 9 thì sao",
"ask_debt", period="month:9")`` gives the turn as the NLU of the contract would, runs it
through :func:`bot.dialogue.run_turn` (one unit of work) and keeps the state between
messages. The databases are the shared ones of tests/conftest.py: ``demo_db`` (the demo
data, today = 27/11/2026, the e2e clock) and ``outage_db`` (the outage world).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.db.models import Handoff, OutageReport
from bot.db.session import session_scope
from bot.dialogue import Entity, Message, State, Turn, run_turn, split_intents
from bot.services.verification import Requester
from tests.support.demo import BICH, CUONG, DIGITS, DUNG, NAMES, NOW, PHONES, TODAY

__all__ = ["BICH", "CUONG", "DIGITS", "DOWN_DATABASE_URL", "DUNG", "NAMES", "NOW", "PHONES", "TODAY", "Chat"]

CLEARED_AFTER = (OutageReport,)  # demo_db itself empties the identity, ticket and audit tables
SUSPENDED, SUSPENDED_DIGITS = "PB05010000104", "0104"  # the outage world's suspended customer
DOWN_DATABASE_URL = "postgresql+psycopg2://nobody@127.0.0.1:1/nowhere?connect_timeout=2"


def entities_of(found: dict[str, Any]) -> tuple[Entity, ...]:
    result = []
    for name, value in found.items():
        for one in value if isinstance(value, list | tuple) else [value]:
            typed, _, val = str(one).partition("=") if "=" in str(one) else ("", "", str(one))
            result.append(Entity(name, val, typed))
    return tuple(result)


@dataclass
class Chat:
    url: str
    channel: str = "rest"
    sender: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}")
    state: State = field(default_factory=State)
    replies: list[tuple[Message, ...]] = field(default_factory=list)
    paused: bool = False  # the last turn handed the conversation to an agent

    def turn(self, text: str, intent: str = "inform", ranking: tuple[str, ...] = (), **found: Any) -> Turn:
        malformed = found.pop("malformed", ())
        confidence = found.pop("confidence", 1.0)  # the NLU's, for an unsure parse
        return Turn(
            text=text,
            intents=split_intents(intent),
            confidence=confidence,
            entities=entities_of(found),
            ranking=ranking or split_intents(intent),
            channel=self.channel,
            requester=Requester(self.channel, self.sender, persistent=self.channel in ("zalo", "facebook")),
            malformed_codes=tuple(malformed),
            conversation_id=self.sender,
        )

    def say(self, text: str, intent: str = "inform", ranking: tuple[str, ...] = (), **found: Any) -> str:
        """The bot's replies as one text (messages on their own lines)."""
        outcome = run_turn(self.turn(text, intent, ranking, **found), self.state, self.url)
        self.state, self.paused = outcome.state, outcome.pause
        self.replies.append(outcome.messages)
        assert outcome.messages, f"no reply to {text!r}"
        return "\n".join(m.text for m in outcome.messages)

    @property
    def last(self) -> tuple[Message, ...]:
        return self.replies[-1]

    def payloads(self) -> list[str]:
        return [b.payload for m in self.last for b in m.buttons]

    def handoffs(self) -> list[Handoff]:
        """This conversation's handoffs, as stored."""
        with session_scope(self.url) as session:
            mine = select(Handoff).where(Handoff.conversation_id == self.sender)
            rows = session.execute(mine).scalars().all()
            session.expunge_all()
            return list(rows)


@pytest.fixture
def chat(demo_db: str) -> Iterator[Chat]:
    yield Chat(demo_db)
    with session_scope(demo_db) as session:  # before demo_db empties the tickets
        for table in CLEARED_AFTER:
            session.execute(delete(table))


@pytest.fixture
def outage_chat(outage_db: str, monkeypatch: pytest.MonkeyPatch) -> Chat:
    monkeypatch.setenv("DATABASE_URL", outage_db)
    return Chat(outage_db)
