"""`make run` and `make shell`: prepare everything, then start the processes.

    python -m bot.launch run [--demo-data]   # model, database, demo data, then the Procfile
                                             # under our supervisor (bot.supervise)
    python -m bot.launch shell               # talk to the bot in the terminal
    python -m bot.launch prepare             # model + database only (used by tests)

Preparation: fills in the environment defaults (bot.config.runtime_environment), trains
the model only if its inputs changed (bot.modelcache), migrates the database, and loads
the demo data only into the embedded default database (or when --demo-data is given);
never into a configured production database.

Secrets: in development every missing secret (RASA_TOKEN, ACTION_SERVER_SECRET,
OPERATOR_TOKEN) is generated per start and handed to the processes through the
environment (bot.tokens.with_development_secrets); in production (BOT_ENV=production)
nothing is generated and the processes refuse weak or missing ones.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT, VAR_DIR, default_database_url, runtime_environment
from bot.tokens import with_development_secrets

VENV_BIN = Path(sys.executable).parent


def _python_m(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env, check=True)


def _database_is_empty(env: dict[str, str]) -> bool:
    from sqlalchemy import func, select

    from bot.db.models import Customer
    from bot.db.session import session_scope

    with session_scope(env["DATABASE_URL"]) as session:
        return session.execute(select(func.count()).select_from(Customer)).scalar_one() == 0


def prepare(env: dict[str, str], demo_data: bool) -> dict[str, str]:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    from bot.modelcache import ensure_model

    env["MODEL_PATH"] = str(ensure_model())
    _python_m("bot", "db", "upgrade", env=env)
    embedded = env["DATABASE_URL"] == default_database_url()
    if demo_data or (embedded and _database_is_empty(env)):
        flags = [] if embedded else ["--allow-non-default-db"]
        _python_m("bot", "demo-data", *flags, env=env)
    elif not embedded:
        print("Configured database: demo data not loaded (use --demo-data to ask for it).")
    if embedded:  # a demo agent and supervisor for the desk, their logins printed
        _python_m("bot", "desk", "demo-accounts", env=env)
    return env


def launch_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every process of `make run` gets: defaults, then per-start secrets."""
    return with_development_secrets(runtime_environment(environ))


def supervisor_command() -> list[str]:
    """How `make run` (and the e2e harness) start the Procfile's processes."""
    return [sys.executable, "-m", "bot.supervise", "--procfile", str(PROJECT_ROOT / "Procfile")]


def _print_urls(env: dict[str, str]) -> None:
    operator = env.get("OPERATOR_TOKEN", "")
    print(
        "\nStarting the assistant (Ctrl-C stops everything; a crashed process is restarted):\n"
        f"  Channels (REST, socket.io):  http://localhost:{env['RASA_PORT']}\n"
        f"    try: curl -s -X POST localhost:{env['RASA_PORT']}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' -d '{\"sender\":\"demo\",\"message\":\"xin chào\"}'\n"
        f"  Rasa admin API (loopback):   {env['RASA_URL']}  (token generated for this run)\n"
        f"  Action server (loopback):    http://127.0.0.1:{env['ACTION_PORT']}\n"
        f"  Web app:                     http://localhost:{env['WEB_PORT']}\n"
        f"  Health:                      http://localhost:{env['WEB_PORT']}/health\n"
        f"  Agent desk:                  http://localhost:{env['WEB_PORT']}/desk "
        "(demo logins above; accounts: python -m bot desk add-agent)\n"
        + (
            f"  Health details (this run):   curl -H 'Authorization: Bearer {operator}' "
            f"localhost:{env['WEB_PORT']}/health/details\n"
            if env.get("BOT_ENV", "") != "production" and operator else ""
        ),
        flush=True,
    )


def run(demo_data: bool) -> None:
    env = prepare(launch_environment(), demo_data)
    _print_urls(env)
    os.chdir(PROJECT_ROOT)
    command = supervisor_command()
    os.execve(command[0], command, env)


def shell() -> None:
    """rasa shell on its own loopback ports (5006 / 5056), so it runs beside `make run`."""
    env = launch_environment()
    env["ACTION_PORT"] = env.get("SHELL_ACTION_PORT", "5056")
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{env['ACTION_PORT']}/webhook"
    env = prepare(env, demo_data=False)
    actions = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa.action_server", "--port", env["ACTION_PORT"]],
        cwd=PROJECT_ROOT, env=env,
    )
    try:
        subprocess.run(
            [
                str(VENV_BIN / "rasa"), "shell", "--model", env["MODEL_PATH"], "--interface", "127.0.0.1",
                "--port", env.get("SHELL_RASA_PORT", "5006"), "--endpoints", "endpoints.yml",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            check=False,
        )
    finally:
        actions.terminate()
        actions.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launch")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument(
        "--demo-data", action="store_true", help="load demo data even into a configured database"
    )
    sub.add_parser("shell")
    sub.add_parser("prepare")
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.demo_data)
    elif args.command == "shell":
        shell()
    else:
        prepare(runtime_environment(), demo_data=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
