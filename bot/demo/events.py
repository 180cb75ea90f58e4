"""Demo planned outages (past 90 days, next 14) and incidents (restored and open)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot import clock
from bot.db.models import (
    IncidentStatus,
    OutageStatus,
)
from bot.demo.base import INCIDENT_CAUSES, OUTAGE_REASONS, at_time, made_at
from bot.demo.fixtures import FIXTURES
from bot.demo.network import Network, StationInfo

# --------------------------------------------------------------- outages, incidents


@dataclass
class Events:
    outages: list[dict[str, Any]] = field(default_factory=list)
    outage_stations: list[dict[str, Any]] = field(default_factory=list)
    outage_wards: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    incident_stations: list[dict[str, Any]] = field(default_factory=list)
    incident_wards: list[dict[str, Any]] = field(default_factory=list)


def _area(stations: list[StationInfo]) -> str:
    parts = []
    for place in dict.fromkeys(s.place for s in stations):
        names = ", ".join(s.name for s in stations if s.place == place)
        parts.append(
            f"Một phần {place.ward} ({place.old_ward}, {place.old_district} cũ), "
            f"{place.province}: khách hàng sau {names}"
        )
    return "; ".join(parts)


def build_events(rng: random.Random, network: Network, today: date) -> Events:
    events = Events()
    now = made_at(today)
    fixture_ids = {station.id for station in network.fixture_station.values()}
    ordinary = [s for s in network.stations if s.id not in fixture_ids]
    by_feeder: dict[int, list[StationInfo]] = defaultdict(list)
    for station in ordinary:
        by_feeder[station.feeder_id].append(station)
    feeders = sorted(by_feeder)
    daily: dict[date, int] = defaultdict(int)

    def outage_code(start: datetime) -> str:
        daily[start.date()] += 1
        return f"KH{start:%y%m%d}{daily[start.date()]:02d}"

    def add_outage(
        stations: list[StationInfo],
        start: datetime,
        end: datetime,
        reason: str,
        announced: datetime,
        status: str,
    ) -> None:
        if start - announced < timedelta(days=5):
            raise AssertionError("a planned outage must be announced at least 5 days ahead")
        outage_id = len(events.outages) + 1
        events.outages.append(
            {
                "id": outage_id,
                "code": outage_code(start),
                "starts_at": start,
                "ends_at": end,
                "reason": reason,
                "area": _area(stations),
                "announced_at": announced,
                "status": status,
            }
        )
        events.outage_stations.extend({"outage_id": outage_id, "station_id": s.id} for s in stations)
        wards = dict.fromkeys((s.place.province, s.place.ward) for s in stations)
        events.outage_wards.extend(
            {"outage_id": outage_id, "province": province, "ward": ward} for province, ward in wards
        )

    # The fixture customer's outage: his station, today + 6, announced today.
    for fixture in FIXTURES:
        if fixture.planned_outage is None:
            continue
        spec = fixture.planned_outage
        day = today + timedelta(days=spec.days_after_today)
        start = datetime.combine(day, spec.start, tzinfo=clock.VN_TZ)
        end = datetime.combine(day, spec.end, tzinfo=clock.VN_TZ)
        add_outage(
            [network.fixture_station[fixture.code]],
            start,
            end,
            spec.reason,
            now,
            OutageStatus.SCHEDULED.value,
        )

    for offset in range(-90, 15):
        day = today + timedelta(days=offset)
        count = 1 if offset == 0 else (rng.random() < (0.45 if offset < 0 else 0.8)) * rng.randint(1, 2)
        for _ in range(count):
            feeder = rng.choice(feeders)
            section = by_feeder[feeder]
            stations = sorted(rng.sample(section, rng.randint(1, min(3, len(section)))), key=lambda s: s.id)
            hour, minute = rng.choice(((7, 0), (7, 30), (8, 0), (13, 0)))
            start = at_time(day, hour, minute)
            end = start + timedelta(hours=rng.choice((3, 4, 5, 8, 8.5, 9)))
            if offset == 0:
                start, end = at_time(day, 7, 30), at_time(day, 16, 0)  # one under way today
            announced = min(at_time(day - timedelta(days=rng.randint(6, 10)), 9), now)
            if end <= now:
                status = OutageStatus.CANCELLED.value if rng.random() < 0.05 else OutageStatus.COMPLETED.value
            else:
                status = OutageStatus.CANCELLED.value if rng.random() < 0.04 else OutageStatus.SCHEDULED.value
            add_outage(stations, start, end, rng.choice(OUTAGE_REASONS), announced, status)

    def add_incident(
        station: StationInfo, started: datetime, restored: datetime | None, expected: datetime, cause: str
    ) -> None:
        incident_id = len(events.incidents) + 1
        events.incidents.append(
            {
                "id": incident_id,
                "code": f"SC-{started:%y%m%d}-{incident_id:04d}",
                "cause": cause,
                "area": _area([station]),
                "status": IncidentStatus.RESTORED.value if restored else IncidentStatus.OPEN.value,
                "started_at": started,
                "expected_restoration_at": expected,
                "restored_at": restored,
                "created_at": started + timedelta(minutes=rng.randint(3, 20)),
            }
        )
        events.incident_stations.append({"incident_id": incident_id, "station_id": station.id})
        events.incident_wards.append(
            {"incident_id": incident_id, "province": station.place.province, "ward": station.place.ward}
        )

    for _ in range(60):  # restored incidents over the past 60 days
        day = today - timedelta(days=rng.randint(1, 60))
        started = at_time(day, rng.randint(0, 22), rng.randrange(0, 60, 5))
        duration = timedelta(minutes=rng.randint(40, 420))
        add_incident(
            rng.choice(ordinary),
            started,
            started + duration,
            started + timedelta(hours=rng.choice((2, 3, 4))),
            rng.choice(INCIDENT_CAUSES),
        )
    for fixture in FIXTURES:  # the fixture's open incident, started this morning
        if fixture.open_incident:
            started = now - timedelta(hours=1, minutes=35)
            add_incident(
                network.fixture_station[fixture.code],
                started,
                None,
                started + timedelta(hours=5),
                "sự cố đường dây trung thế (cây ngã vào đường dây)",
            )
    for station in rng.sample(ordinary, 3):  # a few other open incidents
        started = now - timedelta(minutes=rng.randint(30, 300))
        add_incident(
            station,
            started,
            None,
            started + timedelta(hours=rng.choice((3, 4, 6))),
            rng.choice(INCIDENT_CAUSES),
        )
    return events
