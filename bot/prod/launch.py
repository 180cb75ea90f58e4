"""Prepare and start the production profile (``make run-prod``); the e2e test starts it
through the same functions on free ports.

    prepare()  environment, databases (created if missing, migrated, demo data when
               empty), the model, the balancer's configuration (checked by ``nginx -t``),
               the Procfile
    then       ``python -m bot.supervise`` over that Procfile: Ctrl-C stops everything
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.prod import profile
from bot.prod.nginx import Balancer, render


class ProfileError(RuntimeError):
    """The profile cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Prepared:
    layout: profile.Layout
    env: dict[str, str]
    directory: Path  # var/prod (or a test's directory)
    demo_loaded: bool

    @property
    def procfile(self) -> Path:
        return self.directory / "Procfile"

    @property
    def nginx_prefix(self) -> Path:
        return self.directory / "nginx"

    @property
    def access_log(self) -> Path:
        return self.nginx_prefix / "access.log"

    @property
    def state_file(self) -> Path:
        return self.directory / "run" / "processes.json"


def balancer_for(layout: profile.Layout, run_dir: Path | None) -> Balancer:
    loopback = "127.0.0.1"
    return Balancer(
        listen=f"{layout.public_host}:{layout.public_port}",
        admin_listen=f"{loopback}:{layout.admin_port}",
        actions_listen=f"{loopback}:{layout.actions_port}",
        rasa_channels=tuple(f"{loopback}:{port}" for port in layout.rasa_ports),
        rasa_admin=tuple(f"{loopback}:{port}" for port in layout.rasa_admin_ports),
        actions=tuple(f"{loopback}:{port}" for port in layout.action_ports),
        web=(f"{loopback}:{layout.web_port}",),
        run_dir=str(run_dir) if run_dir else None,
    )


def _python_m(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        raise ProfileError(f"python -m {' '.join(args)} failed:\n{output}")
    return result.stdout


def _customers(env: dict[str, str]) -> int:
    from sqlalchemy import func, select

    from bot.db.models import Customer
    from bot.db.session import dispose_engines, session_scope

    try:
        with session_scope(env["DATABASE_URL"]) as session:
            return session.execute(select(func.count()).select_from(Customer)).scalar_one()
    finally:
        dispose_engines()


def prepare(
    layout: profile.Layout,
    env: dict[str, str],
    directory: Path,
    *,
    model_path: Path | None = None,
    demo_customers: int | None = None,
    load_demo: bool = True,
    admin_url: str = profile.PG_ADMIN_URL,
    say=print,
) -> Prepared:
    """Everything before the processes start. ``env`` comes from
    :func:`profile.production_environment`. Raises :class:`ProfileError` with the reason."""
    problems = profile.refusals(env)
    nginx = profile.nginx_binary()
    if nginx is None:
        problems.append("nginx is not installed: run tools/ensure-nginx.sh (Debian's nginx)")
    if problems:
        raise ProfileError("\n".join(problems))
    urls = [env["DATABASE_URL"], env["TRACKER_STORE_URL"]]
    try:
        created = profile.ensure_databases(urls, admin_url)
    except Exception as error:
        first = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise ProfileError(
            f"cannot create the databases through {profile.without_password(admin_url)}: {first}\n"
            "Is PostgreSQL running? tools/ensure-services.sh starts it when it is installed."
        ) from error
    if created:
        say(f"PostgreSQL: created {', '.join(created)}")
    problems = profile.service_problems(env)
    if problems:
        raise ProfileError(
            "\n".join(problems)
            + "\ntools/ensure-services.sh starts PostgreSQL, Redis and RabbitMQ when they are installed."
        )
    if model_path is None:
        from bot.modelcache import ensure_model

        say("Model: training if its inputs changed (cached otherwise)...")
        model_path = ensure_model()
    env["MODEL_PATH"] = str(model_path)
    _python_m(["bot", "db", "upgrade"], env)
    demo_loaded = False
    if load_demo and _customers(env) == 0:
        say("PostgreSQL: loading the demo data (first start only)...")
        extra = ["--customers", str(demo_customers)] if demo_customers else []
        _python_m(["bot", "demo-data", "--allow-non-default-db", *extra], env)
        demo_loaded = True
    prepared = Prepared(layout, env, directory, demo_loaded)
    prepared.nginx_prefix.mkdir(parents=True, exist_ok=True)
    (prepared.nginx_prefix / "tmp").mkdir(exist_ok=True)
    conf = prepared.nginx_prefix / "nginx.conf"
    conf.write_text(render(balancer_for(layout, prepared.nginx_prefix)), encoding="utf-8")
    check = subprocess.run(
        [nginx, "-t", "-q", "-p", str(prepared.nginx_prefix), "-c", str(conf), "-e", "stderr"],
        capture_output=True, text=True, check=False,
    )
    if check.returncode != 0:
        raise ProfileError(f"nginx refused {conf}:\n{check.stderr}")
    prepared.procfile.write_text(
        profile.procfile(layout, sys.executable, nginx, prepared.nginx_prefix), encoding="utf-8"
    )
    return prepared


def supervisor_command(prepared: Prepared, log_dir: Path | None = None) -> list[str]:
    command = [
        sys.executable, "-m", "bot.supervise", "--procfile", str(prepared.procfile),
        "--cwd", str(PROJECT_ROOT), "--state-file", str(prepared.state_file),
    ]
    return [*command, "--log-dir", str(log_dir)] if log_dir else command


def summary(prepared: Prepared) -> str:
    layout, env = prepared.layout, prepared.env
    lines = [
        "",
        f"Production profile (BOT_ENV=production): {len(layout.rasa_ports)} Rasa instance(s), "
        f"{len(layout.action_ports)} action server(s), web app, notifier, nginx balancer.",
        "Ctrl-C stops everything; a crashed process is restarted.",
        f"  Balancer:        {layout.public_url}  (channels /webhooks/, widget /socket.io/, web app)",
        f"    try: curl -si -X POST {layout.public_url}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' -d '{\"sender\":\"demo\",\"message\":\"xin chào\"}'",
        f"    widget: {layout.public_url}/   desk: {layout.public_url}/desk   "
        f"health: {layout.public_url}/health",
        f"  Rasa admin API:  {env['RASA_URL']} (balanced, loopback; "
        f"token in {prepared.directory}/secrets.env)",
        f"  Action servers:  {env['ACTION_SERVER_URL']} (balanced, loopback)",
        "  Instances:       "
        + ", ".join(
            f"rasa{n} 127.0.0.1:{port} (admin {admin})"
            for n, (port, admin) in enumerate(zip(layout.rasa_ports, layout.rasa_admin_ports, strict=True), 1)
        )
        + "; "
        + ", ".join(f"actions{n} 127.0.0.1:{port}" for n, port in enumerate(layout.action_ports, 1))
        + f"; web 127.0.0.1:{layout.web_port}",
        f"  PostgreSQL:      utility {profile.without_password(env['DATABASE_URL'])}",
        f"                   tracker store {profile.without_password(env['TRACKER_STORE_URL'])}",
        f"  Redis:           locks {env['LOCK_STORE_URL']}, rate limits {env['RATE_LIMIT_URL']}, "
        f"widget pub/sub {env['WEBCHAT_PUBSUB_URL']}",
        f"  RabbitMQ:        {profile.without_password(env['EVENT_BROKER_URL'])} "
        f"(queue {env.get('DESK_EVENTS_QUEUE') or 'evn_desk_events'})",
        f"  Balancer log:    {prepared.access_log}",
        f"  Load test:       python -m bot.prod load --url {layout.public_url} --customers 20 --seconds 60",
        "  Desk account:    python -m bot desk add-agent lan --name Lan "
        f"--database-url {profile.without_password(env['DATABASE_URL'])}",
        "",
    ]
    return "\n".join(lines)
