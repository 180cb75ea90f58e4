"""The two systems `make bench` measures, started on this machine's loopback.

- :func:`start_ours`: our whole stack exactly as `make run` starts it (the environment of
  ``bot.launch``, per-start secrets, our supervisor over the Procfile: Rasa, action server,
  web app, notifier) with the full demo data (5,000 customers × 24 months) in a temporary
  directory and the clock frozen at 27/11/2026 09:00 (as the e2e tests), so the scripts'
  answers do not depend on today. The demo database is generated once per version of its
  generator and kept in the cache (``$EVN_CACHE_DIR/bench``).
- :func:`start_stock`: the stock ``rasa init`` bot, created with ``rasa init --no-prompt``
  from the installed Rasa (no network), trained once and kept in the cache by a hash of
  its files and the Rasa version, served by ``rasa run --enable-api`` and its own
  ``rasa run actions`` (its endpoints.yml with the action endpoint uncommented).

Ports come from the bench range 7300-7399 (docs/operations.md), the first free ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.launch import launch_environment

FROZEN_NOW = "2026-11-27T09:00:00"
PORT_RANGE = range(7300, 7400)
READY_TIMEOUT_S = 300
KEEP_DEMO_DATABASES = 3
VENV_BIN = Path(sys.executable).parent
# What shapes the demo database (its cache key).
DEMO_INPUTS = ("bot/demo", "bot/db", "bot/domain", "data/demo", "data/tariffs.yml", "bot/importer")


def cache_dir() -> Path:
    base = os.environ.get("EVN_CACHE_DIR") or Path.home() / ".cache" / "evn-cskh"
    return Path(base) / "bench"


def _hash_tree(root: Path, names: tuple[str, ...], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for name in names:
        path = root / name
        if path.is_file():
            files = [path]
        else:
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            if "__pycache__" in file.parts or file.suffix in (".pyc", ".pyo"):
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_taken: set[int] = set()


def bench_port() -> int:
    """The first free port of the bench range (not handed out twice by this process)."""
    for port in PORT_RANGE:
        if port in _taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        with socket.socket() as probe:  # also free on every interface (Rasa binds 0.0.0.0)
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"no free port in {PORT_RANGE.start}-{PORT_RANGE.stop - 1}")


def http_get(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None, poll_s: float = 0.1) -> float:
    """Seconds until ``url`` answers 200 (RuntimeError after ``timeout``)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        if http_get(url, timeout=5) == 200:
            return time.monotonic() - started
        time.sleep(poll_s)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


# ------------------------------------------------------------------ processes


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of the largest process of ``pid``'s tree (the Python
    process itself: ``bash -c`` execs it or waits as a tiny parent)."""
    best = (0.0, 0.0)
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            status = (Path("/proc") / str(member) / "status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            rss = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
            hwm = int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
            if rss > best[0]:
                best = (rss, hwm)
    return best


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        raw = (Path("/proc") / str(pid) / "cmdline").read_bytes()
        return raw.replace(b"\0", b" ").decode(errors="replace")
    return ""


def _is_nlu_worker(pid: int) -> bool:
    """A process the Rasa server spawned for its NLU (bot.rasa.nlu_workers)."""
    return "multiprocessing.spawn" in _cmdline(pid)


def python_pid(pid: int) -> int:
    """The Python process of a ``bash -c`` command (the largest one of the tree, not
    counting the Rasa server's NLU workers)."""
    largest, size = pid, -1.0
    for member in process_tree(pid):
        if _is_nlu_worker(member):
            continue
        with contextlib.suppress(OSError):
            status = (Path("/proc") / str(member) / "status").read_text()
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
            if rss > size:
                largest, size = member, rss
    return largest


def python_processes(pids: dict[str, int]) -> dict[str, int]:
    """Each supervised process's Python process, and "nlu worker" (the Rasa server's, when
    it has one)."""
    found = {name: python_pid(pid) for name, pid in pids.items()}
    if "rasa" in found and (workers := nlu_worker_pids(found["rasa"])):
        found["nlu worker"] = workers[0]
    return found


def memory_by_process(pids: dict[str, int]) -> dict[str, tuple[float, float]]:
    """(resident, peak resident) MB of each supervised process, the NLU worker on its own."""
    return {name: process_memory_mb(pid) for name, pid in python_processes(pids).items()}


def nlu_worker_pids(pid: int) -> list[int]:
    """The NLU worker processes in ``pid``'s tree (the Rasa server's)."""
    return [member for member in process_tree(pid) if _is_nlu_worker(member)]


def process_memory_mb(pid: int) -> tuple[float, float]:
    with contextlib.suppress(OSError):
        status = (Path("/proc") / str(pid) / "status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return (
            int(fields.get("VmRSS", "0 kB").split()[0]) / 1024,
            int(fields.get("VmHWM", "0 kB").split()[0]) / 1024,
        )
    return (0.0, 0.0)


def _stop(process: subprocess.Popen, grace_s: float = 40) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# ------------------------------------------------------------------ our stack


@dataclass
class OurStack:
    env: dict[str, str]
    work: Path
    supervisor: subprocess.Popen
    ready_s: float = 0.0  # Rasa: process start -> GET / answers

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_ADMIN_PORT']}"

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def pids(self) -> dict[str, int]:
        state = json.loads((self.work / "var" / "run" / "processes.json").read_text())
        return {name: info["pid"] for name, info in state["processes"].items() if info.get("pid")}

    def started_at(self, name: str) -> float:
        state = json.loads((self.work / "var" / "run" / "processes.json").read_text())
        return float(state["processes"][name]["started_at"])

    def memory(self) -> dict[str, tuple[float, float]]:
        return memory_by_process(self.pids())

    def python_pids(self) -> dict[str, int]:
        return python_processes(self.pids())

    def log(self, name: str) -> str:
        path = self.work / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        _stop(self.supervisor)


def demo_database(log, root: Path = PROJECT_ROOT) -> Path:
    """A migrated SQLite file with the full demo data (clock frozen), made by the code of
    ``root`` (its migrations), from the cache."""
    key = _hash_tree(root, DEMO_INPUTS, FROZEN_NOW)
    cached = cache_dir() / f"demo-{key}.db"
    if cached.exists():
        os.utime(cached)  # recently used: kept by the pruning below
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    log(f"generating the demo database (5,000 customers × 24 months) -> {cached.name}")
    with tempfile.TemporaryDirectory(dir=cached.parent) as scratch:
        target = Path(scratch) / "utility.db"
        env = {
            **os.environ,
            "BOT_FROZEN_NOW": FROZEN_NOW,
            "DATABASE_URL": f"sqlite:///{target}",
            "BOT_VAR_DIR": scratch,
        }
        for args in (["db", "upgrade"], ["demo-data", "--allow-non-default-db"]):
            subprocess.run(
                [sys.executable, "-m", "bot", *args],
                cwd=root,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        os.replace(target, cached)
    # Each version of the generator makes its own file (55 MB): keep the last few used.
    older = sorted(cached.parent.glob("demo-*.db"), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in older[KEEP_DEMO_DATABASES:]:
        stale.unlink(missing_ok=True)
    return cached


def start_ours(
    work: Path, model: Path, log, extra_env: dict[str, str] | None = None, root: Path | None = None
) -> OurStack:
    """Our stack under the supervisor, as `make run` (see the module doc); ``root``: start
    it from another checkout (its Procfile and code; it needs its own ``.venv`` link)."""
    root = (root or PROJECT_ROOT).resolve()
    var = work / "var"
    var.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_database(log, root), var / "utility.db")
    values = {
        "BOT_VAR_DIR": str(var),
        "BOT_FROZEN_NOW": FROZEN_NOW,
        "RASA_PORT": str(bench_port()),
        "RASA_ADMIN_PORT": str(bench_port()),
        "ACTION_PORT": str(bench_port()),
        "WEB_PORT": str(bench_port()),
        "RASA_HOST": "127.0.0.1",
        "RASA_URL": "",
        "ACTION_SERVER_URL": "",
        "WEB_ORIGIN": "",
        "RASA_PUBLIC_URL": "",
        "DATABASE_URL": f"sqlite:///{var / 'utility.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{var / 'tracker.db'}",
        "EVENT_BROKER_URL": "",
        "LOCK_STORE_URL": "memory://",
        "MODEL_PATH": str(model),
        "RASA_TOKEN": "",
        "ACTION_SERVER_SECRET": "",
        "OPERATOR_TOKEN": "",
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra_env or {}),
    }
    env = launch_environment({**os.environ, **values})
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    state = var / "run" / "processes.json"
    command = [
        sys.executable,
        "-m",
        "bot.supervise",
        "--procfile",
        str(root / "Procfile"),
        "--log-dir",
        str(logs),
        "--state-file",
        str(state),
    ]
    out = open(logs / "supervisor.out", "wb")  # noqa: SIM115 - closed with the process
    supervisor = subprocess.Popen(
        command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    stack = OurStack(env, work, supervisor)
    try:
        wait_for(f"{stack.url}/", READY_TIMEOUT_S, supervisor)
        stack.ready_s = time.time() - stack.started_at("rasa")
        wait_for(f"http://127.0.0.1:{env['ACTION_PORT']}/health", 60, supervisor)
    except Exception:
        stack.stop()
        raise RuntimeError(f"our stack did not start:\n{stack.log('rasa')[-3000:]}") from None
    return stack


def rasa_ready_seconds(model: Path, env: dict[str, str], runs: int = 1) -> list[float]:
    """Start our Rasa server alone (cached model, the stack's environment) ``runs`` times:
    seconds from process start to ``GET /`` answering 200 (ready to take messages)."""
    seconds = []
    for _ in range(runs):
        port, admin = bench_port(), bench_port()
        started = time.monotonic()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.rasa.server",
                "--model",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--admin-port",
                str(admin),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/", READY_TIMEOUT_S, process, poll_s=0.05)
            seconds.append(time.monotonic() - started)
        finally:
            _stop(process)
            _taken.discard(port)
            _taken.discard(admin)
    return seconds


# ------------------------------------------------------------------ the stock bot


@dataclass
class StockBot:
    directory: Path
    model: Path
    port: int
    action_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ready_s: float = 0.0
    train_s: float | None = None  # None: taken from the cache

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory(self) -> dict[str, tuple[float, float]]:
        return {name: memory_mb(p.pid) for name, p in self.processes.items()}

    def python_pids(self) -> dict[str, int]:
        return {name: python_pid(p.pid) for name, p in self.processes.items()}

    def stop(self) -> None:
        for process in self.processes.values():
            _stop(process)


def _scaffold_path() -> Path:
    import rasa

    return Path(rasa.__file__).parent / "cli" / "initial_project"


def stock_project(log) -> tuple[Path, Path, float | None]:
    """(project directory, trained model, training seconds or None when cached)."""
    import rasa

    key = _hash_tree(_scaffold_path(), ("config.yml", "domain.yml", "data", "actions"), rasa.__version__)
    directory = cache_dir() / f"stock-{key}"
    model = directory / "models" / "stock.tar.gz"
    if model.exists():
        return directory, model, None
    log("creating and training the stock `rasa init` bot (once; cached)")
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    started = time.monotonic()
    with open(directory / "init.log", "wb") as out:
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(directory)],
            cwd=directory,
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    trained_s = time.monotonic() - started
    models = sorted((directory / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model: see {directory / 'init.log'}")
    os.replace(models[-1], model)
    return directory, model, trained_s


def start_stock(log) -> StockBot:
    directory, model, trained_s = stock_project(log)
    bot = StockBot(directory, model, bench_port(), bench_port(), train_s=trained_s)
    endpoints = directory / "endpoints-bench.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{bot.action_port}/webhook"\n')
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)

    def spawn(name: str, args: list[str]) -> subprocess.Popen:
        out = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            args, cwd=directory, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    bot.processes["actions"] = spawn(
        "actions", [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(bot.action_port)]
    )
    started = time.monotonic()
    bot.processes["rasa"] = spawn(
        "rasa",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--enable-api",
            "--interface",
            "127.0.0.1",
            "--port",
            str(bot.port),
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
        ],
    )
    try:
        bot.ready_s = wait_for(f"{bot.url}/", READY_TIMEOUT_S, bot.processes["rasa"]) + 0.0
        bot.ready_s = time.monotonic() - started
        # `GET /` answers before the model is loaded in `rasa run`: wait for a parse too.
        _wait_parse(bot.url)
        bot.ready_s = time.monotonic() - started
    except Exception:
        bot.stop()
        raise RuntimeError(f"the stock bot did not start: see {logs}") from None
    return bot


def _wait_parse(url: str, timeout: float = READY_TIMEOUT_S) -> None:
    started = time.monotonic()
    body = json.dumps({"text": "hello"}).encode()
    while time.monotonic() - started < timeout:
        request = urllib.request.Request(
            f"{url}/model/parse", data=body, headers={"Content-Type": "application/json"}
        )
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError, OSError),
            urllib.request.urlopen(request, timeout=10) as response,
        ):
            if response.status == 200 and json.loads(response.read()).get("intent"):
                return
        time.sleep(0.1)
    raise RuntimeError("the stock bot never parsed a message")
