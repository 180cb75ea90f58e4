"""``python -m bot demo-data``: generate the deterministic demo database (:mod:`bot.demo`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, datetime

from bot.demo import DEFAULT_CUSTOMERS, DEFAULT_SEED, DemoRefused, load_demo


def parse_day(value: str) -> date:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in dd/mm/yyyy form") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot demo-data", description="Load the demo data.")
    parser.add_argument("--seed", type=int, default=None, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--today", default=None, metavar="dd/mm/yyyy", help="the day the data is made")
    parser.add_argument("--force", action="store_true", help="delete existing utility data first")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help="generated customers")
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL or var/utility.db")
    parser.add_argument(
        "--allow-non-default-db",
        action="store_true",
        help="allow a database other than the embedded default (never a production one)",
    )
    return parser


def main(args: argparse.Namespace | Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot demo-data``; returns the exit code."""
    if args is None or not isinstance(args, argparse.Namespace):
        args = build_parser().parse_args(None if args is None else list(args))
    try:
        today = (
            args.today if isinstance(args.today, date) else (parse_day(args.today) if args.today else None)
        )
    except argparse.ArgumentTypeError as exc:
        print(f"error: --today: {exc}", file=sys.stderr)
        return 2
    customers = getattr(args, "customers", None) or DEFAULT_CUSTOMERS
    if customers < 1:
        print("error: --customers must be at least 1", file=sys.stderr)
        return 2
    try:
        result = load_demo(
            getattr(args, "database_url", None),
            today=today,
            seed=DEFAULT_SEED if args.seed is None else args.seed,
            customers=customers,
            force=bool(getattr(args, "force", False)),
            allow_non_default_db=bool(getattr(args, "allow_non_default_db", False)),
        )
    except DemoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0
