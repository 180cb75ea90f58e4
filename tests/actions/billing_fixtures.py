"""Shared fixtures for the billing tests: a demo database and real rasa-sdk trackers.

Import the fixture functions into a test module (``from tests.actions.billing_fixtures
import demo_db_fixture, demo_db_url_fixture  # noqa: F401``); tests ask for them by
name (``demo_db``, ``demo_db_url``, ``domain``). The demo data is made once per session for
today = 27/11/2026 (the e2e clock) with a few generated customers besides the three
fixture customers; each test runs with the clock frozen at 27/11/2026 09:00 and the
identity, ticket and audit tables emptied afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy import delete

from bot import clock
from bot.db.models import ChannelLink, DisclosureAudit, Ticket, TicketCounter, VerificationAttempt
from bot.db.session import session_scope

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:00:00"
BICH, CUONG, DUNG = "PB05010000001", "PB11020000002", "PB14030000003"
DIGITS = {BICH: "1321", CUONG: "2654", DUNG: "3987"}
PHONES = ("0908111321", "0939222654", "0918333987")
DOMAIN_DIR = Path(__file__).resolve().parents[2] / "domain.yml"
IDENTITY_TABLES = (VerificationAttempt, ChannelLink, DisclosureAudit, Ticket, TicketCounter)


@pytest.fixture(scope="session", name="demo_db_url")
def demo_db_url_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    from bot.db.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('billing-demo') / 'utility.db'}"
    with clock.frozen(NOW):
        load_demo(url, today=TODAY, customers=12, allow_non_default_db=True)
    return url


def reset_identity(url: str) -> None:
    with session_scope(url) as session:
        for table in IDENTITY_TABLES:
            session.execute(delete(table))


@pytest.fixture(name="demo_db")
def demo_db_fixture(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo database as the configured one (actions open their own sessions)."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    reset_identity(demo_db_url)
    with clock.frozen(NOW):
        yield demo_db_url
    reset_identity(demo_db_url)


@pytest.fixture(scope="session", name="domain")
def domain_fixture() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(DOMAIN_DIR)).as_dict()


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value), "extractor": "test"}


def channel_identity(channel: str, sender: str) -> dict[str, str]:
    """What our channels attach to a message (bot/channels): platform ids for Zalo and
    Messenger, a session key for the others (here the sender id stands in for it)."""
    from bot.services.verification import LINKING_CHANNELS, identity

    return identity("platform" if channel in LINKING_CHANNELS else "session", sender)


def make_tracker(
    text: str = "",
    intent: str = "inform",
    *,
    sender: str = "test-user",
    channel: str = "rest",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
    metadata: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    slot_events: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` (parsed as ``intent``), as Rasa sends it.

    ``slot_events`` are appended after the message, the way a form passes the slots it
    extracted to its validation action; ``history`` are earlier events.
    """
    metadata = {"identity": channel_identity(channel, sender), **(metadata or {})}
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.9)])],
        "metadata": metadata or {},
        **(extra or {}),
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": parse,
        "input_channel": channel,
        "metadata": metadata or {},
    }
    values = dict(slots or {})
    values.update(slot_events or {})
    events = [*(history or []), user_event]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (slot_events or {}).items()]
    return Tracker(
        sender,
        values,
        parse,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: Any) -> str:
    return "\n".join(message.get("text") or "" for message in dispatcher.messages)


def buttons(dispatcher: Any) -> list[dict[str, str]]:
    return [b for message in dispatcher.messages for b in message.get("buttons") or []]


def slot_sets(events: list[Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
