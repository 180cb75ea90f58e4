"""The demo network: district branches, feeders and transformer stations per province."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.db.demo_places import FIXTURE_PLACES, PB_PROVINCES, Place, southern_places
from bot.demo.base import (
    DISTRICTS_PER_PROVINCE,
    FEEDERS_PER_DISTRICT,
    FIXED_UNITS,
    PLACES_PER_DISTRICT,
    STATIONS_PER_PLACE,
)
from bot.demo.fixtures import FIXTURES

# ------------------------------------------------------------------------ network


@dataclass
class StationInfo:
    id: int
    code: str
    name: str
    feeder_id: int
    place: Place
    unit: str


@dataclass
class Network:
    feeders: list[dict[str, Any]] = field(default_factory=list)
    stations: list[StationInfo] = field(default_factory=list)
    by_pb: dict[str, list[StationInfo]] = field(default_factory=lambda: defaultdict(list))
    fixture_station: dict[str, StationInfo] = field(default_factory=dict)

    def station_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "code": s.code,
                "name": s.name,
                "feeder_id": s.feeder_id,
                "province": s.place.province,
                "ward": s.place.ward,
                "managing_unit": s.unit,
            }
            for s in self.stations
        ]


def _district_short(district: str) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Quận ", "Huyện "):
        if district.startswith(prefix):
            return district[len(prefix) :]
    return district


def build_network(rng: random.Random) -> Network:
    network = Network()
    places = southern_places()
    in_ward: dict[tuple[str, str], int] = defaultdict(int)  # station names unique in a ward
    for pb in PB_PROVINCES:
        by_district: dict[str, list[Place]] = defaultdict(list)
        for place in places[pb]:
            by_district[place.old_district].append(place)
        districts = sorted(by_district)
        fixture = FIXTURE_PLACES.get(pb)
        chosen = rng.sample(districts, min(DISTRICTS_PER_PROVINCE, len(districts)))
        if fixture is not None and fixture.old_district not in chosen:
            chosen[0] = fixture.old_district
        chosen.sort()
        taken = {unit for (p, _), unit in FIXED_UNITS.items() if p == pb}
        next_unit = 1
        for district in chosen:
            unit_number = FIXED_UNITS.get((pb, district))
            if unit_number is None:
                while next_unit in taken:
                    next_unit += 1
                unit_number = next_unit
                taken.add(unit_number)
            unit = f"PB{pb}{unit_number:02d}"
            short = _district_short(district)
            feeder_ids = []
            for k in range(FEEDERS_PER_DISTRICT):
                feeder_id = len(network.feeders) + 1
                number = 471 + k + 2 * rng.randrange(3)
                network.feeders.append(
                    {
                        "id": feeder_id,
                        "code": f"{unit}-{number}",
                        "name": f"Xuất tuyến {number} {short}",
                        "substation": f"Trạm 110 kV {short}",
                        "managing_unit": unit,
                    }
                )
                feeder_ids.append(feeder_id)
            # Places: distinct current wards of the district, the fixture's first.
            candidates = list({p.ward: p for p in by_district[district]}.values())
            picked = rng.sample(candidates, min(PLACES_PER_DISTRICT, len(candidates)))
            if fixture is not None and fixture.old_district == district:
                picked = [fixture] + [p for p in picked if p.ward != fixture.ward][: PLACES_PER_DISTRICT - 1]
            counter = 0
            for place in picked:
                for n in range(1, STATIONS_PER_PLACE + 1):
                    counter += 1
                    in_ward[(place.province, place.ward)] += 1
                    station = StationInfo(
                        id=len(network.stations) + 1,
                        code=f"{unit}-T{counter:03d}",
                        name=f"TBA {place.ward_short} {in_ward[(place.province, place.ward)]}",
                        feeder_id=feeder_ids[(counter - 1) % len(feeder_ids)],
                        place=place,
                        unit=unit,
                    )
                    network.stations.append(station)
                    network.by_pb[pb].append(station)
                    if place == fixture and n == 1:
                        for customer in FIXTURES:
                            if customer.place == fixture:
                                network.fixture_station[customer.code] = station
    return network
