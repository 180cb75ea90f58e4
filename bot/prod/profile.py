"""The production profile on one machine: what runs where, its environment, its secrets,
its databases, its Procfile (``make run-prod``, ``python -m bot.prod run``).

Layout (ports from ``PROD_PORT_BASE``, default 7400; the balancer listens on all
interfaces, everything else on loopback):

    balancer   nginx   base+80  public: /webhooks/ and /socket.io/ -> Rasa, the rest -> web app
                       base+81  Rasa admin API (web app, desk, notifier)      127.0.0.1
                       base+82  action servers (Rasa)                         127.0.0.1
    rasaN      base+10+N channels, base+20+N admin API
    actionsN   base+30+N
    web        base+40
    notify     (no port)

Shared state: PostgreSQL (utility data ``evn_cskh``, tracker store ``evn_cskh_tracker``,
role ``evn_cskh``), Redis (lock store /1, rate limits /2, widget pub/sub /3), RabbitMQ
(Rasa's Pika event broker -> the desk's durable queue). Every URL can be overridden by the
environment (the ``DATABASE_URL`` ... of the README); the ports cannot (the layout owns them).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import runtime_environment
from bot.tokens import generate_secret

DEFAULT_PORT_BASE = 7400
PG_ROLE = "evn_cskh"
DEFAULTS = {
    "DATABASE_URL": f"postgresql+psycopg2://{PG_ROLE}@127.0.0.1:5432/evn_cskh",
    "TRACKER_STORE_URL": f"postgresql://{PG_ROLE}@127.0.0.1:5432/evn_cskh_tracker",
    "LOCK_STORE_URL": "redis://127.0.0.1:6379/1",
    "RATE_LIMIT_URL": "redis://127.0.0.1:6379/2",
    "WEBCHAT_PUBSUB_URL": "redis://127.0.0.1:6379/3",
    "EVENT_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
}
PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
# Generated once into var/prod/secrets.env (0600) unless the environment sets them.
SECRETS = (
    "RASA_TOKEN", "ACTION_SERVER_SECRET", "OPERATOR_TOKEN", "WEBCHAT_SESSION_SECRET", "WEB_IDENTITY_SECRET",
)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Layout:
    """Where each process of the profile listens."""

    public_port: int
    admin_port: int
    actions_port: int
    rasa_ports: tuple[int, ...]
    rasa_admin_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    web_port: int
    public_host: str = "0.0.0.0"

    @classmethod
    def from_base(cls, base: int = DEFAULT_PORT_BASE, rasa: int = 2, actions: int = 2,
                  public_host: str = "0.0.0.0") -> Layout:
        if not (1 <= rasa <= 9 and 1 <= actions <= 9):
            raise ValueError("between 1 and 9 Rasa instances and action servers")
        return cls(
            public_port=base + 80, admin_port=base + 81, actions_port=base + 82,
            rasa_ports=tuple(base + 10 + n for n in range(1, rasa + 1)),
            rasa_admin_ports=tuple(base + 20 + n for n in range(1, rasa + 1)),
            action_ports=tuple(base + 30 + n for n in range(1, actions + 1)),
            web_port=base + 40, public_host=public_host,
        )

    @classmethod
    def on_free_ports(cls, rasa: int = 2, actions: int = 2) -> Layout:
        """Every port free now (tests); the balancer on loopback only."""
        ports = iter(free_ports(4 + 2 * rasa + actions))
        return cls(
            public_port=next(ports), admin_port=next(ports), actions_port=next(ports),
            rasa_ports=tuple(next(ports) for _ in range(rasa)),
            rasa_admin_ports=tuple(next(ports) for _ in range(rasa)),
            action_ports=tuple(next(ports) for _ in range(actions)),
            web_port=next(ports), public_host="127.0.0.1",
        )

    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.public_port}"

    @property
    def origins(self) -> str:
        return f"http://localhost:{self.public_port},http://127.0.0.1:{self.public_port}"


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free right now (held open together, so never the same twice)."""
    probes = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            probes.append(probe)
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


# ------------------------------------------------------------------ environment


def load_or_create_secrets(path: Path) -> dict[str, str]:
    """The profile's secrets, generated once (256 random bits each) and kept in ``path``
    (0600), so widget sessions and linked web users survive a restart."""
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip() in SECRETS and value.strip():
                known[name.strip()] = value.strip()
    missing = [name for name in SECRETS if name not in known]
    if missing:
        for name in missing:
            known[name] = generate_secret()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{name}={known[name]}\n" for name in SECRETS))
        os.chmod(path, 0o600)
    return known


def production_environment(
    layout: Layout, environ: Mapping[str, str], secrets: Mapping[str, str]
) -> dict[str, str]:
    """The environment of every process of the profile. URLs of the shared services and
    secrets: the environment's when set, else the profile's; ports: the layout's."""
    env = dict(environ)

    def keep_or(name: str, value: str) -> None:
        if not env.get(name, "").strip():
            env[name] = value

    for name, value in DEFAULTS.items():
        keep_or(name, value)
    # Two instances on one machine already keep its cores busy: each parses in its own
    # process unless told otherwise (give each instance 1 NLU worker on machines of their own).
    keep_or("RASA_NLU_WORKERS", "0")
    for name in SECRETS:
        keep_or(name, secrets[name])
    env.update(
        BOT_ENV="production",
        RASA_HOST="127.0.0.1",  # only the balancer is reachable from outside
        RASA_ADMIN_HOST="127.0.0.1",
        RASA_PROXIES_COUNT="1",  # the balancer: its X-Forwarded-For is the client
        RASA_EARLY_BIND="false",  # a restarting instance refuses: the balancer uses the other one
        RASA_URL=f"http://127.0.0.1:{layout.admin_port}",
        ACTION_HOST="127.0.0.1",
        ACTION_SERVER_URL=f"http://127.0.0.1:{layout.actions_port}/webhook",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(layout.web_port),
        WEB_ORIGIN=layout.origins,
        RASA_PUBLIC_URL=layout.public_url,
        WEBCHAT_SOCKET_URL=layout.public_url,
        # Per-process ports are set on each Procfile line; these are the first instance's.
        RASA_PORT=str(layout.rasa_ports[0]),
        RASA_ADMIN_PORT=str(layout.rasa_admin_ports[0]),
        ACTION_PORT=str(layout.action_ports[0]),
    )
    if env.get("LOG_LEVEL", "").strip().upper() == "DEBUG":
        env["LOG_LEVEL"] = "INFO"
    return runtime_environment(env)


def refusals(env: Mapping[str, str]) -> list[str]:
    """What in ``env`` the production profile cannot run with."""
    wanted = {
        "DATABASE_URL": ("postgresql", "PostgreSQL"), "TRACKER_STORE_URL": ("postgresql", "PostgreSQL"),
        "LOCK_STORE_URL": ("redis", "Redis (the instances share it)"),
        "RATE_LIMIT_URL": ("redis", "Redis (the instances share it)"),
        "WEBCHAT_PUBSUB_URL": ("redis", "Redis (the instances share it)"),
        "EVENT_BROKER_URL": ("amqp", "RabbitMQ"),
    }
    problems = []
    for name, (scheme, what) in wanted.items():
        if not urlsplit(env[name]).scheme.startswith(scheme):  # also postgresql+psycopg2, rediss, amqps
            shown = without_password(env[name])
            problems.append(f"{name} must be {what} in the production profile, not {shown}")
    return problems


def without_password(url: str) -> str:
    """A URL without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


# ------------------------------------------------------------------ PostgreSQL


def _database_and_role(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    database, role = parts.path.lstrip("/").split("?")[0], parts.username or ""
    for name, value in (("database", database), ("role", role)):
        if not _IDENTIFIER.match(value):
            raise ValueError(f"{without_password(url)}: the {name} name must be a lower-case identifier")
    return database, role


def ensure_databases(urls: list[str], admin_url: str = PG_ADMIN_URL) -> list[str]:
    """Create the roles (LOGIN, no password: trust or the URL's password applies) and the
    databases of ``urls`` that do not exist yet, through a superuser connection. Returns
    what was created."""
    from sqlalchemy import create_engine, text

    wanted = [_database_and_role(url) for url in urls]
    created: list[str] = []
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            for database, role in wanted:
                has_role = text("SELECT 1 FROM pg_roles WHERE rolname = :r")
                if not connection.execute(has_role, {"r": role}).first():
                    connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
                    created.append(f"role {role}")
                exists = text("SELECT 1 FROM pg_database WHERE datname = :d")
                if not connection.execute(exists, {"d": database}).first():
                    connection.execute(text(f'CREATE DATABASE "{database}" OWNER "{role}" ENCODING \'UTF8\''))
                    created.append(f"database {database}")
    finally:
        engine.dispose()
    return created


def drop_databases(urls: list[str], admin_url: str = PG_ADMIN_URL) -> None:
    """Drop the databases of ``urls`` (tests), closing what is still connected."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            for url in urls:
                database, _role = _database_and_role(url)
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": database},
                )
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
    finally:
        engine.dispose()


# ------------------------------------------------------------------ services


def _tcp_open(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def service_problems(env: Mapping[str, str]) -> list[str]:
    """Why a shared service of the profile cannot be used (empty: all answer)."""
    problems: list[str] = []
    from sqlalchemy import create_engine, text

    for name in ("DATABASE_URL", "TRACKER_STORE_URL"):
        engine = create_engine(env[name], connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            first = str(getattr(error, "orig", error)).strip().splitlines()[0]
            problems.append(f"PostgreSQL ({name}={without_password(env[name])}): {first}")
        finally:
            engine.dispose()
    import redis

    for name in ("LOCK_STORE_URL", "RATE_LIMIT_URL", "WEBCHAT_PUBSUB_URL"):
        try:
            redis.Redis.from_url(env[name], socket_connect_timeout=2).ping()
        except Exception as error:
            problems.append(f"Redis ({name}={without_password(env[name])}): {type(error).__name__}: {error}")
    broker = urlsplit(env["EVENT_BROKER_URL"])
    if not _tcp_open(broker.hostname or "127.0.0.1", broker.port or 5672):
        problems.append(f"RabbitMQ ({without_password(env['EVENT_BROKER_URL'])}): nothing listens there")
    return problems


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )


# ------------------------------------------------------------------ processes


def procfile(layout: Layout, python: str, nginx: str, nginx_prefix: Path) -> str:
    """The Procfile the supervisor runs: each instance on its ports, then the balancer."""
    py = shlex.quote(python)
    lines = ["# Generated by python -m bot.prod (bot/prod/profile.py): the production profile's processes."]
    for number, (port, admin) in enumerate(zip(layout.rasa_ports, layout.rasa_admin_ports, strict=True), 1):
        lines.append(f"rasa{number}: RASA_PORT={port} RASA_ADMIN_PORT={admin} exec {py} -m bot.rasa.server")
    for number, port in enumerate(layout.action_ports, 1):
        lines.append(f"actions{number}: ACTION_PORT={port} exec {py} -m bot.rasa.action_server")
    lines.append(f"web: exec {py} -m bot.web")
    lines.append(f"notify: exec {py} -m bot notify run")
    prefix = shlex.quote(str(nginx_prefix))
    conf = shlex.quote(str(nginx_prefix / "nginx.conf"))
    lines.append(f"balancer: exec {shlex.quote(nginx)} -p {prefix} -c {conf} -e stderr -g 'daemon off;'")
    return "\n".join(lines) + "\n"
