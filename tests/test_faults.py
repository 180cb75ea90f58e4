import logging
import sqlite3

from sqlalchemy.exc import OperationalError

from bot.faults import FaultLog, describe, is_database_error, technical_apology


def test_apology_is_vietnamese_and_names_the_configured_hotline(monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE", "19009000")
    text = technical_apology()
    assert text.startswith("Dạ, em xin lỗi")
    assert "19009000" in text and "anh/chị" in text
    assert len(text) < 250, "short: the customer reads it on a phone"


def test_an_incident_is_logged_once_when_it_starts_and_once_when_it_ends(caplog) -> None:
    now = [100.0]
    faults = FaultLog(logging.getLogger("test.faults"), clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="test.faults"):
        refused = ConnectionRefusedError(111, "Connection refused")
        assert faults.failed("action server", refused, consequence="x")
        for _ in range(50):
            assert not faults.failed("action server", TimeoutError(), consequence="x")
        faults.succeeded("action server")
        now[0] = 142.0
        faults.succeeded("action server")  # no open incident: nothing
    records = [r for r in caplog.records if r.name == "test.faults"]
    assert [r.levelname for r in records] == ["ERROR", "WARNING"]
    assert "action server unavailable: ConnectionRefusedError: Connection refused" in records[0].getMessage()
    assert "51 failed request(s)" in records[1].getMessage()


def test_parts_have_separate_incidents(caplog) -> None:
    faults = FaultLog(logging.getLogger("test.faults2"))
    with caplog.at_level(logging.INFO, logger="test.faults2"):
        faults.failed("database", "locked", consequence="x")
        faults.failed("lock store", "down", consequence="x")
    assert faults.failing() == ["database", "lock store"]
    assert len(caplog.records) == 2


def test_database_errors_are_recognised_through_their_causes() -> None:
    locked = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    assert is_database_error(locked)
    assert is_database_error(sqlite3.OperationalError("database is locked"))
    try:
        try:
            raise locked
        except OperationalError as error:
            raise RuntimeError("lookup failed") from error
    except RuntimeError as wrapped:
        assert is_database_error(wrapped)
    assert not is_database_error(KeyError("x"))


def test_descriptions_carry_no_message_data() -> None:
    assert describe(KeyError("0908111321 Nguyễn Văn A")) == "KeyError"
    assert describe(TimeoutError()) == "TimeoutError (no answer in time)"


def test_the_process_shares_one_incident_for_the_database(caplog, monkeypatch) -> None:
    import bot.faults
    from bot.db.uow import DataUnavailable
    from bot.faults import database_failed, process_faults

    monkeypatch.setattr(bot.faults, "_process_faults", None)  # no incident left by other tests

    try:
        try:
            raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
        except OperationalError as error:
            raise DataUnavailable("OperationalError") from error
    except DataUnavailable as wrapped:
        unavailable = wrapped
    assert is_database_error(unavailable)
    assert is_database_error(DataUnavailable("x")), "recognised even without its cause"
    with caplog.at_level(logging.INFO, logger="bot.faults"):
        for _ in range(5):
            database_failed(unavailable)  # five actions apologise
        process_faults().succeeded("database")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.faults"]
    assert len(lines) == 2 and lines[0].startswith("database unavailable: DataUnavailable")
    assert "5 failed request(s)" in lines[1]
