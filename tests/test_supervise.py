"""The supervisor of `make run`: one crashed process is restarted, the others keep running,
Ctrl-C/SIGTERM reaches every process, a configuration refusal stops everything."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import supervise
from bot.config import PROJECT_ROOT
from bot.supervise import Supervisor, backoff_delay, read_procfile


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch) -> None:
    monkeypatch.setattr(supervise, "BACKOFF_START_S", 0.05)
    monkeypatch.setattr(supervise, "STOP_GRACE_S", 2.0)


def _supervisor(tmp_path: Path, processes: dict[str, str]) -> tuple[Supervisor, io.StringIO]:
    out = io.StringIO()
    supervisor = Supervisor(
        processes, env=dict(os.environ), cwd=tmp_path, log_dir=tmp_path / "logs",
        state_file=tmp_path / "state.json", out=out,
    )
    return supervisor, out


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_procfile_lines_and_comments(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("# a comment\n\nrasa: python -m bot.rasa.server --port 1\nweb: echo a:b\n")
    assert read_procfile(procfile) == {"rasa": "python -m bot.rasa.server --port 1", "web": "echo a:b"}
    procfile.write_text("just a command\n")
    with pytest.raises(ValueError, match="Procfile:1"):
        read_procfile(procfile)


def test_the_real_procfile_uses_our_entry_points() -> None:
    commands = read_procfile(PROJECT_ROOT / "Procfile")
    assert set(commands) == {"rasa", "actions", "web", "notify"}
    assert "-m bot notify run" in commands["notify"]  # the notifier of outage notices
    assert "bot.rasa.server" in commands["rasa"] and "bot.rasa.action_server" in commands["actions"]
    assert "rasa run" not in " ".join(commands.values())


def test_backoff_doubles_up_to_thirty_seconds(monkeypatch) -> None:
    monkeypatch.setattr(supervise, "BACKOFF_START_S", 1.0)
    assert [backoff_delay(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 4, 8, 16, 30, 30]


async def test_a_crashing_process_is_restarted_and_the_others_keep_running(tmp_path: Path) -> None:
    supervisor, out = _supervisor(tmp_path, {"steady": "echo up; sleep 30", "crashy": "echo crash; exit 3"})
    task = asyncio.create_task(supervisor.run())
    await _until(lambda: supervisor.states["crashy"].starts >= 4)
    assert supervisor.states["steady"].starts == 1, "a crash elsewhere never restarts a healthy process"
    steady_pid = supervisor.states["steady"].pid
    supervisor.stopping.set()
    assert await task == 0
    assert not _alive(steady_pid)
    assert "crashy exited with 3" in out.getvalue() and "restarting in" in out.getvalue()
    assert "steady | up" in out.getvalue(), "lines carry the process name"
    assert (tmp_path / "logs" / "crashy.log").read_text().count("crash") >= 4
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["processes"]["crashy"]["last_exit"] == 3 and state["processes"]["crashy"]["restarts"] >= 3


async def test_a_killed_process_comes_back_with_a_new_pid(tmp_path: Path) -> None:
    supervisor, _out = _supervisor(tmp_path, {"actions": "sleep 30", "web": "sleep 30"})
    task = asyncio.create_task(supervisor.run())
    await _until(lambda: supervisor.states["actions"].pid is not None and supervisor.states["web"].pid)
    killed, web = supervisor.states["actions"].pid, supervisor.states["web"].pid
    os.killpg(killed, signal.SIGKILL)
    actions = supervisor.states["actions"]
    await _until(lambda: actions.starts == 2 and actions.pid != killed)
    assert _alive(supervisor.states["actions"].pid) and supervisor.states["web"].pid == web
    supervisor.stopping.set()
    await task


async def test_stop_reaches_every_process_and_kills_the_stubborn(tmp_path: Path) -> None:
    polite = f"trap 'echo term > {tmp_path}/polite; exit 0' TERM; while true; do sleep 0.1; done"
    stubborn = "trap '' TERM; while true; do sleep 0.1; done"
    supervisor, out = _supervisor(tmp_path, {"polite": polite, "stubborn": stubborn})
    task = asyncio.create_task(supervisor.run())
    await _until(lambda: all(state.pid for state in supervisor.states.values()))
    await asyncio.sleep(0.3)
    pids = [state.pid for state in supervisor.states.values()]
    os.kill(os.getpid(), signal.SIGTERM)  # as `kill <supervisor>` or Ctrl-C would
    assert await asyncio.wait_for(task, 15) == 0
    assert (tmp_path / "polite").read_text().strip() == "term"
    assert "killing" in out.getvalue()
    assert not any(_alive(pid) for pid in pids)


async def test_a_configuration_refusal_stops_everything_with_78(tmp_path: Path) -> None:
    supervisor, out = _supervisor(tmp_path, {"rasa": "sleep 0.2; exit 78", "web": "sleep 30"})
    task = asyncio.create_task(supervisor.run())
    assert await asyncio.wait_for(task, 15) == 78
    assert supervisor.states["rasa"].starts == 1, "never retried"
    assert "refused its configuration" in out.getvalue()


def test_killing_the_supervisor_itself_takes_its_processes_along(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("one: sleep 60\ntwo: sleep 60\n")
    state_file = tmp_path / "state.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.supervise", "--procfile", str(procfile), "--state-file", str(state_file)],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        pids: list[int] = []
        while time.monotonic() < deadline and len(pids) < 2:
            time.sleep(0.1)
            if state_file.exists():
                processes = json.loads(state_file.read_text())["processes"].values()
                pids = [info["pid"] for info in processes if info["pid"]]
        assert len(pids) == 2
        process.kill()
        process.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pids)
    finally:
        process.kill()


def test_processes_run_where_told_not_beside_a_generated_procfile(tmp_path: Path) -> None:
    """`make run-prod` writes its Procfile under var/prod/ and runs it from the checkout."""
    procfile = tmp_path / "generated" / "Procfile"
    procfile.parent.mkdir()
    procfile.write_text(f"where: pwd > {tmp_path / 'where.txt'}; exit 78\n")
    # Without --cwd the process would run in generated/ (the Procfile's directory).
    result = subprocess.run(
        [sys.executable, "-m", "bot.supervise", "--procfile", str(procfile), "--cwd", str(PROJECT_ROOT),
         "--state-file", str(tmp_path / "state.json")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 78, result.stdout + result.stderr
    assert (tmp_path / "where.txt").read_text().strip() == str(PROJECT_ROOT)
