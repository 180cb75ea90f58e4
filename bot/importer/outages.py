"""Importing planned outages (natural key: the outage code), with their stations and wards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.db.models import (
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    planned_outage_stations,
)
from bot.importer import fields as fmt
from bot.importer.csv_format import RowError
from bot.importer.framework import (
    Context,
    Item,
    Kind,
    changed_values,
    chunks,
    executemany,
    field_value,
    optional_value,
    select_in,
    update_by_id,
)

# A planned outage must be announced at least this long before it starts.
MIN_NOTICE = timedelta(days=5)
OUTAGE_STATUSES = {status.value: status.value for status in OutageStatus}


# -------------------------------------------------------------------------- outages


class OutageImport(Kind):
    name = "outages"
    required = ("code", "starts_at", "ends_at", "reason")
    optional = ("area", "province", "wards", "stations", "announced_at", "status")
    key_label = "outage code"

    def parse(self, item: Item, ctx: Context) -> None:
        rec = item.rec
        rec["code"] = field_value(item, "code", fmt.text, max_length=32, required=True)
        rec["starts_at"] = field_value(item, "starts_at", fmt.vn_datetime)
        rec["ends_at"] = field_value(item, "ends_at", fmt.vn_datetime)
        rec["reason"] = field_value(item, "reason", fmt.text, max_length=1000, required=True)
        rec["area"] = field_value(item, "area", fmt.text, max_length=2000)
        rec["province"] = field_value(item, "province", fmt.text, max_length=100)
        rec["wards"] = field_value(item, "wards", fmt.code_list, max_length=100) or []
        rec["stations"] = field_value(item, "stations", fmt.code_list, max_length=32) or []
        rec["announced_at"] = optional_value(item, "announced_at", fmt.vn_datetime)
        rec["status"] = field_value(
            item, "status", fmt.choice, OUTAGE_STATUSES, default=OutageStatus.SCHEDULED.value
        )
        starts, ends, announced = rec["starts_at"], rec["ends_at"], rec["announced_at"]
        if starts and ends and ends <= starts:
            item.fail("ends_at", "is not after starts_at")
        if not item.errors and not rec["stations"] and not rec["wards"]:
            item.fail("stations", "an outage needs stations or wards (or both)")
        if rec["wards"] and not rec["province"]:
            item.fail("province", "is required when wards are given")
        if starts and announced:
            if announced > starts:
                item.fail("announced_at", "is after the start of the outage")
            elif starts - announced < MIN_NOTICE and not item.errors:
                ctx.report.warnings.append(
                    RowError(
                        item.row.line,
                        "announced_at",
                        f"announced {_days(starts - announced)} before the start: less than "
                        "the 5 days' notice the rules require (loaded anyway)",
                    )
                )

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"],)

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        codes = {code for item in items for code in item.rec["stations"]}
        rows = select_in(
            session, lambda part: select(Station.code, Station.id).where(Station.code.in_(part)), codes
        )
        stations = {row.code: row.id for row in rows}
        for item in items:
            unknown = [code for code in item.rec["stations"] if code not in stations]
            if unknown:
                item.fail("stations", f"unknown station(s): {', '.join(unknown)}")
            item.rec["station_ids"] = sorted({stations[c] for c in item.rec["stations"] if c in stations})
        table = PlannedOutage.__table__
        existing = select_in(
            session,
            lambda part: select(table).where(table.c.code.in_(part)),
            (item.rec["code"] for item in items),
        )
        ctx.cache["existing"] = {row.code: row for row in existing}
        ids = [row.id for row in existing]
        links = select_in(
            session,
            lambda part: select(planned_outage_stations).where(planned_outage_stations.c.outage_id.in_(part)),
            ids,
        )
        wards = select_in(
            session,
            lambda part: select(PlannedOutageWard.__table__).where(
                PlannedOutageWard.__table__.c.outage_id.in_(part)
            ),
            ids,
        )
        station_sets: dict[int, set[int]] = {}
        for link in links:
            station_sets.setdefault(link.outage_id, set()).add(link.station_id)
        ward_sets: dict[int, set[tuple[str, str]]] = {}
        for ward in wards:
            ward_sets.setdefault(ward.outage_id, set()).add((ward.province, ward.ward))
        ctx.cache["station_sets"], ctx.cache["ward_sets"] = station_sets, ward_sets

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        existing = ctx.cache["existing"]
        station_sets, ward_sets = ctx.cache["station_sets"], ctx.cache["ward_sets"]
        inserts, updates, relinks = [], [], []
        for item in items:
            rec = item.rec
            values = {
                "starts_at": rec["starts_at"],
                "ends_at": rec["ends_at"],
                "reason": rec["reason"],
                "area": rec["area"],
                "announced_at": rec["announced_at"],
                "status": rec["status"],
            }
            wards = {(rec["province"], ward) for ward in rec["wards"]}
            current = existing.get(rec["code"])
            if current is None:
                inserts.append({"code": rec["code"], **values})
                continue
            changes = changed_values(current, values)
            links_changed = (
                station_sets.get(current.id, set()) != set(rec["station_ids"])
                or ward_sets.get(current.id, set()) != wards
            )
            if changes:
                updates.append({"_id": current.id, **changes})
            if links_changed:
                relinks.append((current.id, rec))
            if changes or links_changed:
                ctx.report.updated += 1
            else:
                ctx.report.unchanged += 1
        executemany(session, insert(PlannedOutage.__table__), inserts)
        update_by_id(session, PlannedOutage.__table__, updates)
        if inserts:
            rows = select_in(
                session,
                lambda part: select(PlannedOutage.code, PlannedOutage.id).where(PlannedOutage.code.in_(part)),
                (row["code"] for row in inserts),
            )
            ids = {row.code: row.id for row in rows}
            for item in items:
                if item.rec["code"] in ids and item.rec["code"] not in existing:
                    relinks.append((ids[item.rec["code"]], item.rec))
        if relinks:
            outage_ids = [outage_id for outage_id, _ in relinks]
            for part in chunks(outage_ids):
                session.execute(
                    delete(planned_outage_stations).where(planned_outage_stations.c.outage_id.in_(part))
                )
                session.execute(
                    delete(PlannedOutageWard.__table__).where(
                        PlannedOutageWard.__table__.c.outage_id.in_(part)
                    )
                )
            executemany(
                session,
                insert(planned_outage_stations),
                [
                    {"outage_id": outage_id, "station_id": station_id}
                    for outage_id, rec in relinks
                    for station_id in rec["station_ids"]
                ],
            )
            executemany(
                session,
                insert(PlannedOutageWard.__table__),
                [
                    {"outage_id": outage_id, "province": rec["province"], "ward": ward}
                    for outage_id, rec in relinks
                    for ward in rec["wards"]
                ],
            )
        ctx.report.inserted += len(inserts)


def _days(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 24 else f"{hours:.0f} hours"
