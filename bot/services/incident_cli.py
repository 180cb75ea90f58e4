"""``python -m bot incident ...``: operators open, follow, update and restore incidents.

    incident list [--all] [--station CODE] [--limit N]
    incident show CODE
    incident open --station CODE [--station CODE ...] [--cause TEXT] [--expected WHEN] [--started WHEN]
    incident update CODE [--expected WHEN] [--cause TEXT] [--area TEXT] [--status open|restored]
    incident restore CODE [--at WHEN]

Every command takes ``--database-url URL`` (default: DATABASE_URL or var/utility.db).
WHEN is ``HH:MM`` (today; for --expected, tomorrow if that time has passed),
``dd/mm/yyyy HH:MM``, ``+90m`` / ``+2h`` from now, or ISO 8601. Times are Vietnam time.
What the bot tells customers follows at once: the expected restoration they read is
the incident's, and restoring an incident resolves the tickets linked to it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot import clock
from bot.cli import CommandError
from bot.db.models import (
    Incident,
    IncidentStatus,
    IncidentWard,
    OutageReport,
    Station,
    Ticket,
    incident_stations,
)
from bot.db.session import session_scope

TIME_FORMAT = "%d/%m/%Y %H:%M"


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


# ------------------------------------------------------------------------ queries


def _incident(session: Session, code: str) -> Incident:
    statement = (
        select(Incident)
        .where(Incident.code == code.strip())
        .options(selectinload(Incident.stations), selectinload(Incident.wards))
    )
    incident = session.execute(statement).scalars().first()
    if incident is None:
        raise CommandError(f"no incident {code!r} (see: python -m bot incident list --all)")
    return incident


def _report_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    statement = (
        select(OutageReport.incident_id, func.count(OutageReport.id))
        .where(OutageReport.incident_id.in_(ids))
        .group_by(OutageReport.incident_id)
    )
    return dict(session.execute(statement).all())


# ----------------------------------------------------------------------- commands


def cmd_list(session: Session, args: argparse.Namespace) -> int:
    statement = select(Incident).options(selectinload(Incident.stations)).order_by(Incident.created_at.desc())
    if not args.all:
        statement = statement.where(Incident.status == IncidentStatus.OPEN.value)
    if args.station:
        statement = (
            statement.join(incident_stations, incident_stations.c.incident_id == Incident.id)
            .join(Station, Station.id == incident_stations.c.station_id)
            .where(Station.code == args.station)
        )
    incidents = list(session.execute(statement.limit(args.limit)).scalars().unique())
    if not incidents:
        print("No open incidents." if not args.all else "No incidents.")
        return 0
    counts = _report_counts(session, [i.id for i in incidents])
    print(
        f"{'CODE':<18} {'STATUS':<9} {'STARTED':<17} {'EXPECTED':<17} {'RESTORED':<17} "
        f"{'REPORTS':>7}  STATIONS"
    )
    for i in incidents:
        stations = ", ".join(s.code for s in i.stations) or "-"
        print(
            f"{i.code:<18} {i.status:<9} {shown(i.started_at):<17} {shown(i.expected_restoration_at):<17} "
            f"{shown(i.restored_at):<17} {counts.get(i.id, 0):>7}  {stations}"
        )
    return 0


def cmd_show(session: Session, args: argparse.Namespace) -> int:
    incident = _incident(session, args.code)
    tickets = list(session.execute(select(Ticket).where(Ticket.incident_id == incident.id)).scalars())
    reports = _report_counts(session, [incident.id]).get(incident.id, 0)
    print(f"Incident {incident.code}: {incident.status}")
    print(f"  cause:     {incident.cause or '-'}")
    print(f"  area:      {incident.area or '-'}")
    print(f"  started:   {shown(incident.started_at)}")
    print(f"  expected:  {shown(incident.expected_restoration_at)}")
    print(f"  restored:  {shown(incident.restored_at)}")
    print(f"  stations:  {', '.join(f'{s.code} ({s.name})' for s in incident.stations) or '-'}")
    print(f"  wards:     {'; '.join(f'{w.ward}, {w.province}' for w in incident.wards) or '-'}")
    print(f"  reports:   {reports}")
    print(f"  tickets:   {', '.join(f'{t.number} ({t.status})' for t in tickets) or '-'}")
    return 0


def cmd_open(session: Session, args: argparse.Namespace) -> int:
    now = clock.now()
    stations = []
    for code in args.station:
        station = session.execute(select(Station).where(Station.code == code)).scalars().first()
        if station is None:
            raise CommandError(f"no station {code!r}")
        stations.append(station)
    incident = Incident(
        code=_next_code(session, now),
        cause=args.cause,
        area=args.area or "; ".join(s.name for s in stations),
        status=IncidentStatus.OPEN.value,
        started_at=parse_when(args.started, now) if args.started else now,
        expected_restoration_at=parse_when(args.expected, now, future=True) if args.expected else None,
        created_at=now,
    )
    incident.stations.extend(stations)
    for province, ward in dict.fromkeys((s.province, s.ward) for s in stations if s.province and s.ward):
        incident.wards.append(IncidentWard(province=province, ward=ward))
    session.add(incident)
    session.flush()
    print(f"Opened incident {incident.code} on {', '.join(s.code for s in stations)}.")
    return 0


def _next_code(session: Session, now: datetime) -> str:
    prefix = f"SC-{now:%y%m%d}-"
    codes = session.execute(select(Incident.code).where(Incident.code.like(f"{prefix}%"))).scalars()
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def cmd_update(session: Session, args: argparse.Namespace) -> int:
    incident = _incident(session, args.code)
    now = clock.now()
    changes = []
    if args.expected:
        incident.expected_restoration_at = parse_when(args.expected, now, future=True)
        changes.append(f"expected restoration {shown(incident.expected_restoration_at)}")
    if args.cause:
        incident.cause = args.cause
        changes.append("cause")
    if args.area:
        incident.area = args.area
        changes.append("area")
    if args.status == IncidentStatus.RESTORED.value:
        _restore(session, incident, now)
        changes.append(f"restored at {shown(incident.restored_at)}")
    elif args.status == IncidentStatus.OPEN.value and incident.status != IncidentStatus.OPEN.value:
        incident.status, incident.restored_at = IncidentStatus.OPEN.value, None
        changes.append("reopened")
    if not changes:
        raise CommandError("nothing to update: give --expected, --cause, --area or --status")
    session.flush()
    print(f"Incident {incident.code}: {', '.join(changes)}.")
    return 0


def cmd_restore(session: Session, args: argparse.Namespace) -> int:
    incident = _incident(session, args.code)
    if incident.status == IncidentStatus.RESTORED.value:
        raise CommandError(f"incident {incident.code} was already restored at {shown(incident.restored_at)}")
    resolved = _restore(session, incident, parse_when(args.at) if args.at else clock.now())
    session.flush()
    print(
        f"Incident {incident.code} restored at {shown(incident.restored_at)}; {resolved} ticket(s) resolved."
    )
    return 0


def _restore(session: Session, incident: Incident, at: datetime) -> int:
    from bot.services.desk_incidents import restore_incident  # one rule for the CLI and the desk

    return restore_incident(session, incident, at)


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot incident", description="Incidents (unplanned outages)."
    )
    commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def command(name: str, handler: object, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--database-url", help="default: DATABASE_URL or var/utility.db")
        sub.set_defaults(handler=handler)
        return sub

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
    updating.add_argument("--status", choices=[s.value for s in IncidentStatus])

    restoring = command("restore", cmd_restore, "mark restored (resolves its open tickets)")
    restoring.add_argument("code")
    restoring.add_argument("--at", metavar="WHEN", help="default: now")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    with session_scope(args.database_url) as session:
        return int(args.handler(session, args) or 0)
