"""``python -m bot db upgrade|current|sync-tariffs``: the schema and the tariff tables."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import DATABASE_URL_HELP, CommandError


def register(commands: Any) -> None:
    db = commands.add_parser("db", help="database schema and reference data")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("upgrade", upgrade, "migrate to the newest schema, then load data/tariffs.yml"),
        ("current", current, "show the schema revision"),
        ("sync-tariffs", sync_tariffs, "load data/tariffs.yml into the tariff tables"),
    ):
        sub = db_commands.add_parser(name, help=text, description=text)
        sub.add_argument("--database-url", help=DATABASE_URL_HELP)
        sub.set_defaults(handler=handler)
    db_commands.choices["upgrade"].add_argument("--skip-tariffs", action="store_true", help="migrate only")


def upgrade(args: argparse.Namespace) -> int:
    from bot.services import database

    revision = database.upgrade(args.database_url)
    print(f"Database {database.shown_url(args.database_url)} is at revision {revision}.")
    if not args.skip_tariffs:
        sync_tariffs(args)
    return 0


def current(args: argparse.Namespace) -> int:
    from bot.services import database

    revision = database.current(args.database_url)
    print(revision or "not migrated (run: python -m bot db upgrade)")
    return 0


def sync_tariffs(args: argparse.Namespace) -> int:
    from bot.importer import tariffs

    try:
        report = tariffs.run(args.database_url)
    except ValueError as exc:  # TariffDataError and values the tables refuse
        raise CommandError(f"cannot load the tariffs: {exc}") from None
    print(report.summary())
    return 0
