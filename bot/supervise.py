"""A small process supervisor for the embedded default: ``python -m bot.supervise``.

`make run` used honcho, which ends every process as soon as one exits: killing the action
server took the whole assistant down. This supervisor reads the same Procfile and

- starts each process (``bash -c COMMAND``, its own process group, killed with the
  supervisor even if the supervisor is killed: PR_SET_PDEATHSIG);
- restarts a process that exits, after 1 s, then 2, 4, ... up to 30 s while it keeps
  failing; a process that ran 60 s counts as healthy again (back to 1 s);
- does not restart a process that exits with 78 (EX_CONFIG: a refused secret, a bad
  setting): it stops everything and exits 78, since retrying cannot help;
- forwards Ctrl-C / SIGTERM to every process (SIGTERM to the group), waits up to 20 s,
  then SIGKILLs what is left; a second Ctrl-C kills at once;
- prefixes each output line with the time and the process name (``--log-dir`` also
  appends each process's raw output to ``DIR/<name>.log``);
- writes its state (pids, starts, restarts, last exit codes) to ``--state-file``
  (default ``$BOT_VAR_DIR/run/processes.json``), which tests and operators read.

In production the platform supervises (systemd ``Restart=always``, Kubernetes
``restartPolicy: Always`` with probes): see docs/operations.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.tokens import EXIT_CONFIG

BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 30.0
HEALTHY_AFTER_S = 60.0
STOP_GRACE_S = 20.0
LINE_LIMIT = 1024 * 1024
PR_SET_PDEATHSIG = 1


def read_procfile(path: Path) -> dict[str, str]:
    """``name: command`` lines; blank lines and ``#`` comments are skipped."""
    processes: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip() or not command.strip():
            raise ValueError(f"{path}:{number}: expected `name: command`, got {raw!r}")
        processes[name.strip()] = command.strip()
    return processes


def backoff_delay(failures: int) -> float:
    """Seconds to wait before restart number ``failures`` of a process failing in a row."""
    return min(BACKOFF_MAX_S, BACKOFF_START_S * 2 ** max(0, failures - 1))


def die_with_parent() -> None:
    """This process gets SIGTERM when its parent dies (Linux; elsewhere nothing). Runs in a
    supervised child between fork and exec, and in the Rasa server's NLU workers."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class ProcessState:
    name: str
    command: str
    pid: int | None = None
    started_at: float | None = None
    starts: int = 0
    last_exit: int | None = None
    failures_in_a_row: int = 0
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {
            "pid": self.pid, "started_at": self.started_at, "starts": self.starts,
            "restarts": max(0, self.starts - 1), "last_exit": self.last_exit,
        }


class Supervisor:
    def __init__(
        self, processes: dict[str, str], *, env: dict[str, str], cwd: Path,
        log_dir: Path | None = None, state_file: Path | None = None, out=None,
    ) -> None:
        self.states = {name: ProcessState(name, command) for name, command in processes.items()}
        self.env, self.cwd = env, cwd
        self.log_dir, self.state_file = log_dir, state_file
        self.out = out or sys.stdout
        self.stopping = asyncio.Event()
        self.exit_code = 0
        self._width = max((len(name) for name in processes), default=4)
        self._colour = hasattr(self.out, "isatty") and self.out.isatty()

    # ----------------------------------------------------------------- output

    def say(self, name: str, line: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        label = f"{name:<{self._width}}"
        if self._colour:
            code = 31 + sum(map(ord, name)) % 6
            label = f"\033[{code}m{label}\033[0m"
        with contextlib.suppress(OSError, ValueError):  # a closed terminal or pipe
            self.out.write(f"{stamp} {label} | {line}\n")
            self.out.flush()

    def note(self, line: str) -> None:
        self.say("supervisor", line)
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with open(self.log_dir / "supervisor.log", "a") as log_file:
                log_file.write(f"{time.strftime('%H:%M:%S')} {line}\n")

    async def _pump(self, state: ProcessState, stream: asyncio.StreamReader) -> None:
        log_file = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log_file = open(self.log_dir / f"{state.name}.log", "ab")  # noqa: SIM115 - closed below
        try:
            while True:
                try:
                    raw = await stream.readline()
                except ValueError:  # a line longer than LINE_LIMIT: take it in pieces
                    raw = await stream.read(LINE_LIMIT)
                if not raw:
                    return
                if log_file is not None:
                    log_file.write(raw)
                    log_file.flush()
                self.say(state.name, raw.decode(errors="replace").rstrip("\n"))
        finally:
            if log_file is not None:
                log_file.close()

    def write_state(self) -> None:
        if self.state_file is None:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "supervisor_pid": os.getpid(),
            "processes": {name: state.as_dict() for name, state in self.states.items()},
        }
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(body, indent=1))
        temporary.replace(self.state_file)

    # -------------------------------------------------------------- lifecycle

    async def _run_once(self, state: ProcessState) -> int:
        process = await asyncio.create_subprocess_exec(
            "bash", "-c", state.command, cwd=self.cwd, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True, preexec_fn=die_with_parent, limit=LINE_LIMIT,
        )
        state.process, state.pid = process, process.pid
        state.started_at, state.starts = time.time(), state.starts + 1
        self.write_state()
        pump = asyncio.create_task(self._pump(state, process.stdout))
        code = await process.wait()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(pump, 5)
        state.last_exit, state.process = code, None
        self.write_state()
        return code

    async def _keep_running(self, state: ProcessState) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            code = await self._run_once(state)
            if self.stopping.is_set():
                return
            uptime = time.monotonic() - started
            if code == EXIT_CONFIG:
                self.note(f"{state.name} refused its configuration (exit {code}); stopping everything")
                self.exit_code = EXIT_CONFIG
                self.stopping.set()
                return
            state.failures_in_a_row = 1 if uptime >= HEALTHY_AFTER_S else state.failures_in_a_row + 1
            delay = backoff_delay(state.failures_in_a_row)
            self.note(f"{state.name} exited with {code} after {uptime:.0f} s; restarting in {delay:.0f} s")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)

    def _signal_all(self, signum: int) -> None:
        for state in self.states.values():
            if state.process is not None and state.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(state.process.pid, signum)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        interrupts = 0

        def on_signal(signum: int) -> None:
            nonlocal interrupts
            interrupts += 1
            if interrupts > 1:
                self.note("second interrupt: killing every process now")
                self._signal_all(signal.SIGKILL)
            self.stopping.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal, signum)
        try:
            runners = [asyncio.create_task(self._keep_running(state)) for state in self.states.values()]
            await self.stopping.wait()
            self.note("stopping every process")
            self._signal_all(signal.SIGTERM)
            _done, pending = await asyncio.wait(runners, timeout=STOP_GRACE_S)
            if pending:
                self.note(f"still running after {STOP_GRACE_S:.0f} s: killing")
                self._signal_all(signal.SIGKILL)
                await asyncio.wait(pending, timeout=10)
            self.write_state()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        return self.exit_code


def default_state_file(env: dict[str, str]) -> Path:
    from bot.config import VAR_DIR

    return Path(env.get("BOT_VAR_DIR") or VAR_DIR) / "run" / "processes.json"


def main(argv: list[str] | None = None) -> int:
    from bot.config import PROJECT_ROOT

    parser = argparse.ArgumentParser(prog="python -m bot.supervise", description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", type=Path, default=PROJECT_ROOT / "Procfile")
    parser.add_argument("--log-dir", type=Path, default=None, help="also write DIR/<name>.log")
    parser.add_argument("--state-file", type=Path, default=None)
    parser.add_argument("--only", default="", help="comma-separated process names (default: all)")
    parser.add_argument(
        "--cwd", type=Path, default=None, help="working directory of the processes (default: the Procfile's)"
    )
    args = parser.parse_args(argv)
    processes = read_procfile(args.procfile)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - set(processes)
        if unknown:
            parser.error(f"not in {args.procfile}: {', '.join(sorted(unknown))}")
        processes = {name: command for name, command in processes.items() if name in wanted}
    env = dict(os.environ)
    supervisor = Supervisor(
        processes, env=env, cwd=(args.cwd or args.procfile.resolve().parent).resolve(), log_dir=args.log_dir,
        state_file=args.state_file or default_state_file(env),
    )
    return asyncio.run(supervisor.run())


if __name__ == "__main__":
    sys.exit(main())
