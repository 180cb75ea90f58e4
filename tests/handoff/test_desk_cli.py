"""``python -m bot desk ...``: accounts are made from the command line, errors are one line."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import pytest

from bot import cli, config
from bot.cli import desk as desk_cli
from bot.config import PROJECT_ROOT
from bot.db import migrate
from bot.services import desk_auth, unit_of_work


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'utility.db'}"
    migrate.upgrade(url)
    return url


def test_add_agent_with_a_password_from_stdin(url: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("mật khẩu thật dài\n"))
    assert (
        cli.main(["desk", "add-agent", "Lan", "--name", "Lan", "--password-stdin", "--database-url", url])
        == 0
    )
    assert "Created agent 'lan' (Lan)." in capsys.readouterr().out
    with unit_of_work(url) as uow:
        assert desk_auth.authenticate(uow, "lan", "mật khẩu thật dài").ok
    monkeypatch.setattr(sys, "stdin", io.StringIO("ngắn\n"))
    assert (
        cli.main(["desk", "add-agent", "minh", "--name", "Minh", "--password-stdin", "--database-url", url])
        == 1
    )
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal: a random password, shown once
    assert (
        cli.main(
            ["desk", "add-agent", "hoa", "--name", "Chị Hoa", "--role", "supervisor", "--database-url", url]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Created supervisor 'hoa'" in out and "Password (shown once): " in out
    assert cli.main(["desk", "list", "--database-url", url]) == 0
    assert "hoa" in capsys.readouterr().out
    assert cli.main(["desk", "deactivate", "lan", "--database-url", url]) == 0
    with unit_of_work(url) as uow:
        assert not desk_auth.authenticate(uow, "lan", "mật khẩu thật dài").ok
    assert cli.main(["desk", "deactivate", "nobody", "--database-url", url]) == 1
    assert "no agent 'nobody'" in capsys.readouterr().err


def test_demo_accounts_only_in_the_embedded_database(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    monkeypatch.setattr(desk_cli, "VAR_DIR", tmp_path)
    embedded = config.default_database_url()
    migrate.upgrade(embedded)
    first = desk_cli.demo_accounts(None)
    assert [(u, r) for u, _p, r in first] == [("tuvanvien", "agent"), ("giamsat", "supervisor")]
    assert desk_cli.demo_accounts(None) == first  # the same logins every `make run`
    credentials = tmp_path / desk_cli.DEMO_FILE
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    with unit_of_work(embedded) as uow:
        assert desk_auth.authenticate(uow, "giamsat", first[1][1]).agent.is_supervisor
    with pytest.raises(cli.CommandError):
        desk_cli.demo_accounts(f"sqlite:///{tmp_path / 'production.db'}")


def test_python_dash_m_bot_desk_runs(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "desk", "list", "--database-url", url],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "No desk accounts" in done.stdout, done.stderr
