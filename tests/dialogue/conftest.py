"""The engine over a real demo database, talked to with synthetic NLU parses.

``chat`` is a conversation: ``chat.say("1321")`` or ``chat.say("còn tháng 9 thì sao",
"ask_debt", period="month:9")`` gives the turn as the NLU of the contract would, runs it
through :func:`bot.dialogue.run_turn` (one unit of work) and keeps the state between
messages. The demo data is made once per session for today = 27/11/2026 (the e2e
clock); identity, ticket and audit tables are emptied after each test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete

from bot import clock
from bot.db.models import (
    ChannelLink,
    DisclosureAudit,
    OutageReport,
    Ticket,
    TicketCounter,
    VerificationAttempt,
)
from bot.db.session import session_scope
from bot.dialogue import Entity, Message, State, Turn, run_turn, split_intents
from bot.services.verification import Requester
from tests.outage_support import frozen_now, outage_db, sqlite_db_url  # noqa: F401 - fixtures

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:00:00"
BICH, CUONG, DUNG = "PB05010000001", "PB11020000002", "PB14030000003"
DIGITS = {BICH: "1321", CUONG: "2654", DUNG: "3987"}
NAMES = ("Trần Thị Bích", "Lê Văn Cường", "Nguyễn Hoàng Dũng")
PHONES = ("0908111321", "0939222654", "0918333987")
CLEARED_TABLES = (VerificationAttempt, ChannelLink, DisclosureAudit, OutageReport, Ticket, TicketCounter)


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from bot.db.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('dialogue-demo') / 'utility.db'}"
    with clock.frozen(NOW):
        load_demo(url, today=TODAY, customers=12, allow_non_default_db=True)
    return url


def clear(url: str) -> None:
    with session_scope(url) as session:
        for table in CLEARED_TABLES:
            session.execute(delete(table))


@pytest.fixture
def demo(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    clear(demo_url)
    with clock.frozen(NOW):
        yield demo_url
    clear(demo_url)


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

    def turn(self, text: str, intent: str = "inform", ranking: tuple[str, ...] = (), **found: Any) -> Turn:
        malformed = found.pop("malformed", ())
        return Turn(
            text=text,
            intents=split_intents(intent),
            entities=entities_of(found),
            ranking=ranking or split_intents(intent),
            channel=self.channel,
            requester=Requester(self.channel, self.sender, persistent=self.channel in ("zalo", "facebook")),
            malformed_codes=tuple(malformed),
        )

    def say(self, text: str, intent: str = "inform", ranking: tuple[str, ...] = (), **found: Any) -> str:
        """The bot's replies as one text (messages on their own lines)."""
        outcome = run_turn(self.turn(text, intent, ranking, **found), self.state, self.url)
        self.state = outcome.state
        self.replies.append(outcome.messages)
        assert outcome.messages, f"no reply to {text!r}"
        return "\n".join(m.text for m in outcome.messages)

    @property
    def last(self) -> tuple[Message, ...]:
        return self.replies[-1]

    def payloads(self) -> list[str]:
        return [b.payload for m in self.last for b in m.buttons]


@pytest.fixture
def chat(demo: str) -> Chat:
    return Chat(demo)


# The outage world of tests/outage_support.py (a suspended customer, planned outages,
# an incident): for supply status and outage reports.
SUSPENDED, SUSPENDED_DIGITS = "PB05010000104", "0104"


@pytest.fixture
def outage_chat(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Chat:
    url = request.getfixturevalue("outage_db")
    monkeypatch.setenv("DATABASE_URL", url)
    return Chat(url)
