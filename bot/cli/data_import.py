"""``python -m bot import KIND FILE``: load an operator's CSV file (:mod:`bot.importer`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.importer import KINDS, DatabaseNotReady, import_file
from bot.importer.csv_format import RowError

CONSOLE_ERRORS_WITH_REJECTS_FILE = 20
EXIT_OK, EXIT_REFUSED, EXIT_PARTIAL = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot import", description="Import a CSV file (docs/data-import.md)."
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("file")
    parser.add_argument("--skip-bad", action="store_true", help="load the good rows, reject the bad")
    parser.add_argument("--rejects", metavar="FILE", help="write rejected rows (and reasons) here")
    parser.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
    return parser


def default_rejects_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


def main(args: argparse.Namespace | Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot import``: prints the report, returns the exit code.

    0: everything loaded; 2: good rows loaded, bad rows rejected (--skip-bad);
    1: nothing loaded (file refused, bad rows without --skip-bad, or no good row).
    """
    if args is None or not isinstance(args, argparse.Namespace):
        args = build_parser().parse_args(None if args is None else list(args))
    path = Path(args.file)
    skip_bad = bool(getattr(args, "skip_bad", False))
    rejects = getattr(args, "rejects", None)
    if skip_bad and not rejects:
        rejects = default_rejects_path(path)
    if rejects and Path(rejects).resolve() == path.resolve():
        print("error: the rejects file cannot be the input file", file=sys.stderr)
        return EXIT_REFUSED
    shown = 0

    def on_error(error: RowError) -> None:
        nonlocal shown
        shown += 1
        if rejects is None or shown <= CONSOLE_ERRORS_WITH_REJECTS_FILE:
            print(f"  {error}", file=sys.stderr)
        elif shown == CONSOLE_ERRORS_WITH_REJECTS_FILE + 1:
            print(f"  ... more errors in {rejects}", file=sys.stderr)

    try:
        report = import_file(
            args.kind,
            path,
            database_url=getattr(args, "database_url", None),
            skip_bad=skip_bad,
            rejects_path=rejects,
            on_error=on_error,
        )
    except DatabaseNotReady as exc:
        print(
            f"error: cannot import into the database ({exc}); is it migrated? "
            "Run: python -m bot db upgrade",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    for warning in report.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    if report.file_error:
        print(f"error: {report.summary()}", file=sys.stderr)
        return EXIT_REFUSED
    print(report.summary())
    if report.rejected and rejects:
        print(f"{report.rejected} rejected row(s) written to {rejects}")
    if not report.committed or (report.rejected and not report.good):
        return EXIT_REFUSED
    return EXIT_PARTIAL if report.rejected else EXIT_OK
