"""``python -m bot outage ...``: operators add, move and cancel planned outages.

    outage add --start WHEN --end WHEN --reason TEXT (--station CODE ... | --ward NAME ... --province NAME)
               [--area TEXT] [--code CODE]
    outage move CODE --start WHEN --end WHEN
    outage cancel CODE
    outage list [--all] [--limit N]
    outage show CODE

Every command takes ``--database-url URL``. WHEN is ``dd/mm/yyyy HH:MM``, ISO 8601,
``+2h``/``+90m`` from now, or ``HH:MM`` (for --end: on the day of the start). Times are
Vietnam time. Subscribers of the area are notified (docs/notices.md): the notices are
queued in the same transaction and sent by the notifier (``python -m bot notify run``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import clock
from bot.cli.common import CommandError, subcommand_adder
from bot.cli.incident import parse_when, shown
from bot.config import load_notice_settings
from bot.services import notice_sync, planned_outages, unit_of_work
from bot.services.notice_sync import EventSync
from bot.services.planned_outages import PlannedView

NOTICE_NAMES = {
    "planned": "announcement",
    "reminder": "day-before reminder",
    "moved": "correction (new times)",
    "cancelled": "correction (cancelled)",
}


def _end(text: str, start: datetime, now: datetime) -> datetime:
    """``HH:MM`` is on the day of the start (the next day when not after it)."""
    if m := re.fullmatch(r"(\d{1,2})[:h](\d{2})", text.strip()):
        moment = start.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
        return moment if moment > start else moment + timedelta(days=1)
    return parse_when(text, now)


def _times(args: argparse.Namespace) -> tuple[datetime, datetime]:
    now = clock.now()
    start = parse_when(args.start, now, future=True)
    return start, _end(args.end, start, now)


def _describe(outage: PlannedView) -> str:
    where = ", ".join(code for code, _ in outage.stations) or "; ".join(
        f"{ward}, {province}" for ward, province in outage.wards
    )
    return f"{outage.code} ({shown(outage.starts_at)} – {shown(outage.ends_at)}) on {where}"


def _notices(synced: EventSync | None) -> str:
    if synced is None or not synced.total:
        extra = f"; {synced.superseded} queued notice(s) superseded" if synced and synced.superseded else ""
        return f"Notices: no subscriber to notify{extra}."
    parts = [f"{count} {NOTICE_NAMES.get(kind, kind)}(s)" for kind, count in sorted(synced.queued.items())]
    text = f"Notices queued: {', '.join(parts)}"
    if synced.first_due is not None and "planned" in synced.queued:
        text += f"; announcement due {shown(synced.first_due)}"
        if synced.late:
            text += " (less than the 5 days' notice the rules require: announced at once)"
    if synced.reminder_due is not None and "reminder" in synced.queued:
        text += f"; reminder due {shown(synced.reminder_due)}"
    if synced.superseded:
        text += f"; {synced.superseded} earlier notice(s) superseded"
    return text + "."


def _sync(uow, code: str) -> EventSync | None:
    return notice_sync.sync_outage(uow, code, notice_sync.timing_from(load_notice_settings()))


# ----------------------------------------------------------------------- commands


def cmd_add(uow, args: argparse.Namespace) -> int:
    start, end = _times(args)
    outage = planned_outages.add_outage(
        uow,
        starts_at=start,
        ends_at=end,
        reason=args.reason,
        stations=args.station or (),
        wards=args.ward or (),
        province=args.province,
        area=args.area,
        code=args.code,
    )
    print(f"Added planned outage {_describe(outage)}.")
    print(_notices(_sync(uow, outage.code)))
    return 0


def cmd_move(uow, args: argparse.Namespace) -> int:
    start, end = _times(args)
    outage = planned_outages.move_outage(uow, args.code, start, end)
    print(f"Moved planned outage {_describe(outage)}.")
    print(_notices(_sync(uow, outage.code)))
    return 0


def cmd_cancel(uow, args: argparse.Namespace) -> int:
    outage = planned_outages.cancel_outage(uow, args.code)
    print(f"Cancelled planned outage {_describe(outage)}.")
    print(_notices(_sync(uow, outage.code)))
    return 0


def cmd_list(uow, args: argparse.Namespace) -> int:
    found = planned_outages.list_outages(uow, include_past=args.all, limit=args.limit)
    if not found:
        print("No planned outages." if args.all else "No planned outages to come.")
        return 0
    print(f"{'CODE':<18} {'STATUS':<10} {'START':<17} {'END':<17}  AREA")
    for o in found:
        print(f"{o.code:<18} {o.status:<10} {shown(o.starts_at):<17} {shown(o.ends_at):<17}  {o.area or '-'}")
    return 0


def cmd_show(uow, args: argparse.Namespace) -> int:
    from bot.services import notices

    o = planned_outages.outage_detail(uow, args.code)
    print(f"Planned outage {o.code}: {o.status}")
    print(f"  start:     {shown(o.starts_at)}")
    print(f"  end:       {shown(o.ends_at)}")
    print(f"  reason:    {o.reason}")
    print(f"  area:      {o.area or '-'}")
    print(f"  stations:  {', '.join(f'{code} ({name})' for code, name in o.stations) or '-'}")
    print(f"  wards:     {'; '.join(f'{ward}, {province}' for ward, province in o.wards) or '-'}")
    print(f"  announced: {shown(o.announced_at)}")
    deliveries = notices.event_deliveries(uow, o.code)
    if not deliveries:
        print("  notices:   -")
    for kind, statuses in sorted(deliveries.items()):
        counts = ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
        print(f"  notices:   {NOTICE_NAMES.get(kind, kind)}: {counts}")
    return 0


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot outage", description="Planned outages.")
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    command = subcommand_adder(commands)

    adding = command("add", cmd_add, "add a planned outage (subscribers of the area are notified)")
    adding.add_argument("--start", metavar="WHEN", required=True)
    adding.add_argument("--end", metavar="WHEN", required=True, help="HH:MM: on the day of the start")
    adding.add_argument("--reason", required=True)
    adding.add_argument("--station", action="append", help="station code (repeatable)")
    adding.add_argument("--ward", action="append", help="ward/commune name (repeatable; needs --province)")
    adding.add_argument("--province")
    adding.add_argument("--area", help="the area as told to customers (default: the stations or wards)")
    adding.add_argument("--code", help="default: KH-yymmdd-NNNN")

    moving = command("move", cmd_move, "new times for a planned outage (subscribers get a correction)")
    moving.add_argument("code")
    moving.add_argument("--start", metavar="WHEN", required=True)
    moving.add_argument("--end", metavar="WHEN", required=True)

    cancelling = command("cancel", cmd_cancel, "cancel a planned outage (subscribers get a correction)")
    cancelling.add_argument("code")

    listing = command("list", cmd_list, "planned outages to come")
    listing.add_argument("--all", action="store_true", help="past ones too")
    listing.add_argument("--limit", type=int, default=50)

    command("show", cmd_show, "one planned outage and its notices").add_argument("code")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        with unit_of_work(args.database_url) as uow:
            return int(args.handler(uow, args) or 0)
    except planned_outages.UnknownOutage as exc:
        raise CommandError(
            f"no planned outage {exc.args[0]!r} (see: python -m bot outage list --all)"
        ) from None
    except planned_outages.UnknownStation as exc:
        raise CommandError(f"no station {exc.args[0]!r}") from None
    except planned_outages.DuplicateOutage as exc:
        raise CommandError(f"a planned outage {exc.args[0]!r} exists already") from None
    except planned_outages.AlreadyCancelled as exc:
        raise CommandError(f"planned outage {exc.args[0]} is cancelled already") from None
    except planned_outages.BadOutage as exc:
        raise CommandError(str(exc.args[0])) from None
