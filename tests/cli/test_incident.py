"""`python -m bot incident ...`: operators list, open, update and restore incidents, and
what customers are told follows."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from sqlalchemy import select

from bot import cli, clock
from bot.cli import incident as incident_cli
from bot.cli.incident import parse_when
from bot.db.models import Incident, Ticket, TicketStatus
from bot.services import restore, unit_of_work
from bot.services.outage_reports import Report, Scope, Target, submit

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=clock.VN_TZ)


def run(url: str, *args: str) -> int:
    return cli.main(["incident", *args, "--database-url", url])


def incident(url: str, code: str) -> Incident:
    with unit_of_work(url) as session:
        return session.session.execute(select(Incident).where(Incident.code == code)).scalars().one()


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("14:30", True, datetime(2026, 11, 27, 14, 30)),
        ("8h15", True, datetime(2026, 11, 28, 8, 15)),  # expected at 08:15: tomorrow
        ("8:15", False, datetime(2026, 11, 27, 8, 15)),  # restored at 08:15: this morning
        ("28/11/2026 06:00", True, datetime(2026, 11, 28, 6, 0)),
        ("+90m", True, datetime(2026, 11, 27, 10, 30)),
        ("+2h", True, datetime(2026, 11, 27, 11, 0)),
        ("2026-11-27T15:00", True, datetime(2026, 11, 27, 15, 0)),
    ],
)
def test_times_operators_type(text: str, future: bool, expected: datetime) -> None:
    assert parse_when(text, NOW, future=future) == expected.replace(tzinfo=clock.VN_TZ)


def test_a_time_that_cannot_be_read_is_an_error_not_a_traceback() -> None:
    with pytest.raises(cli.CommandError, match="cannot read the time"):
        parse_when("chiều nay", NOW)


def test_list_and_show(outage_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(outage_db, "list") == 0
    out = capsys.readouterr().out
    assert "SC-261127-0001" in out and "SC-261127-0002" not in out  # restored ones only with --all
    assert run(outage_db, "list", "--all") == 0
    assert "SC-261127-0002" in capsys.readouterr().out
    assert run(outage_db, "show", "SC-261127-0001") == 0
    out = capsys.readouterr().out
    assert "27/11/2026 12:25" in out and "PB1403-T001" in out


def test_updating_the_expected_time_changes_what_customers_read(outage_db_any: str) -> None:
    assert (
        run(outage_db_any, "update", "SC-261127-0001", "--expected", "15:45", "--cause", "thay sứ cách điện")
        == 0
    )
    updated = incident(outage_db_any, "SC-261127-0001")
    assert updated.expected_restoration_at == NOW.replace(hour=15, minute=45)
    with unit_of_work(outage_db_any) as session:
        status = restore.for_customer(session, "PB14030000003")
    assert status.incident.expected_restoration_at == NOW.replace(hour=15, minute=45)
    assert status.incident.cause == "thay sứ cách điện"


def test_restoring_resolves_the_linked_tickets(
    outage_db_any: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with unit_of_work(outage_db_any) as session:
        submit(session, Report(Target(customer_code="PB11020000102"), "zalo", scope=Scope.AREA))
    with clock.frozen("2026-11-27T09:05"), unit_of_work(outage_db_any) as session:
        grouped = submit(session, Report(Target(customer_code="PB11020000103"), "zalo", scope=Scope.AREA))
    code = grouped.incident.code
    assert run(outage_db_any, "restore", code, "--at", "10:40") == 0
    assert "1 ticket(s) resolved" in capsys.readouterr().out
    restored = incident(outage_db_any, code)
    assert restored.status == "restored" and restored.restored_at == NOW.replace(hour=10, minute=40)
    with unit_of_work(outage_db_any) as session:
        assert session.session.execute(select(Ticket.status)).scalar_one() == TicketStatus.RESOLVED.value
    assert run(outage_db_any, "restore", code) == 1  # already restored: a one-line error


def test_open_an_incident_for_a_station(outage_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("open", "--station", "PB1102-T002", "--cause", "sự cố máy biến áp", "--expected", "+3h")
    assert run(outage_db, *args) == 0
    assert "SC-261127-0001" not in capsys.readouterr().out  # codes are not reused
    with unit_of_work(outage_db) as session:
        status = restore.for_customer(session, "PB11020000102")
    assert status.status == restore.Status.INCIDENT
    assert status.incident.expected_restoration_at == NOW.replace(hour=12)


@pytest.mark.parametrize(
    "args",
    [
        ("show", "SC-NOPE"),
        ("update", "SC-NOPE", "--expected", "10:00"),
        ("update", "SC-261127-0001"),
        ("open", "--station", "NO-SUCH-STATION"),
        ("update", "SC-261127-0001", "--expected", "chiều nay"),
    ],
)
def test_mistakes_end_with_a_message_and_exit_code_1(
    outage_db: str, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(outage_db, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_the_command_line_entry_point(outage_db: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "incident", "list", "--database-url", outage_db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "SC-261127-0001" in result.stdout
    help_text = subprocess.run(
        [sys.executable, "-m", "bot", "incident", "--help"], capture_output=True, text=True, check=False
    ).stdout
    assert all(word in help_text for word in ("list", "show", "open", "update", "restore"))


def test_main_directly(outage_db: str) -> None:
    assert incident_cli.main(["list", "--database-url", outage_db]) == 0
