"""The production profile on free ports, for the whole-stack tests and `make bench`:
`make run-prod`'s own preparation (bot.prod.launch.prepare) and supervisor, with databases,
a queue and a pub/sub channel of its own, removed afterwards.

- PostgreSQL: databases ``evn_<name>_<run>`` (utility data, 300 demo customers) and
  ``evn_<name>_<run>_tracker``, owned by the profile's role, dropped at the end;
- Redis: lock store /11, rate limits /12, widget pub/sub /13 on a channel of its own;
- RabbitMQ: the desk's durable queue ``evn_desk_<name>_<run>``, deleted at the end;
- nginx, N Rasa instances (2), N action servers (2), the web app and the notifier under the
  supervisor, BOT_ENV=production, fresh strong secrets, the clock frozen when asked.

``unavailable()`` says which of PostgreSQL, Redis, RabbitMQ and nginx is missing (tests
skip with that reason).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.prod import launch, profile
from bot.tokens import generate_secret

READY_TIMEOUT_S = 300
ADMIN_URL = os.environ.get("PROD_POSTGRES_ADMIN_URL") or profile.PG_ADMIN_URL


def _open(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def unavailable() -> str | None:
    """Why the production profile cannot run here (None: it can)."""
    missing = []
    if profile.nginx_binary() is None:
        missing.append("nginx is not installed (tools/ensure-nginx.sh)")
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379), ("RabbitMQ", 5672)):
        if not _open("127.0.0.1", port):
            missing.append(f"{name} is not running on 127.0.0.1:{port} (tools/ensure-services.sh)")
    return "; ".join(missing) or None


@dataclass
class ProdStack:
    prepared: launch.Prepared
    log_dir: Path
    run: str
    supervisor: subprocess.Popen | None = None
    session_tokens: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return self.prepared.env

    @property
    def layout(self) -> profile.Layout:
        return self.prepared.layout

    @property
    def url(self) -> str:
        """The balancer's public listener."""
        return f"http://127.0.0.1:{self.layout.public_port}"

    @property
    def origin(self) -> str:
        return self.layout.public_url

    def admin_url(self, instance: int, path: str, **params: str) -> str:
        """A URL of one Rasa instance's admin API (not through the balancer), with the token."""
        query = urllib.parse.urlencode({**params, "token": self.env["RASA_TOKEN"]})
        return f"http://127.0.0.1:{self.layout.rasa_admin_ports[instance]}{path}?{query}"

    def pids(self) -> dict[str, int | None]:
        state = json.loads(self.prepared.state_file.read_text())
        return {name: info["pid"] for name, info in state["processes"].items()}

    def kill(self, name: str, port: int) -> int:
        """SIGKILL one supervised process; returns once its ``port`` refuses connections (a
        dying Rasa keeps its sockets until its last thread is gone, ~0.2 s after the
        process looks dead: what arrives meanwhile is accepted, then reset)."""
        pid = self.pids()[name]
        assert pid, f"{name} is not running"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            except ConnectionRefusedError:
                return pid
            except OSError:
                pass
            time.sleep(0.01)
        raise AssertionError(f"{name} still accepts connections on {port} 10 s after SIGKILL")

    def access_log(self) -> list[dict[str, str]]:
        """The balancer's access log: port, method, path, status, upstream of each request."""
        entries = []
        for line in self.prepared.access_log.read_text(errors="replace").splitlines():
            head, sep, tried = line.partition(" upstream=")
            parts = head.split()
            if sep and len(parts) >= 5:
                servers = [server.strip() for server in tried.split(",") if server.strip()]
                entries.append({
                    "port": parts[1], "method": parts[2], "path": parts[3], "status": parts[4],
                    "upstream": servers[-1] if servers else "-", "tried": servers,
                })
        return entries

    def upstreams(self, port: int, path_prefix: str = "", since: int = 0) -> Counter:
        """Requests to the balancer's ``port`` by the server that answered them (entries of
        the access log from number ``since`` on)."""
        return Counter(
            entry["upstream"] for entry in self.access_log()[since:]
            if entry["port"] == str(port) and entry["path"].startswith(path_prefix)
        )

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(
            f"----- {path.name}\n{path.read_text(errors='replace')[-tail:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )

    def ready(self) -> bool:
        try:
            for port in self.layout.rasa_ports:  # every instance, not just one behind the balancer
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    if answer.status != 200:
                        return False
            operator = {"Authorization": f"Bearer {self.env['OPERATOR_TOKEN']}"}
            request = urllib.request.Request(f"{self.url}/health/details", headers=operator)
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False


def start_prod_stack(
    tmp_dir: Path, model_path: Path, *, frozen_now: str = "", rasa: int = 2, actions: int = 2,
    name: str = "prodtest",
) -> ProdStack:
    run = uuid.uuid4().hex[:8]
    layout = profile.Layout.on_free_ports(rasa=rasa, actions=actions)
    database = f"evn_{name}_{run}"
    overrides = {
        "BOT_VAR_DIR": str(tmp_dir / "var"),
        "BOT_FROZEN_NOW": frozen_now,
        "DATABASE_URL": f"postgresql+psycopg2://{profile.PG_ROLE}@127.0.0.1:5432/{database}",
        "TRACKER_STORE_URL": f"postgresql://{profile.PG_ROLE}@127.0.0.1:5432/{database}_tracker",
        "LOCK_STORE_URL": "redis://127.0.0.1:6379/11",
        "RATE_LIMIT_URL": "redis://127.0.0.1:6379/12",
        "WEBCHAT_PUBSUB_URL": "redis://127.0.0.1:6379/13",
        "WEBCHAT_PUBSUB_CHANNEL": f"evncskh-webchat-{name}-{run}",
        "EVENT_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
        "DESK_EVENTS_QUEUE": f"evn_desk_{name}_{run}",
        "CALLBACK_URL": "", "LOG_LEVEL": "INFO",
    }
    secrets = {name: generate_secret() for name in profile.SECRETS}
    env = profile.production_environment(layout, {**os.environ, **overrides}, secrets)
    (tmp_dir / "var").mkdir(parents=True, exist_ok=True)
    log_dir = tmp_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    prepared = launch.prepare(
        layout, env, tmp_dir / "prod", model_path=model_path, demo_customers=300, admin_url=ADMIN_URL,
        say=lambda _line: None,
    )
    stack = ProdStack(prepared, log_dir, run)
    out = open(log_dir / "supervisor.out", "wb")  # noqa: SIM115 - closed with the process
    stack.supervisor = subprocess.Popen(
        launch.supervisor_command(prepared, log_dir), cwd=PROJECT_ROOT, env=prepared.env,
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        while not stack.ready():
            if stack.supervisor.poll() is not None:
                code = stack.supervisor.returncode
                raise RuntimeError(f"the supervisor exited with {code}\n{stack.logs()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the profile was not ready after {READY_TIMEOUT_S} s\n{stack.logs()}")
            time.sleep(1)
    except BaseException:
        stop_prod_stack(stack)
        raise
    return stack


def stop_prod_stack(stack: ProdStack) -> None:
    """As Ctrl-C: SIGTERM to the supervisor, which stops every process; then remove the
    databases, the queue and the Redis keys of this run."""
    process = stack.supervisor
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(Exception):
        profile.drop_databases([stack.env["DATABASE_URL"], stack.env["TRACKER_STORE_URL"]], ADMIN_URL)
    with contextlib.suppress(Exception):
        _delete_queue(stack.env["DESK_EVENTS_QUEUE"])


def _delete_queue(name: str) -> None:
    import asyncio

    import aio_pika

    async def delete() -> None:
        connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/", timeout=5)
        async with connection:
            await (await connection.channel()).queue_delete(name)

    asyncio.run(delete())
