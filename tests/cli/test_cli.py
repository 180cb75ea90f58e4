"""``python -m bot``: db upgrade works, other commands are dispatched lazily, errors are one line."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.config import PROJECT_ROOT
from bot.db import migrate
from bot.db.models import TariffVersion, VatPeriod
from bot.db.session import session_scope
from tests.db.test_migrations import head_revision


def test_db_upgrade_migrates_and_loads_tariffs(empty_db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["db", "upgrade", "--database-url", empty_db_url]) == 0
    assert migrate.current(empty_db_url) == head_revision()
    with session_scope(empty_db_url) as session:
        assert session.execute(select(func.count(TariffVersion.id))).scalar_one() == 3
        assert session.execute(select(func.count(VatPeriod.id))).scalar_one() == 2
    assert "3 added" in capsys.readouterr().out
    # Again: nothing to do, nothing duplicated.
    assert cli.main(["db", "upgrade", "--database-url", empty_db_url]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_db_upgrade_skip_tariffs(empty_db_url: str) -> None:
    assert cli.main(["db", "upgrade", "--skip-tariffs", "--database-url", empty_db_url]) == 0
    with session_scope(empty_db_url) as session:
        assert session.execute(select(func.count(TariffVersion.id))).scalar_one() == 0


def test_db_current(empty_db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["db", "current", "--database-url", empty_db_url]) == 0
    assert "not migrated" in capsys.readouterr().out


def test_unreachable_database_is_one_line_without_password(capsys: pytest.CaptureFixture) -> None:
    url = "postgresql+psycopg2://postgres:s3cret@127.0.0.1:1/nowhere"
    assert cli.main(["db", "upgrade", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: cannot use the database postgresql+psycopg2://postgres:***@127.0.0.1:1/nowhere"
    )
    assert "s3cret" not in err and "Traceback" not in err


def test_python_dash_m_bot_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'utility.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"is at revision {head_revision()}" in done.stdout
    assert (tmp_path / "utility.db").exists()


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, result: int | None = 0) -> list:
    calls: list = []
    module = types.ModuleType(name)
    module.main = lambda args: calls.append(args) or result
    monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_demo_data_is_dispatched_with_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_module(monkeypatch, "bot.cli.demo")
    assert cli.main(["demo-data", "--seed", "7", "--today", "27/11/2026", "--force"]) == 0
    (args,) = calls
    assert (args.seed, args.today, args.force) == (7, "27/11/2026", True)
    assert (args.customers, args.database_url, args.allow_non_default_db) == (None, None, False)


def test_import_is_dispatched_and_its_exit_code_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_module(monkeypatch, "bot.cli.data_import", result=3)
    assert cli.main(["import", "readings", "r.csv", "--skip-bad", "--rejects", "bad.csv"]) == 3
    (args,) = calls
    assert (args.kind, args.file, args.skip_bad, args.rejects) == ("readings", "r.csv", True, "bad.csv")


def test_import_refuses_an_unknown_kind() -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "meters", "m.csv"])
    assert exit_info.value.code == 2


def test_incident_gets_all_its_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_module(monkeypatch, "bot.cli.incident")
    assert cli.main(["incident", "-h"]) == 0
    assert cli.main(["incident", "open", "--station", "TBA-1", "--cause", "cây ngã"]) == 0
    assert calls == [["-h"], ["open", "--station", "TBA-1", "--cause", "cây ngã"]]


def test_a_missing_module_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "bot.cli.demo", None)  # import fails as if absent
    assert cli.main(["demo-data"]) == 1
    err = capsys.readouterr().err
    assert "'demo-data' is not available" in err and "Traceback" not in err


def test_command_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    module = types.ModuleType("bot.cli.data_import")

    def main(args: object) -> int:
        raise cli.CommandError("r.csv: dòng 3, cột kwh: không phải số")

    module.main = main
    monkeypatch.setitem(sys.modules, "bot.cli.data_import", module)
    assert cli.main(["import", "readings", "r.csv"]) == 1
    assert capsys.readouterr().err == "error: r.csv: dòng 3, cột kwh: không phải số\n"


def test_unexpected_errors_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("bot.cli.data_import")
    module.main = lambda args: 1 / 0
    monkeypatch.setitem(sys.modules, "bot.cli.data_import", module)
    with pytest.raises(ZeroDivisionError):
        cli.main(["import", "readings", "r.csv"])
