"""The demo offices: one customer office per district branch, in the branch's first ward.

The fixture customers' branches (PB0501, PB1102, PB1403) have their office in the
fixture's own ward. Hours are the usual ones (Monday to Friday 07:00–11:30 and
13:00–17:00, Saturday morning); some branches open at 07:30 or close on Saturdays.
"""

from __future__ import annotations

import random
from typing import Any

from bot.db.demo_places import STREETS
from bot.demo.network import Network, _district_short

STANDARD_HOURS = "T2-T6 07:00-11:30,13:00-17:00; T7 07:00-11:30"
OTHER_HOURS = (
    "T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30",
    "T2-T6 07:00-11:30,13:00-17:00",
)


def build_offices(rng: random.Random, network: Network) -> list[dict[str, Any]]:
    first_station: dict[str, Any] = {}
    for station in network.stations:
        first_station.setdefault(station.unit, station)
    rows = []
    for number, (unit, station) in enumerate(sorted(first_station.items()), start=1):
        place = station.place
        hours = STANDARD_HOURS if rng.random() < 0.75 else rng.choice(OTHER_HOURS)
        rows.append(
            {
                "id": number,
                "code": f"{unit}-GD1",
                "name": f"Phòng giao dịch Điện lực {_district_short(place.old_district)}",
                "managing_unit": unit,
                "province": place.province,
                "ward": place.ward,
                "address": f"{rng.randint(2, 250)} {rng.choice(STREETS)}",
                "opening_hours": hours,
            }
        )
    return rows
