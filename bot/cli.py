"""Command line: ``python -m bot <command>``.

    db upgrade [--database-url URL] [--skip-tariffs]   migrate, then load data/tariffs.yml
    db current [--database-url URL]                    the schema revision
    db sync-tariffs [--database-url URL]               load data/tariffs.yml only
    demo-data [--seed N] [--today dd/mm/yyyy] [--force] -> bot.db.demo.main(args)
    import {customers,readings,invoices,outages} FILE [--skip-bad] [--rejects FILE]
                                                      -> bot.db.importer.main(args)
    incident ...                                      -> bot.services.incident_cli.main(argv)
    desk ...                                          -> bot.desk_cli.main(argv) (desk accounts)

Subcommands owned by other modules are imported only when used, so one missing
module never breaks the others. Their ``main`` gets the parsed ``argparse.Namespace``
(``incident`` gets the list of its own arguments) and returns an exit code (None = 0);
for an expected failure it raises :class:`CommandError` (or ``SystemExit("message")``).
Expected errors end with a one-line message and a non-zero exit code, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

IMPORT_KINDS = ("customers", "readings", "invoices", "outages")


class CommandError(Exception):
    """An expected failure: the message is shown to the operator as is."""


# ----------------------------------------------------------------------- commands


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.db import migrate

    migrate.upgrade(args.database_url)
    print(f"Database {_shown_url(args.database_url)} is at revision {migrate.current(args.database_url)}.")
    if not args.skip_tariffs:
        _db_sync_tariffs(args)
    return 0


def _db_current(args: argparse.Namespace) -> int:
    from bot.db import migrate

    revision = migrate.current(args.database_url)
    print(revision or "not migrated (run: python -m bot db upgrade)")
    return 0


def _db_sync_tariffs(args: argparse.Namespace) -> int:
    from bot.db import tariff_sync

    try:
        report = tariff_sync.run(args.database_url)
    except ValueError as exc:  # TariffDataError and values the tables refuse
        raise CommandError(f"cannot load the tariffs: {exc}") from None
    print(report.summary())
    return 0


def _lazy(module_name: str, pass_argv: bool = False) -> Callable[[argparse.Namespace], Any]:
    def run(args: argparse.Namespace) -> Any:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                raise CommandError(
                    f"'{args.command}' is not available in this installation ({module_name} is missing)"
                ) from None
            raise CommandError(
                f"'{args.command}' needs the Python package '{missing}': install requirements/"
            ) from None
        return module.main(args.argv if pass_argv else args)

    return run


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Power-utility assistant: data and operations commands."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = commands.add_parser("db", help="database schema and reference data")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("upgrade", _db_upgrade, "migrate to the newest schema, then load data/tariffs.yml"),
        ("current", _db_current, "show the schema revision"),
        ("sync-tariffs", _db_sync_tariffs, "load data/tariffs.yml into the tariff tables"),
    ):
        sub = db_commands.add_parser(name, help=text, description=text)
        sub.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
        sub.set_defaults(handler=handler)
    db_commands.choices["upgrade"].add_argument("--skip-tariffs", action="store_true", help="migrate only")

    demo = commands.add_parser("demo-data", help="generate the deterministic demo database")
    demo.add_argument("--seed", type=int, default=None, help="random seed")
    demo.add_argument("--today", default=None, metavar="dd/mm/yyyy", help="the day the data is made")
    demo.add_argument("--force", action="store_true", help="replace existing data")
    demo.add_argument("--customers", type=int, default=None, help="how many customers to generate")
    demo.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
    demo.add_argument(
        "--allow-non-default-db",
        action="store_true",
        help="allow a database other than the embedded default (never a production one)",
    )
    demo.set_defaults(handler=_lazy("bot.db.demo"))

    data = commands.add_parser("import", help="import a CSV file (see docs/data-import.md)")
    data.add_argument("kind", choices=IMPORT_KINDS)
    data.add_argument("file")
    data.add_argument("--skip-bad", action="store_true", help="load the good rows, reject the bad")
    data.add_argument("--rejects", metavar="FILE", help="where --skip-bad writes rejected rows")
    data.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
    data.set_defaults(handler=_lazy("bot.db.importer"))

    incident = commands.add_parser("incident", help="open, update and restore incidents", add_help=False)
    incident.add_argument("argv", nargs=argparse.REMAINDER)  # parsed by main() itself
    desk = commands.add_parser("desk", help="agent-desk accounts (add-agent, list...)", add_help=False)
    desk.add_argument("argv", nargs=argparse.REMAINDER)  # parsed by bot.desk_cli itself
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["incident"]:  # everything after it, options included, is theirs
        handler = _lazy("bot.services.incident_cli", pass_argv=True)
        return argparse.Namespace(command="incident", argv=argv[1:], handler=handler)
    if argv[:1] == ["desk"]:
        handler = _lazy("bot.desk_cli", pass_argv=True)
        return argparse.Namespace(command="desk", argv=argv[1:], handler=handler)
    return build_parser().parse_args(argv)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = args.handler(args)
    except CommandError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return _fail(f"{exc.strerror}: {exc.filename}")
    except Exception as exc:  # expected database and migration failures; others re-raise
        message = _database_error(exc, getattr(args, "database_url", None))
        if message is None:
            raise
        return _fail(message)
    return int(result or 0)


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _database_error(exc: Exception, database_url: str | None) -> str | None:
    from sqlalchemy.exc import OperationalError

    from bot.db.migrate import MigrationError

    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"cannot use the database {_shown_url(database_url)}: {reason}"
    if isinstance(exc, MigrationError):
        return str(exc)
    return None


def _shown_url(database_url: str | None) -> str:
    from sqlalchemy.engine import make_url

    from bot.db.session import database_url as configured_url

    return make_url(database_url or configured_url()).render_as_string(hide_password=True)
