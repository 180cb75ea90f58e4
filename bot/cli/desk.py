"""``python -m bot desk ...``: agent-desk accounts.

    desk add-agent USERNAME --name "Lan" [--role agent|supervisor] [--password-stdin]
    desk set-password USERNAME [--password-stdin]
    desk deactivate USERNAME | desk activate USERNAME
    desk list
    desk demo-accounts        # embedded default database only: a demo agent and supervisor

Without ``--password-stdin`` the password is asked twice on a terminal, or, when there is
no terminal, a random one is made and printed once. Every command takes
``--database-url URL`` (default: DATABASE_URL or var/utility.db).
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli.common import CommandError, subcommand_adder
from bot.config import VAR_DIR, default_database_url
from bot.services import desk_auth, unit_of_work
from bot.services.desk_auth import AccountError

DEMO_FILE = "desk-demo-accounts.txt"
DEMO_ACCOUNTS = (("tuvanvien", "Lan", "agent"), ("giamsat", "Chị Hoa", "supervisor"))


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu (ít nhất 10 ký tự): ")
        if first != getpass.getpass("Nhập lại mật khẩu: "):
            raise CommandError("the two passwords differ")
        return first, False
    return secrets.token_urlsafe(12), True


def _add(args: argparse.Namespace) -> int:
    password, generated = _password(args)
    with unit_of_work(args.database_url) as uow:
        agent = desk_auth.create_agent(uow, args.username, args.name, password, args.role)
    print(f"Created {agent.role} {agent.username!r} ({agent.display_name}).")
    if generated:
        print(f"Password (shown once): {password}")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    password, generated = _password(args)
    with unit_of_work(args.database_url) as uow:
        agent = desk_auth.set_password(uow, args.username, password)
    print(f"Password of {agent.username!r} changed; their sessions are closed.")
    if generated:
        print(f"Password (shown once): {password}")
    return 0


def _active(value: bool):
    def run(args: argparse.Namespace) -> int:
        with unit_of_work(args.database_url) as uow:
            agent = desk_auth.set_active(uow, args.username, value)
        print(f"{agent.username!r} is now {'active' if value else 'deactivated (logged out)'}.")
        return 0

    return run


def _list(args: argparse.Namespace) -> int:
    with unit_of_work(args.database_url) as uow:
        agents = desk_auth.list_agents(uow)
    if not agents:
        print("No desk accounts (create one: python -m bot desk add-agent USERNAME --name NAME).")
    for agent in agents:
        state = "" if agent.active else "  (deactivated)"
        print(f"{agent.username:<20} {agent.role:<11} {agent.display_name}{state}")
    return 0


def demo_accounts(database_url: str | None, var_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """Create the demo agent and supervisor once (random passwords kept in var/); returns
    (username, password, role) of each. Only for the embedded default database."""
    if (database_url or default_database_url()) != default_database_url():
        raise CommandError("demo accounts are only for the embedded default database")
    path = Path(var_dir or VAR_DIR) / DEMO_FILE
    known = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            username, _, password = line.partition(" ")
            known[username] = password
    accounts = []
    with unit_of_work(database_url) as uow:
        existing = {a.username for a in desk_auth.list_agents(uow)}
        for username, name, role in DEMO_ACCOUNTS:
            if username not in existing:
                known[username] = secrets.token_urlsafe(9)
                desk_auth.create_agent(uow, username, name, known[username], role)
            if username in known:
                accounts.append((username, known[username], role))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u} {p}\n" for u, p, _ in accounts), encoding="utf-8")
    os.chmod(path, 0o600)
    return accounts


def _demo(args: argparse.Namespace) -> int:
    accounts = demo_accounts(args.database_url)
    if accounts:
        print("Demo desk accounts (embedded demo database only):")
        for username, password, role in accounts:
            print(f"  {role:<10}  {username} / {password}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot desk", description="Agent-desk accounts.")
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    command = subcommand_adder(commands)

    add = command("add-agent", _add, "create an agent or supervisor account")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name customers read (e.g. a first name)")
    add.add_argument("--role", choices=("agent", "supervisor"), default="agent")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    password = command("set-password", _set_password, "set a new password (closes their sessions)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    command("deactivate", _active(False), "stop an account (logs it out)").add_argument("username")
    command("activate", _active(True), "allow an account again").add_argument("username")
    command("list", _list, "list the accounts")
    command("demo-accounts", _demo, "demo agent + supervisor (embedded database only)")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        return int(args.handler(args) or 0)
    except AccountError as error:
        raise CommandError(str(error)) from None
