"""Command line: ``python -m bot <command>``, one module per command group.

    db upgrade [--database-url URL] [--skip-tariffs]   migrate, then load data/tariffs.yml
    db current [--database-url URL]                    the schema revision
    db sync-tariffs [--database-url URL]               load data/tariffs.yml only
                                                      -> bot.cli.db
    demo-data [--seed N] [--today dd/mm/yyyy] [--force] -> bot.cli.demo.main(args)
    import {customers,readings,invoices,outages} FILE [--skip-bad] [--rejects FILE]
                                                      -> bot.cli.data_import.main(args)
    incident ...                                      -> bot.cli.incident.main(argv)
    outage ...                                        -> bot.cli.outage.main(argv)
    notify {run,send-due,status}                      -> bot.cli.notify.main(argv)
    desk ...                                          -> bot.cli.desk.main(argv) (agent-desk accounts)
    privacy purge [--dry-run] [--conversation-days N] [--verification-days N]
                  [--database-url URL] [--tracker-store-url URL|none]
                                                      -> bot.cli.privacy

Commands call the services (and the data-loading packages bot.importer and bot.demo),
never SQL themselves. Subcommands are imported only when used, so one missing module
never breaks the others. Their ``main`` gets the parsed ``argparse.Namespace``
(``incident``, ``outage``, ``notify`` and ``desk`` get the list of their own arguments) and returns an
exit code (None = 0);
for an expected failure it raises :class:`CommandError` (or ``SystemExit("message")``).
Expected errors end with a one-line message and a non-zero exit code, no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import db, privacy
from bot.cli.common import DATABASE_URL_HELP, CommandError, lazy

__all__ = ["CommandError", "build_parser", "main", "parse_args"]

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

IMPORT_KINDS = ("customers", "readings", "invoices", "outages", "offices")
# Command groups that parse their own arguments (module bot.cli.<name>).
GROUPS_WITH_OWN_PARSER = {
    "incident": "open, update and restore incidents",
    "outage": "add, move and cancel planned outages (subscribers are notified)",
    "notify": "the notifier of outage notices: run, send-due, status",
    "desk": "agent-desk accounts (add-agent, list...)",
}


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Power-utility assistant: data and operations commands."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    db.register(commands)
    privacy.register(commands)

    demo = commands.add_parser("demo-data", help="generate the deterministic demo database")
    demo.add_argument("--seed", type=int, default=None, help="random seed")
    demo.add_argument("--today", default=None, metavar="dd/mm/yyyy", help="the day the data is made")
    demo.add_argument("--force", action="store_true", help="replace existing data")
    demo.add_argument("--customers", type=int, default=None, help="how many customers to generate")
    demo.add_argument("--database-url", help=DATABASE_URL_HELP)
    demo.add_argument(
        "--allow-non-default-db",
        action="store_true",
        help="allow a database other than the embedded default (never a production one)",
    )
    demo.set_defaults(handler=lazy("bot.cli.demo"))

    data = commands.add_parser("import", help="import a CSV file (see docs/data-import.md)")
    data.add_argument("kind", choices=IMPORT_KINDS)
    data.add_argument("file")
    data.add_argument("--skip-bad", action="store_true", help="load the good rows, reject the bad")
    data.add_argument("--rejects", metavar="FILE", help="where --skip-bad writes rejected rows")
    data.add_argument("--database-url", help=DATABASE_URL_HELP)
    data.set_defaults(handler=lazy("bot.cli.data_import"))

    for name, text in GROUPS_WITH_OWN_PARSER.items():
        group = commands.add_parser(name, help=text, add_help=False)
        group.add_argument("argv", nargs=argparse.REMAINDER)  # parsed by their main() itself
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] and argv[0] in GROUPS_WITH_OWN_PARSER:  # everything after it, options included, is theirs
        handler = lazy(f"bot.cli.{argv[0]}", pass_argv=True)
        return argparse.Namespace(command=argv[0], argv=argv[1:], handler=handler)
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
        from bot.services import database

        message = database.problem(exc, getattr(args, "database_url", None))
        if message is None:
            raise
        return _fail(message)
    return int(result or 0)


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
