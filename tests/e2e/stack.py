"""Start the whole stack (Rasa, action server, web app) on test ports for e2e tests.

The processes run exactly as under `make run` (same Procfile commands, same endpoints.yml),
with their own SQLite files in a temporary directory and the clock frozen through
BOT_FROZEN_NOW, so what a customer reads does not depend on today's date.
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
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT, runtime_environment

FROZEN_NOW = "2026-11-27T09:00:00"
READY_TIMEOUT_S = 240


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    session_tokens: dict[str, str] = field(default_factory=dict)  # REST sender id -> X-Session-Token

    @property
    def rasa_url(self) -> str:
        return self.env["RASA_URL"]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.env['WEB_PORT']}"

    @property
    def callback_port(self) -> int:
        """Where Rasa's callback channel posts the bot's messages (tests listen there)."""
        return int(self.env["CALLBACK_PORT"])

    def post_json(
        self, url: str, payload: dict, timeout: float = 30, headers: dict[str, str] | None = None
    ) -> tuple[int, object]:
        status, body, _ = self.post_json_with_headers(url, payload, timeout, headers)
        return status, body

    def post_json_with_headers(
        self, url: str, payload: dict, timeout: float = 30, headers: dict[str, str] | None = None
    ) -> tuple[int, object, dict[str, str]]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=sent)
        return _open_with_headers(request, timeout)

    def get_json(self, url: str, timeout: float = 10) -> tuple[int, object]:
        return _open(urllib.request.Request(url), timeout)

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

    def logs(self) -> str:
        return "\n".join(
            f"----- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )


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


def _procfile_commands() -> dict[str, str]:
    commands = {}
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    return commands


def _wait_until_ready(stack: Stack) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}\n{stack.logs()}")
        try:
            status, body = stack.get_json(f"{stack.web_url}/health", timeout=5)
            last = body
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = error
        time.sleep(1)
    raise RuntimeError(f"stack not ready after {READY_TIMEOUT_S} s: {last}\n{stack.logs()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_stack(tmp_dir: Path, model_path: Path) -> Stack:
    var_dir = tmp_dir / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    overrides = {
        "BOT_VAR_DIR": str(var_dir),
        "BOT_FROZEN_NOW": FROZEN_NOW,
        "RASA_PORT": str(_free_port()),
        "ACTION_PORT": str(_free_port()),
        "WEB_PORT": str(_free_port()),
        "CALLBACK_PORT": str(callback_port := _free_port()),
        "CALLBACK_URL": f"http://127.0.0.1:{callback_port}/bot",
        "RASA_URL": "", "ACTION_SERVER_URL": "", "WEB_ORIGIN": "",
        "DATABASE_URL": f"sqlite:///{var_dir / 'utility.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{var_dir / 'tracker.db'}",
        "LOCK_STORE_URL": "memory://",
        "RASA_TOKEN": "e2e-token",
        "MODEL_PATH": str(model_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env = runtime_environment({**os.environ, **overrides})
    stack = Stack(env=env, log_dir=tmp_dir / "logs")
    stack.log_dir.mkdir(exist_ok=True)
    prepare_database(env)
    for name, command in _procfile_commands().items():
        log = open(stack.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        stack.processes[name] = subprocess.Popen(
            ["bash", "-c", command], cwd=PROJECT_ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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
    """Each process runs in its own session: signal the shell and what it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop_stack(stack: Stack) -> None:
    for process in stack.processes.values():
        _signal_group(process, signal.SIGTERM)
    for process in stack.processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
