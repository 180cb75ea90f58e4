"""``python -m bot notify ...``: the notifier of outage notices (docs/notices.md).

    notify run         the long-running notifier (the Procfile's ``notify:`` process)
    notify send-due    one round, then exit (for cron); exit code 0, or 1 on a failure
    notify status [--hours N]
                       notices by channel and status, the most frequent problems

Settings come from the environment (``NOTICE_*``, ``RASA_URL``/``RASA_TOKEN``, the Zalo and
Messenger variables of the channels; ``bot.config.load_notice_settings``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
from collections.abc import Sequence
from datetime import timedelta

from bot import clock
from bot.cli.common import DATABASE_URL_HELP, CommandError
from bot.config import load_notice_settings
from bot.services import DataUnavailable, notices, unit_of_work


def _settings(args: argparse.Namespace):
    settings = load_notice_settings()
    if getattr(args, "database_url", None):
        settings = dataclasses.replace(settings, database_url=args.database_url)
    return settings


def _logging() -> None:
    from bot.logs import configure_logging  # masks phone numbers in every record

    configure_logging()


def cmd_run(args: argparse.Namespace) -> int:
    from bot.notify.notifier import Notifier

    _logging()
    settings = _settings(args)
    if not settings.rasa_token:
        logging.getLogger("bot.notify").warning(
            "notices: RASA_TOKEN is not set: notices to the widget and the callback channel "
            "will wait (retried) until it is"
        )
    notifier = Notifier(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await notifier.run_forever(stop)

    asyncio.run(main())
    return 0


def cmd_send_due(args: argparse.Namespace) -> int:
    from bot.notify.notifier import Notifier

    _logging()
    notifier = Notifier(_settings(args))

    async def main():
        try:
            return await notifier.run_once()
        finally:
            await notifier.close()

    try:
        report = asyncio.run(main())
    except DataUnavailable as error:
        raise CommandError(f"the database is unavailable ({error})") from None
    print(f"notices: {report.summary()}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    since = clock.now() - timedelta(hours=args.hours) if args.hours else None
    with unit_of_work(_settings(args).database_url) as uow:
        counts = notices.delivery_counts(uow, since)
    shown = ("pending", "sending", "sent", "refused", "failed", "expired", "superseded", "cancelled")
    print(f"{'CHANNEL':<10} " + " ".join(f"{name.upper():>10}" for name in shown) + "  SUBSCRIBERS")
    channels = sorted(set(counts.by_channel) | set(counts.subscribers))
    for channel in channels:
        row = counts.by_channel.get(channel, dict.fromkeys(shown, 0))
        print(f"{channel:<10} " + " ".join(f"{row[name]:>10}" for name in shown)
              + f"  {counts.subscribers.get(channel, 0):>11}")
    print(f"{'all':<10} " + " ".join(f"{counts.totals[name]:>10}" for name in shown)
          + f"  {sum(counts.subscribers.values()):>11}")
    for problem in counts.problems:
        print(f"  {problem.count:>6} {problem.status} on {problem.channel}: {problem.reason}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot notify", description="Outage notices.")
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, text in (
        ("run", cmd_run, "send notices as they fall due, until stopped"),
        ("send-due", cmd_send_due, "one round: queue what events call for, send what is due, exit"),
        ("status", cmd_status, "notices by channel and status"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--database-url", help=DATABASE_URL_HELP)
        sub.set_defaults(handler=handler)
        if name == "status":
            sub.add_argument("--hours", type=int, default=0, help="only notices of the last N hours")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.handler(args) or 0)
