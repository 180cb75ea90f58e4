"""``python -m bot incident ...``: operators open, follow, update and restore incidents.

    incident list [--all] [--station CODE] [--limit N]
    incident show CODE
    incident open --station CODE [--station CODE ...] [--cause TEXT] [--expected WHEN] [--started WHEN]
    incident update CODE [--expected WHEN] [--cause TEXT] [--area TEXT] [--status open|restored]
    incident restore CODE [--at WHEN]

Every command takes ``--database-url URL`` (default: DATABASE_URL or var/utility.db).
WHEN is ``HH:MM`` (today; for --expected, tomorrow if that time has passed),
``dd/mm/yyyy HH:MM``, ``+90m`` / ``+2h`` from now, or ISO 8601. Times are Vietnam time.
The work is :mod:`bot.services.incidents`; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import clock
from bot.cli.common import CommandError, subcommand_adder
from bot.services import incidents, notice_sync, unit_of_work
from bot.services.incidents import Change, IncidentView

TIME_FORMAT = "%d/%m/%Y %H:%M"
STATUSES = ("open", "restored")


# ------------------------------------------------------------------------- times


def parse_when(text: str, now: datetime | None = None, future: bool = False) -> datetime:
    """A moment in Vietnam time from what an operator types (see the module docstring)."""
    now = now or clock.now()
    value = text.strip()
    if m := re.fullmatch(r"\+(\d{1,4})\s*(m|min|h)", value, re.IGNORECASE):
        amount = int(m.group(1))
        return now + (timedelta(hours=amount) if m.group(2).lower() == "h" else timedelta(minutes=amount))
    if m := re.fullmatch(r"(\d{1,2})[:h](\d{2})", value):
        moment = now.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
        return moment + timedelta(days=1) if future and moment <= now else moment
    for pattern in (TIME_FORMAT, "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=clock.VN_TZ)
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"cannot read the time {text!r} (use HH:MM, dd/mm/yyyy HH:MM, +90m or +2h)"
        ) from None
    return moment.replace(tzinfo=clock.VN_TZ) if moment.tzinfo is None else moment.astimezone(clock.VN_TZ)


def shown(moment: datetime | None) -> str:
    return moment.astimezone(clock.VN_TZ).strftime(TIME_FORMAT) if moment else "-"


# ----------------------------------------------------------------------- commands


def notify_subscribers(uow, code: str) -> None:
    """Queue the notices of the incident for the subscribers of its area now (the
    notifier sends them; it would find the change on its next round anyway)."""
    synced = notice_sync.sync_incident(uow, code)
    if synced is not None and synced.total:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(synced.queued.items()))
        print(f"Notices queued for subscribers: {kinds}.")


def cmd_list(uow, args: argparse.Namespace) -> int:
    found = incidents.list_incidents(uow, args.all, args.station, args.limit)
    if not found:
        print("No open incidents." if not args.all else "No incidents.")
        return 0
    print(
        f"{'CODE':<18} {'STATUS':<9} {'STARTED':<17} {'EXPECTED':<17} {'RESTORED':<17} "
        f"{'REPORTS':>7}  STATIONS"
    )
    for i in found:
        stations = ", ".join(s.code for s in i.stations) or "-"
        print(
            f"{i.code:<18} {i.status:<9} {shown(i.started_at):<17} {shown(i.expected_restoration_at):<17} "
            f"{shown(i.restored_at):<17} {i.reports:>7}  {stations}"
        )
    return 0


def cmd_show(uow, args: argparse.Namespace) -> int:
    incident = incidents.incident_detail(uow, args.code)
    print(f"Incident {incident.code}: {incident.status}")
    print(f"  cause:     {incident.cause or '-'}")
    print(f"  area:      {incident.area or '-'}")
    print(f"  started:   {shown(incident.started_at)}")
    print(f"  expected:  {shown(incident.expected_restoration_at)}")
    print(f"  restored:  {shown(incident.restored_at)}")
    print(f"  stations:  {', '.join(f'{s.code} ({s.name})' for s in incident.stations) or '-'}")
    print(f"  wards:     {'; '.join(f'{ward}, {province}' for ward, province in incident.wards) or '-'}")
    print(f"  reports:   {incident.reports}")
    print(f"  tickets:   {', '.join(f'{number} ({status})' for number, status in incident.tickets) or '-'}")
    return 0


def cmd_open(uow, args: argparse.Namespace) -> int:
    now = clock.now()
    incident = incidents.open_incident(
        uow,
        args.station,
        cause=args.cause,
        area=args.area,
        started_at=parse_when(args.started, now) if args.started else now,
        expected_restoration_at=parse_when(args.expected, now, future=True) if args.expected else None,
        now=now,
    )
    print(f"Opened incident {incident.code} on {', '.join(s.code for s in incident.stations)}.")
    notify_subscribers(uow, incident.code)
    return 0


def _change_text(change: Change, incident: IncidentView) -> str:
    return {
        Change.EXPECTED: f"expected restoration {shown(incident.expected_restoration_at)}",
        Change.RESTORED: f"restored at {shown(incident.restored_at)}",
    }.get(change, str(change))


def cmd_update(uow, args: argparse.Namespace) -> int:
    if not (args.expected or args.cause or args.area or args.status):
        raise CommandError("nothing to update: give --expected, --cause, --area or --status")
    now = clock.now()
    updated = incidents.update_incident(
        uow,
        args.code,
        expected_restoration_at=parse_when(args.expected, now, future=True) if args.expected else None,
        cause=args.cause,
        area=args.area,
        status=args.status,
        now=now,
    )
    if not updated.changes:
        raise CommandError("nothing to update: give --expected, --cause, --area or --status")
    changes = ", ".join(_change_text(change, updated.incident) for change in updated.changes)
    print(f"Incident {updated.incident.code}: {changes}.")
    notify_subscribers(uow, updated.incident.code)
    return 0


def cmd_restore(uow, args: argparse.Namespace) -> int:
    restored = incidents.restore_incident(uow, args.code, parse_when(args.at) if args.at else clock.now())
    incident = restored.incident
    print(
        f"Incident {incident.code} restored at {shown(incident.restored_at)}; "
        f"{restored.tickets_resolved} ticket(s) resolved."
    )
    notify_subscribers(uow, incident.code)
    return 0


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot incident", description="Incidents (unplanned outages)."
    )
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    command = subcommand_adder(commands)

    listing = command("list", cmd_list, "list open incidents (newest first)")
    listing.add_argument("--all", action="store_true", help="restored ones too")
    listing.add_argument("--station", help="only incidents on this station")
    listing.add_argument("--limit", type=int, default=50)

    command("show", cmd_show, "show one incident").add_argument("code")

    opening = command("open", cmd_open, "open an incident on one or more stations")
    opening.add_argument("--station", action="append", required=True, help="station code (repeatable)")
    opening.add_argument("--cause")
    opening.add_argument("--area", help="the area as told to customers (default: the stations)")
    opening.add_argument("--expected", metavar="WHEN", help="expected restoration")
    opening.add_argument("--started", metavar="WHEN", help="default: now")

    updating = command("update", cmd_update, "change the expected restoration, cause, area or status")
    updating.add_argument("code")
    updating.add_argument("--expected", metavar="WHEN")
    updating.add_argument("--cause")
    updating.add_argument("--area")
    updating.add_argument("--status", choices=STATUSES)

    restoring = command("restore", cmd_restore, "mark restored (resolves its open tickets)")
    restoring.add_argument("code")
    restoring.add_argument("--at", metavar="WHEN", help="default: now")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        with unit_of_work(args.database_url) as uow:
            return int(args.handler(uow, args) or 0)
    except incidents.UnknownIncident as exc:
        raise CommandError(f"no incident {exc.args[0]!r} (see: python -m bot incident list --all)") from None
    except incidents.UnknownStation as exc:
        raise CommandError(f"no station {exc.args[0]!r}") from None
    except incidents.AlreadyRestored as exc:
        raise CommandError(
            f"incident {exc.args[0]} was already restored at {shown(exc.restored_at)}"
        ) from None
