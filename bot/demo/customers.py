"""The demo customers: where they live, what they use, how they pay."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.demo_places import HAMLETS, STREETS, Place
from bot.demo.base import CHANNELS, FIRST_GENERATED_SEQUENCE, PROFILES, PROVINCE_WEIGHTS
from bot.demo.fixtures import FIXTURE_PHONES, FIXTURES, FixtureCustomer
from bot.demo.network import Network, StationInfo
from bot.demo.people import mobile_number, person_name

# ---------------------------------------------------------------------- customers


@dataclass
class CustomerPlan:
    id: int
    code: str
    name: str
    phone: str | None
    address: str
    station: StationInfo
    households: int
    reading_day: int
    profile: str
    channel: str
    base_kwh: float
    initial_index: int
    fixture: FixtureCustomer | None = None


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def _address(rng: random.Random, place: Place) -> str:
    if place.is_urban:
        return f"{rng.randint(1, 320)} {rng.choice(STREETS)}, Khu phố {rng.randint(1, 9)}"
    return f"{rng.choice(HAMLETS[:2])} {rng.choice(('Long', 'Tân', 'Phú', 'Mỹ', 'An', 'Bình'))} " + (
        f"{rng.choice(('Hòa', 'Thạnh', 'Lợi', 'Hưng', 'Đông', 'Tây'))}, tổ {rng.randint(1, 12)}"
    )


def _reading_day(rng: random.Random) -> int:
    """Commonly the 6th-15th (DOMAIN.md); some routes earlier or later in the month, and
    a few already read on the last day of the month (31 = the month's last day)."""
    draw = rng.random()
    if draw < 0.01:
        return 31
    if draw < 0.05:
        return rng.randint(1, 5)
    if draw < 0.15:
        return rng.randint(16, 25)
    return rng.randint(6, 15)


def plan_customers(rng: random.Random, network: Network, count: int) -> list[CustomerPlan]:
    total_weight = sum(PROVINCE_WEIGHTS.values())
    shares = {pb: count * w // total_weight for pb, w in PROVINCE_WEIGHTS.items()}
    for pb in list(PROVINCE_WEIGHTS)[: count - sum(shares.values())]:
        shares[pb] += 1
    plans: list[CustomerPlan] = []
    sequence: dict[str, int] = defaultdict(lambda: FIRST_GENERATED_SEQUENCE)
    used_phones = set(FIXTURE_PHONES)
    for fixture in FIXTURES:
        plans.append(
            CustomerPlan(
                id=len(plans) + 1,
                code=fixture.code,
                name=fixture.name,
                phone=fixture.phone,
                address=fixture.address,
                station=network.fixture_station[fixture.code],
                households=fixture.households,
                reading_day=fixture.reading_day,
                profile="fixture",
                channel=fixture.payment_channel,
                base_kwh=230.0 * fixture.households,
                initial_index=rng.randint(4_000, 30_000),
                fixture=fixture,
            )
        )
    for pb, share in shares.items():
        stations = network.by_pb[pb]
        for _ in range(share):
            station = rng.choice(stations)
            unit = station.unit
            sequence[unit] += 1
            households = 1 if rng.random() < 0.9 else rng.choice((2, 2, 3))
            vacant = rng.random() < 0.02
            base = rng.uniform(4, 25) if vacant else min(max(rng.lognormvariate(5.15, 0.42), 45), 900)
            profile = _weighted(rng, PROFILES)
            phone = None
            if rng.random() < 0.95:
                phone = mobile_number(rng, frozenset(used_phones))
                used_phones.add(phone)
            plans.append(
                CustomerPlan(
                    id=len(plans) + 1,
                    code=f"{unit}{sequence[unit]:07d}",
                    name=person_name(rng),
                    phone=phone,
                    address=_address(rng, station.place),
                    station=station,
                    households=households,
                    reading_day=_reading_day(rng),
                    profile=profile,
                    channel="auto_debit" if profile == "auto" else _weighted(rng, CHANNELS),
                    base_kwh=base * households,
                    initial_index=rng.randint(1_000, 60_000),
                )
            )
    return plans
