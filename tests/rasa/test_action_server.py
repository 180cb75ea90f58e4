"""Issue 9 #11 and "never silence" inside actions: our action server only answers Rasa
(shared secret), and an action that fails (database locked, a bug) answers the apology,
logged once, without customer data."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading

import aiohttp
import pytest

from bot.faults import technical_apology
from bot.logs import install_record_factory
from bot.rasa import action_server
from bot.rasa.action_server import create_app
from bot.tokens import ACTION_SECRET_HEADER
from bot.wording.common import database_unavailable

SECRET = "test-action-secret-0123456789-abcdefghij"
PHONE, NAME = "0908111321", "Nguyễn Thị Minh Khai"


def _call(action: str, sender: str = "zalo-42") -> dict:
    """What Rasa posts: the whole tracker of a verified customer."""
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "tracker": {
            "sender_id": sender,
            "slots": {"customer_code": "PB01010000101", "verified": True, "phone": PHONE},
            "latest_message": {"text": f"em là {NAME}", "intent": {"name": "inform"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
    }


@pytest.fixture()
async def server(serve_sanic, monkeypatch):
    install_record_factory()  # as the process's configure_logging() does
    faults = action_server.FaultLog(logging.getLogger("bot.rasa.action_server"))
    monkeypatch.setattr(action_server, "FAULTS", faults)
    monkeypatch.setattr(action_server, "_probe", {"task": None, "at": 0.0})
    async with serve_sanic(create_app(SECRET, "tests.rasa.sample_actions")) as url:
        yield url


async def _post(
    url: str, body: object, secret: str | None = SECRET, raw: bytes | None = None
) -> tuple[int, object]:
    headers = {ACTION_SECRET_HEADER: secret} if secret is not None else {}
    if raw is None:
        kwargs = {"json": body, "headers": headers}
    else:
        kwargs = {"data": raw, "headers": {**headers, "Content-Type": "application/json"}}
    async with aiohttp.ClientSession() as session, session.post(f"{url}/webhook", **kwargs) as response:
        return response.status, await response.json()


async def test_a_forged_tracker_without_the_secret_gets_401_and_no_data(server) -> None:
    for secret in (None, "", "wrong", SECRET[:-1]):
        status, body = await _post(server, _call("action_sample_hello"), secret=secret)
        assert status == 401
        assert body == {"error": "missing or wrong shared secret"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server}/actions") as response:
            assert response.status == 401
        async with session.get(f"{server}/health") as response:
            assert response.status == 200 and await response.json() == {"status": "ok"}


async def test_rasa_with_the_secret_gets_the_actions_answer(server) -> None:
    status, body = await _post(server, _call("action_sample_hello"))
    assert status == 200
    assert body["responses"][0]["text"] == "Dạ, chào zalo-42."
    assert body["events"][0]["name"] == "topic"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "not a JSON"), (b"[1, 2]", "not an action call"), (b'"text"', "not an action call"),
     (b'{"sender_id": "x"}', "not an action call"), (b"{not json", "not a JSON")],
)
async def test_bad_bodies_are_400_with_a_reason(server, raw, reason) -> None:
    status, body = await _post(server, None, raw=raw)
    assert status == 400 and reason in body["error"]


async def test_an_unknown_action_is_404(server) -> None:
    status, body = await _post(server, _call("action_that_does_not_exist"))
    assert status == 404 and body["action_name"] == "action_that_does_not_exist"


@pytest.fixture()
def locked_database(tmp_path, monkeypatch):
    """A real SQLite file held under an exclusive lock by another connection."""
    path = tmp_path / "people.db"
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE people (phone TEXT, name TEXT)")
    setup.commit()
    setup.close()
    monkeypatch.setenv("SAMPLE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO people VALUES ('x', 'y')")
    release = threading.Event()

    def unlock() -> None:
        holder.execute("ROLLBACK")
        holder.execute("PRAGMA locking_mode=NORMAL")
        holder.execute("SELECT 1 FROM people")
        release.set()

    yield unlock
    if not release.is_set():
        unlock()
    holder.close()


async def test_a_locked_database_answers_the_apology_logged_once_without_data(
    server, locked_database, caplog
) -> None:
    from bot.db.session import dispose_engines

    with caplog.at_level(logging.INFO):
        for _ in range(3):
            status, body = await _post(server, _call("action_sample_database"))
            assert status == 200
            assert body["events"] == []
            assert body["responses"][0]["text"] == database_unavailable(), "the one data apology"
        locked_database()
        dispose_engines()
        status, body = await _post(server, _call("action_sample_database"))
        assert body["responses"][0]["text"] == "Dạ, đã tra xong."
        for _ in range(50):  # the recovery probe runs in the background
            if "database back after" in caplog.text:
                break
            await asyncio.sleep(0.1)
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.rasa.action_server"]
    assert [level for level, _ in lines] == ["ERROR", "WARNING"], lines
    assert lines[0][1].startswith("database unavailable: OperationalError")
    assert lines[1][1].startswith("database back after") and "3 failed request(s)" in lines[1][1]
    assert PHONE not in caplog.text and NAME not in caplog.text and "Traceback" not in caplog.text


async def test_a_bug_answers_the_apology_and_logs_its_trace_without_data(server, caplog) -> None:
    with caplog.at_level(logging.INFO):
        status, body = await _post(server, _call("action_sample_bug"))
    assert status == 200 and body["responses"][0]["text"] == technical_apology()
    text = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "action action_sample_bug unavailable: KeyError" in text
    assert "Traceback" in text and "sample_actions.py" in text
    assert PHONE not in text and NAME not in text, "no message text, locals or exception data"
