"""``python -m bot privacy purge``: delete conversations and verification data older than
the retention (bot.services.privacy; docs/security.md "Retention" says how to schedule it).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from bot.cli.common import DATABASE_URL_HELP


def register(commands: Any) -> None:
    privacy = commands.add_parser("privacy", help="personal-data retention")
    actions = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    purge = actions.add_parser(
        "purge",
        help="delete conversations and verification data older than the retention",
        description="Delete conversations and verification data older than the retention "
        "(CONVERSATION_RETENTION_DAYS, VERIFICATION_RETENTION_DAYS, ALERT_RETENTION_DAYS).",
    )
    purge.add_argument("--database-url", help=DATABASE_URL_HELP)
    purge.add_argument(
        "--tracker-store-url",
        help="Rasa's tracker store database (default: TRACKER_STORE_URL or var/tracker.db; "
        "'none' to leave conversations alone)",
    )
    purge.add_argument("--conversation-days", type=_days, help="override CONVERSATION_RETENTION_DAYS")
    purge.add_argument("--verification-days", type=_days, help="override VERIFICATION_RETENTION_DAYS")
    purge.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
    purge.set_defaults(handler=run_purge)


def _days(raw: str) -> int:
    if not raw.isdecimal() or int(raw) < 1:
        raise argparse.ArgumentTypeError("a whole number of days, at least 1")
    return int(raw)


def _tracker_url(option: str | None) -> str | None:
    from bot.config import runtime_environment

    value = option or os.environ.get("TRACKER_STORE_URL") or runtime_environment()["TRACKER_STORE_URL"]
    return None if value.strip().lower() == "none" else value


def run_purge(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.config import load_settings
    from bot.services import privacy, unit_of_work

    retention = privacy.Retention.configured()
    if args.conversation_days:
        retention = replace(retention, conversation_days=args.conversation_days)
    if args.verification_days:
        retention = replace(retention, verification_days=args.verification_days)
    tracker_url = _tracker_url(args.tracker_store_url)
    database_url = args.database_url or load_settings().database_url
    with unit_of_work(database_url) as uow:
        if tracker_url is None or tracker_url == database_url:  # one database: one transaction
            conversations = uow if tracker_url else None
            report = privacy.purge(uow, conversations, retention, dry_run=args.dry_run)
        else:
            with unit_of_work(tracker_url) as conversations:
                report = privacy.purge(uow, conversations, retention, dry_run=args.dry_run)
    print(_summary(report))
    return 0


def _summary(report: object) -> str:
    r: Any = report
    verb = "would delete" if r.dry_run else "deleted"
    conversations = (
        "no tracker store table here"
        if r.conversation_events is None
        else f"{r.conversation_events} conversation events (older than {r.retention.conversation_days} days)"
    )
    return (
        f"privacy purge {verb}: {conversations}; "
        f"{r.verification_attempts} verification attempts, {r.one_time_codes} one-time codes, "
        f"{r.sms_messages} SMS (older than {r.retention.verification_days} days), "
        f"{r.sms_texts_blanked} expired SMS texts blanked; "
        f"{r.rate_events} rate counter events, {r.guards} guards; "
        f"{r.alerts} alerts (older than {r.retention.alert_days} days)."
    )
