"""Importing customers (natural key: the customer code); missing stations and feeders are created."""

from __future__ import annotations

from datetime import datetime
from datetime import time as dtime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import (
    Customer,
    Feeder,
    Station,
    SupplyStatus,
    TariffGroup,
)
from bot.importer import fields as fmt
from bot.importer.bulk import bulk_insert
from bot.importer.framework import (
    Context,
    Item,
    Kind,
    changed_values,
    customer_ids,
    executemany,
    field_value,
    optional_value,
    select_in,
    update_by_id,
)

TARIFF_GROUPS = {
    "residential": TariffGroup.RESIDENTIAL.value,
    "sinh hoạt": TariffGroup.RESIDENTIAL.value,
    "business": TariffGroup.BUSINESS.value,
    "kinh doanh": TariffGroup.BUSINESS.value,
}
SUPPLY_STATUSES = {
    "normal": SupplyStatus.NORMAL.value,
    "suspended": SupplyStatus.SUSPENDED.value,
}


# ------------------------------------------------------------------------ customers


class CustomerImport(Kind):
    name = "customers"
    required = ("customer_code", "name", "province", "ward", "reading_day")
    optional = (
        "phone",
        "address",
        "old_province",
        "old_district",
        "old_ward",
        "station_code",
        "station_name",
        "feeder_code",
        "feeder_name",
        "households",
        "meter_multiplier",
        "tariff_group",
        "supply_status",
        "suspended_at",
        "restored_at",
        "notices_sent",
    )
    key_label = "customer code"
    # file column -> customers table column, for the columns copied as they are
    _DIRECT = {
        "name": "name",
        "phone": "phone",
        "address": "address",
        "province": "province",
        "ward": "ward",
        "old_province": "old_province",
        "old_district": "old_district",
        "old_ward": "old_ward",
        "households": "households",
        "meter_multiplier": "meter_multiplier",
        "reading_day": "reading_day",
        "tariff_group": "tariff_group",
        "supply_status": "supply_status",
        "suspended_at": "suspended_at",
        "restored_at": "restored_at",
        "notices_sent": "notices_sent",
    }

    def parse(self, item: Item, ctx: Context) -> None:
        rec = item.rec
        rec["code"] = field_value(item, "customer_code", fmt.customer_code)
        rec["name"] = field_value(item, "name", fmt.text, max_length=200, required=True)
        rec["phone"] = field_value(item, "phone", fmt.phone)
        rec["address"] = field_value(item, "address", fmt.text, max_length=300)
        rec["province"] = field_value(item, "province", fmt.text, max_length=100, required=True)
        rec["ward"] = field_value(item, "ward", fmt.text, max_length=100, required=True)
        for column in ("old_province", "old_district", "old_ward"):
            rec[column] = field_value(item, column, fmt.text, max_length=100)
        rec["station_code"] = field_value(item, "station_code", fmt.text, max_length=32)
        rec["station_name"] = field_value(item, "station_name", fmt.text, max_length=200)
        rec["feeder_code"] = field_value(item, "feeder_code", fmt.text, max_length=32)
        rec["feeder_name"] = field_value(item, "feeder_name", fmt.text, max_length=200)
        rec["households"] = optional_value(item, "households", fmt.whole_number, minimum=1, maximum=99) or 1
        rec["meter_multiplier"] = (
            optional_value(item, "meter_multiplier", fmt.whole_number, minimum=1, maximum=100_000) or 1
        )
        rec["reading_day"] = field_value(item, "reading_day", fmt.whole_number, minimum=1, maximum=31)
        rec["tariff_group"] = field_value(
            item, "tariff_group", fmt.choice, TARIFF_GROUPS, default=TariffGroup.RESIDENTIAL.value
        )
        rec["supply_status"] = field_value(
            item, "supply_status", fmt.choice, SUPPLY_STATUSES, default=SupplyStatus.NORMAL.value
        )
        rec["suspended_at"] = optional_value(item, "suspended_at", _date_or_datetime)
        rec["restored_at"] = optional_value(item, "restored_at", _date_or_datetime)
        rec["notices_sent"] = (
            optional_value(item, "notices_sent", fmt.whole_number, minimum=0, maximum=99) or 0
        )
        network = rec["feeder_code"] or rec["station_name"] or rec["feeder_name"]
        if network and not rec["station_code"]:
            item.fail("station_code", "is required when a station name or feeder is given")
        if rec["supply_status"] == SupplyStatus.SUSPENDED.value and not rec["suspended_at"]:
            item.fail("suspended_at", "is required when supply_status is suspended")
        if rec["code"]:
            rec["managing_unit"] = rec["code"][:6]

    def key(self, rec: dict[str, Any]) -> tuple:
        return (rec["code"],)

    def resolve(self, session: Session, items: list[Item], ctx: Context) -> None:
        codes = {item.rec["station_code"] for item in items if item.rec["station_code"]}
        stations = select_in(
            session,
            lambda part: select(Station.code, Station.id, Station.name, Station.feeder_id).where(
                Station.code.in_(part)
            ),
            codes,
        )
        ctx.cache["stations"] = {row.code: row for row in stations}
        feeder_codes = {item.rec["feeder_code"] for item in items if item.rec["feeder_code"]}
        feeders = select_in(
            session,
            lambda part: select(Feeder.code, Feeder.id).where(Feeder.code.in_(part)),
            feeder_codes,
        )
        ctx.cache["feeders"] = {row.code: row.id for row in feeders}
        columns = [Customer.__table__.c[name] for name in set(self._DIRECT.values())]
        ctx.cache["customers"] = customer_ids(session, items, Customer.station_id, *columns)

    def write(self, session: Session, items: list[Item], ctx: Context) -> None:
        report = ctx.report
        feeders: dict[str, int] = ctx.cache["feeders"]
        new_feeders: dict[str, dict[str, Any]] = {}
        for item in items:
            code = item.rec["feeder_code"]
            if code and code not in feeders and code not in new_feeders:
                new_feeders[code] = {
                    "code": code,
                    "name": item.rec["feeder_name"] or code,
                    "managing_unit": item.rec["managing_unit"],
                }
        if new_feeders:
            executemany(session, insert(Feeder.__table__), list(new_feeders.values()))
            rows = select_in(
                session,
                lambda part: select(Feeder.code, Feeder.id).where(Feeder.code.in_(part)),
                new_feeders,
            )
            feeders.update({row.code: row.id for row in rows})
            report.extra["feeders created"] = report.extra.get("feeders created", 0) + len(new_feeders)

        stations = ctx.cache["stations"]
        new_stations: dict[str, dict[str, Any]] = {}
        station_updates: dict[str, dict[str, Any]] = {}
        for item in items:
            rec = item.rec
            code = rec["station_code"]
            if not code:
                continue
            feeder_id = feeders.get(rec["feeder_code"]) if rec["feeder_code"] else None
            existing = stations.get(code)
            if existing is None:
                if code not in new_stations:
                    new_stations[code] = {
                        "code": code,
                        "name": rec["station_name"] or f"TBA {code}",
                        "feeder_id": feeder_id,
                        "province": rec["province"],
                        "ward": rec["ward"],
                        "managing_unit": rec["managing_unit"],
                    }
                continue
            wanted: dict[str, Any] = {}
            if rec["station_name"]:
                wanted["name"] = rec["station_name"]
            if feeder_id is not None:
                wanted["feeder_id"] = feeder_id
            changes = changed_values(existing, wanted)
            if changes:
                station_updates.setdefault(code, {"_id": existing.id}).update(changes)
        if new_stations:
            executemany(session, insert(Station.__table__), list(new_stations.values()))
            report.extra["stations created"] = report.extra.get("stations created", 0) + len(new_stations)
            rows = select_in(
                session,
                lambda part: select(Station.code, Station.id, Station.name, Station.feeder_id).where(
                    Station.code.in_(part)
                ),
                new_stations,
            )
            stations.update({row.code: row for row in rows})
        if station_updates:
            update_by_id(session, Station.__table__, list(station_updates.values()))
            report.extra["stations updated"] = report.extra.get("stations updated", 0) + len(station_updates)

        existing_customers = ctx.cache["customers"]
        inserts, updates = [], []
        present = [column for column in self._DIRECT if ctx.has(column)]
        for item in items:
            rec = item.rec
            values = {self._DIRECT[column]: rec[column] for column in present}
            if ctx.has("station_code"):
                values["station_id"] = stations[rec["station_code"]].id if rec["station_code"] else None
            current = existing_customers.get(rec["code"])
            if current is None:
                full = {self._DIRECT[column]: rec[column] for column in self._DIRECT}
                full.update(values)
                full.setdefault("station_id", None)
                full["code"] = rec["code"]
                full["managing_unit"] = rec["managing_unit"]
                inserts.append(full)
                continue
            changes = changed_values(current, values)
            if changes:
                updates.append({"_id": current.id, **changes})
            else:
                report.unchanged += 1
        bulk_insert(session, Customer.__table__, inserts)
        update_by_id(session, Customer.__table__, updates)
        report.inserted += len(inserts)
        report.updated += len(updates)


def _date_or_datetime(value: str) -> datetime:
    """``dd/mm/yyyy HH:MM`` or ``dd/mm/yyyy`` (midnight), Vietnam time."""
    if " " in value.strip() or ":" in value:
        return fmt.vn_datetime(value)
    day = fmt.vn_date(value)
    return datetime.combine(day, dtime(0, 0), tzinfo=clock.VN_TZ)
