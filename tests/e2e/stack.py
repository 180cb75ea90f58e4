"""Start the whole stack (Rasa, action server, web app) on test ports for e2e tests.

The processes start exactly as under `make run`: the same environment defaults and
per-start secrets (bot.launch.launch_environment), the same supervisor over the same
Procfile (bot.launch.supervisor_command), the same endpoints.yml; with their own SQLite
files in a temporary directory and the clock frozen through BOT_FROZEN_NOW, so what a
customer reads does not depend on today's date.

URLs:
- ``stack.rasa_url``: Rasa's public listener (channel webhooks, socket.io), as customers
  reach it; ``stack.say`` posts there.
- ``stack.rasa_api_url``: Rasa's admin API on loopback (what the web app, the desk and the
  notices use as ``RASA_URL``); ``stack.rasa_api(path)`` adds the token.
- ``stack.web_url``: the web app.

Faults: ``stack.kill(name)`` kills one supervised process (rasa, actions, web);
``stack.wait_restarted(name, old_pid)`` waits until the supervisor has it running and
answering again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.launch import launch_environment, supervisor_command

FROZEN_NOW = "2026-11-27T09:00:00"
READY_TIMEOUT_S = 240
SECRETS = ("RASA_TOKEN", "ACTION_SERVER_SECRET", "OPERATOR_TOKEN")


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    session_tokens: dict[str, str] = field(default_factory=dict)  # REST sender id -> X-Session-Token

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def rasa_api_url(self) -> str:
        return self.env["RASA_URL"]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.env['WEB_PORT']}"

    @property
    def callback_port(self) -> int:
        """Where Rasa's callback channel posts the bot's messages (tests listen there)."""
        return int(self.env["CALLBACK_PORT"])

    @property
    def state_file(self) -> Path:
        return Path(self.env["BOT_VAR_DIR"]) / "run" / "processes.json"

    def rasa_api(self, path: str, **params: str) -> str:
        """A URL of the admin API with the token (``path`` starts with /)."""
        query = urllib.parse.urlencode({**params, "token": self.env["RASA_TOKEN"]})
        return f"{self.rasa_api_url}{path}?{query}"

    def post_json(
        self, url: str, payload: object, timeout: float = 30, headers: dict[str, str] | None = None
    ) -> tuple[int, object]:
        status, body, _ = self.post_json_with_headers(url, payload, timeout, headers)
        return status, body

    def post_json_with_headers(
        self, url: str, payload: object, timeout: float = 30, headers: dict[str, str] | None = None
    ) -> tuple[int, object, dict[str, str]]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=sent)
        return _open_with_headers(request, timeout)

    def get_json(
        self, url: str, timeout: float = 10, headers: dict[str, str] | None = None
    ) -> tuple[int, object]:
        return _open(urllib.request.Request(url, headers=headers or {}), timeout)

    def say(self, sender: str, message: str) -> list[dict]:
        """Send one customer message through the REST channel; return the bot's replies.

        The first message of a sender id gets a session token (X-Session-Token), sent back
        with every later message of that sender id."""
        token = self.session_tokens.get(sender)
        status, body, headers = self.post_json_with_headers(
            f"{self.rasa_url}/webhooks/rest/webhook",
            {"sender": sender, "message": message},
            headers={"X-Session-Token": token} if token else None,
        )
        assert status == 200, f"REST channel answered {status}: {body}"
        if headers.get("X-Session-Token"):
            self.session_tokens[sender] = headers["X-Session-Token"]
        assert isinstance(body, list)
        return body

    def operator_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.env['OPERATOR_TOKEN']}"}

    # ------------------------------------------------------------ processes

    def pids(self) -> dict[str, int | None]:
        """Current pid of each supervised process (from the supervisor's state file)."""
        state = json.loads(self.state_file.read_text())
        return {name: info["pid"] for name, info in state["processes"].items()}

    def starts(self, name: str) -> int:
        return json.loads(self.state_file.read_text())["processes"][name]["starts"]

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> int:
        """Kill one supervised process (its whole group); returns the pid killed."""
        pid = self.pids()[name]
        assert pid, f"{name} is not running"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        return pid

    def wait_restarted(self, name: str, old_pid: int, timeout: float = READY_TIMEOUT_S) -> float:
        """Wait until ``name`` runs again under a new pid and the stack answers; seconds taken."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            self._check_supervisor()
            with contextlib.suppress(OSError, ValueError, KeyError):
                pid = self.pids()[name]
                if pid and pid != old_pid and self.ready():
                    return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(f"{name} not back after {timeout:.0f} s\n{self.logs()}")

    def ready(self) -> bool:
        """Every part answers (health details) and so does Rasa's public channel port."""
        try:
            status, _body = self.get_json(
                f"{self.web_url}/health/details", timeout=5, headers=self.operator_headers()
            )
            public, _ = self.get_json(f"{self.rasa_url}/", timeout=5)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return status == 200 and public == 200

    def _check_supervisor(self) -> None:
        supervisor = self.processes["supervisor"]
        if supervisor.poll() is not None:
            raise RuntimeError(f"the supervisor exited with {supervisor.returncode}\n{self.logs()}")

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(
            f"----- {path.name}\n{path.read_text(errors='replace')[-tail:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )

    def process_log(self, name: str) -> str:
        """Everything process ``name`` wrote since the stack started (all its restarts)."""
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _open(request: urllib.request.Request, timeout: float) -> tuple[int, object]:
    status, body, _ = _open_with_headers(request, timeout)
    return status, body


def _open_with_headers(request: urllib.request.Request, timeout: float) -> tuple[int, object, dict[str, str]]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status, headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw, status, headers = error.read(), error.code, dict(error.headers)
    try:
        return status, json.loads(raw or b"null"), headers
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace"), headers


def _wait_until_ready(stack: Stack) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        stack._check_supervisor()
        if stack.state_file.exists() and stack.ready():
            return
        time.sleep(1)
    raise RuntimeError(f"stack not ready after {READY_TIMEOUT_S} s\n{stack.logs()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_free_port = free_port  # older name, kept for other tests


def stack_environment(tmp_dir: Path, model_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a test stack: `make run`'s, on free ports and temporary files."""
    var_dir = tmp_dir / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "BOT_VAR_DIR": str(var_dir),
        "BOT_FROZEN_NOW": FROZEN_NOW,
        "RASA_PORT": str(free_port()),
        "RASA_ADMIN_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "CALLBACK_PORT": str(callback_port := free_port()),
        "CALLBACK_URL": f"http://127.0.0.1:{callback_port}/bot",
        "RASA_URL": "", "ACTION_SERVER_URL": "", "WEB_ORIGIN": "", "RASA_PUBLIC_URL": "",
        "DATABASE_URL": f"sqlite:///{var_dir / 'utility.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{var_dir / 'tracker.db'}",
        "LOCK_STORE_URL": "memory://",
        "MODEL_PATH": str(model_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **{name: "" for name in SECRETS},  # generated per stack, as `make run` does
        **overrides,
    }
    return launch_environment({**os.environ, **values})


def start_stack(tmp_dir: Path, model_path: Path, **overrides: str) -> Stack:
    env = stack_environment(tmp_dir, model_path, **overrides)
    stack = Stack(env=env, log_dir=tmp_dir / "logs")
    stack.log_dir.mkdir(exist_ok=True)
    prepare_database(env)
    command = [*supervisor_command(), "--log-dir", str(stack.log_dir), "--state-file", str(stack.state_file)]
    log = open(stack.log_dir / "supervisor.out", "wb")  # noqa: SIM115 - closed with the process
    stack.processes["supervisor"] = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_until_ready(stack)
    except Exception:
        stop_stack(stack)
        raise
    return stack


def prepare_database(env: dict[str, str]) -> None:
    python = [sys.executable, "-m", "bot"]
    for args in (["db", "upgrade"], ["demo-data", "--customers", "300"]):
        result = subprocess.run(
            python + args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop_stack(stack: Stack) -> None:
    """SIGTERM to the supervisor, which stops its processes (as Ctrl-C under `make run`)."""
    for process in stack.processes.values():
        _signal_group(process, signal.SIGTERM)
    for process in stack.processes.values():
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
