"""Retention: old conversations and verification data are deleted, recent ones and
the current session of a conversation in use are kept (``python -m bot privacy purge``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot import clock
from bot.cli import main
from bot.db.models import OneTimeCode, RateEvent, SecurityAlert, SmsOutbox, VerificationAttempt
from bot.db.session import make_engine
from bot.services import one_time_codes, privacy, security_alerts, unit_of_work
from bot.services.privacy import Retention
from bot.services.security_alerts import AlertKind
from bot.services.verification import Requester
from tests.support.demo import BICH, NOW

DAY = 86_400.0
EVENTS_DDL = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
    " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
    " action_name VARCHAR(255), data TEXT)"
)


def now() -> datetime:
    return datetime.fromisoformat(NOW).replace(tzinfo=clock.VN_TZ)


def add_events(url: str, sender: str, days_ago: float, kinds: list[str]) -> None:
    at = now().timestamp() - days_ago * DAY
    with make_engine(url).begin() as connection:
        for n, kind in enumerate(kinds):
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :k, :t, :d)"),
                {"s": sender, "k": kind, "t": at + n, "d": json.dumps({"event": kind, "text": "1321"})},
            )


def remaining(url: str) -> dict[str, list[str]]:
    with make_engine(url).connect() as connection:
        rows = connection.execute(text("SELECT sender_id, type_name FROM events ORDER BY id")).all()
    found: dict[str, list[str]] = {}
    for sender, kind in rows:
        found.setdefault(sender, []).append(kind)
    return found


@pytest.fixture
def tracker_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with make_engine(url).begin() as connection:
        connection.execute(text(EVENTS_DDL))
    session = ["action", "session_started", "action", "user", "bot"]
    add_events(url, "old-idle", 45, session)  # nothing since: all of it goes
    add_events(url, "regular", 40, session)  # a finished session, long ago: goes
    add_events(url, "regular", 2, session)  # the current one: stays
    add_events(url, "spanning", 31, session)  # current session started before the cutoff...
    add_events(url, "spanning", 1, ["user", "bot"])  # ...and still in use: kept whole
    add_events(url, "recent", 3, session)
    return url


def fill_security_tables() -> None:
    who = Requester("rest", "someone")
    for days in (40, 2):
        with clock.frozen(now() - timedelta(days=days)), unit_of_work() as uow:
            uow.identity.record_attempt(BICH, who.channel, who.user_id, False)
            one_time_codes.issue(uow, BICH, Requester("rest", f"otp-{days}"))
            uow.counters.hit("msg:x", timedelta(minutes=1), clock.now())
            security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, f"PB0501000000{days % 10}")
    with clock.frozen(now() - timedelta(days=200)), unit_of_work() as uow:
        security_alerts.raise_alert(uow, AlertKind.FAILURE_SPIKE, "global")


def counts() -> dict[str, int]:
    with unit_of_work() as uow:
        return {
            model.__tablename__: uow.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (VerificationAttempt, OneTimeCode, SmsOutbox, RateEvent, SecurityAlert)
        }


def test_purge_deletes_what_is_older_than_the_retention(demo_db: str, tracker_url: str) -> None:
    fill_security_tables()
    before = counts()
    with unit_of_work() as uow, unit_of_work(tracker_url) as conversations:
        dry = privacy.purge(uow, conversations, Retention(30, 30, 180), dry_run=True)
    assert counts() == before and len(remaining(tracker_url)["old-idle"]) == 5  # a dry run changes nothing
    with unit_of_work() as uow, unit_of_work(tracker_url) as conversations:
        report = privacy.purge(uow, conversations, Retention(30, 30, 180))
    assert report == privacy.PurgeReport(**{**dry.__dict__, "dry_run": False})
    assert report.conversation_events == 11 and report.verification_attempts == 1
    assert (report.one_time_codes, report.sms_messages, report.alerts) == (1, 1, 1)
    assert report.rate_events == 2  # counters older than a day
    assert report.sms_texts_blanked == 1  # the recent SMS's code has expired: its text goes
    assert remaining(tracker_url) == {
        "regular": ["action", "session_started", "action", "user", "bot"],
        # Its first event came before its session started (Rasa's action_session_start):
        # old, and not part of the session Rasa loads.
        "spanning": ["session_started", "action", "user", "bot", "user", "bot"],
        "recent": ["action", "session_started", "action", "user", "bot"],
    }
    assert counts() == {
        "verification_attempts": 1,
        "security_one_time_codes": 1,
        "security_sms_outbox": 1,
        "security_rate_events": 0,
        "security_alerts": 2,
    }
    with unit_of_work() as uow:
        assert [m.body for m in one_time_codes.outbox(uow, since=now() - timedelta(days=30))] == [
            one_time_codes.EXPIRED_BODY
        ]


def test_a_database_without_rasas_table_is_left_alone(demo_db: str) -> None:
    with unit_of_work() as uow:
        report = privacy.purge(uow, uow, Retention(30, 30, 180))
    assert report.conversation_events is None


def test_the_command_line(demo_db: str, tracker_url: str, capsys: pytest.CaptureFixture) -> None:
    fill_security_tables()
    args = ["privacy", "purge", "--database-url", demo_db, "--tracker-store-url", tracker_url]
    assert main([*args, "--dry-run"]) == 0
    assert "would delete: 11 conversation events (older than 30 days)" in capsys.readouterr().out
    assert main([*args, "--conversation-days", "2", "--verification-days", "1"]) == 0
    out = capsys.readouterr().out
    assert "deleted: 16 conversation events (older than 2 days)" in out
    assert "2 verification attempts" in out
    assert main(["privacy", "purge", "--database-url", demo_db, "--tracker-store-url", "none"]) == 0
    assert "no tracker store table here" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*args, "--conversation-days", "0"])
