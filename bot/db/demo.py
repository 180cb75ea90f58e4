"""Deterministic demo data: ``python -m bot demo-data [--seed N] [--today dd/mm/yyyy] [--force]``.

What it makes (docs/data-import.md, "Demo data", says more):

* a network per southern PB province: district branches (managing units), feeders,
  transformer stations in real current wards (old names kept: demo_places.py);
* ``customers`` fictional residential customers (default 5,000) plus the three fixture
  customers of demo_fixtures.py, each fed by a station;
* 24 monthly readings per customer up to the last reading day before today, indexes
  chained, with a hot-season peak (March to June); a few estimated readings;
* one invoice per reading, billed by the tariff engine (per-tier lines stored); issue
  the day or two after the reading, due ``PAYMENT_TERM_DAYS`` later; most paid, some
  unpaid, some overdue with reminders, a few suspensions (and past ones restored);
* planned outages over the past 90 days and the next 14, each announced at least 5
  days ahead; restored incidents and a few open ones.

The same seed and today give the same rows (a seeded ``random.Random`` per purpose).
Safety: it loads only into the embedded default database unless explicitly allowed
(``allow_non_default_db``), and refuses a database that already has customers unless
``force`` (which first deletes every utility table but the tariff tables).
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import logging
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot import clock
from bot.db.demo_fixtures import FIXTURE_PHONES, FIXTURES, FixtureCustomer, PinnedPeriod
from bot.db.demo_people import mobile_number, person_name
from bot.db.demo_places import FIXTURE_PLACES, HAMLETS, PB_PROVINCES, STREETS, Place, southern_places
from bot.db.importer import PAYMENT_TERM_DAYS, bulk_insert, invoice_line_rows
from bot.db.models import (
    Customer,
    Feeder,
    Incident,
    IncidentStatus,
    IncidentWard,
    Invoice,
    InvoiceLine,
    MeterReading,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    ReadingSource,
    Station,
    SupplyStatus,
    TariffGroup,
    incident_stations,
    metadata,
    planned_outage_stations,
)

log = logging.getLogger(__name__)

DEFAULT_SEED = 1279  # after QĐ 1279/QĐ-BCT; any fixed number would do
DEFAULT_CUSTOMERS = 5000
MONTHS = 24
MADE_AT = dtime(7, 0)  # "the moment the data is made": today at 07:00, Vietnam time
INSERT_CHUNK = 5000
CUSTOMER_BATCH = 500
TARIFF_TABLES = frozenset({"tariff_versions", "tariff_tiers", "vat_periods"})
FIRST_GENERATED_SEQUENCE = 100  # codes ...0000001-...0000099 are left to fixtures

# Share of the customers per PB province (roughly by households served).
PROVINCE_WEIGHTS = {
    "01": 5,
    "02": 6,
    "03": 6,
    "04": 9,
    "05": 6,
    "06": 7,
    "07": 6,
    "08": 7,
    "09": 5,
    "10": 4,
    "11": 6,
    "12": 7,
    "13": 6,
    "14": 5,
    "15": 5,
    "16": 4,
    "17": 4,
    "18": 3,
    "19": 3,
}
DISTRICTS_PER_PROVINCE = 3
PLACES_PER_DISTRICT = 3
STATIONS_PER_PLACE = 2
FEEDERS_PER_DISTRICT = 2
# Managing units of the fixture customers' districts (their codes say PB0501, PB1102, PB1403).
FIXED_UNITS = {(f.place.pb, f.place.old_district): int(f.code[4:6]) for f in FIXTURES}

# Monthly usage factor by calendar month: hot season March to June (39-42 °C).
SEASON = {
    1: 0.92,
    2: 0.95,
    3: 1.12,
    4: 1.32,
    5: 1.38,
    6: 1.22,
    7: 1.05,
    8: 1.0,
    9: 0.98,
    10: 0.96,
    11: 0.94,
    12: 0.92,
}
CHANNELS = (
    ("bank", 20),
    ("momo", 20),
    ("zalopay", 10),
    ("vnpay", 8),
    ("viettelmoney", 5),
    ("shopeepay", 3),
    ("app", 8),
    ("collection_point", 14),
    ("counter", 6),
)
PROFILES = (("auto", 22), ("prompt", 56), ("late", 16), ("debtor", 6))
OUTAGE_REASONS = (
    "bảo trì, sửa chữa lưới điện",
    "thay máy biến áp",
    "nâng cấp, cải tạo đường dây trung thế",
    "vệ sinh cách điện, bảo dưỡng thiết bị",
    "di dời trụ điện phục vụ mở rộng đường",
    "lắp đặt thiết bị đóng cắt trên lưới",
    "thi công đấu nối công trình điện",
    "chặt, tỉa cây trong hành lang an toàn lưới điện",
)
INCIDENT_CAUSES = (
    "sự cố đường dây trung thế",
    "cây ngã vào đường dây",
    "sét đánh trên lưới điện",
    "quá tải máy biến áp",
    "sự cố cáp ngầm",
    "động vật bò lên thiết bị gây ngắn mạch",
    "xe va quẹt làm gãy trụ điện",
    "đứt dây dẫn do mưa giông",
)


class DemoRefused(Exception):
    """The demo data is not loaded (wrong database, data present): the reason is the message."""


# ------------------------------------------------------------------------- dates


@functools.lru_cache(maxsize=4096)
def reading_on(year: int, month: int, day: int) -> date:
    """The reading date of a month for a reading day (clamped to the month's end)."""
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def reading_dates(day: int, today: date, months: int = MONTHS) -> list[date]:
    """``months + 1`` reading dates, oldest first, the last one strictly before today.

    The first date is the reading that opens the first generated period (not stored).
    """
    year, month = today.year, today.month
    if reading_on(year, month, day) >= today:
        year, month = _shift(year, month, -1)
    return [reading_on(*_shift(year, month, -back), day) for back in range(months, -1, -1)]


def made_at(today: date) -> datetime:
    return datetime.combine(today, MADE_AT, tzinfo=clock.VN_TZ)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), tzinfo=clock.VN_TZ)


# ------------------------------------------------------------------------- config


@dataclass(frozen=True)
class DemoConfig:
    today: date
    seed: int = DEFAULT_SEED
    customers: int = DEFAULT_CUSTOMERS
    months: int = MONTHS


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    database: str = ""
    today: date | None = None
    seed: int = DEFAULT_SEED

    def summary(self) -> str:
        rows = ", ".join(f"{name} {count:,}".replace(",", ".") for name, count in self.counts.items())
        return (
            f"Demo data loaded into {self.database} (seed {self.seed}, today "
            f"{self.today:%d/%m/%Y}) in {self.seconds:.1f} s: {rows}"
        )


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


# ------------------------------------------------------------------ bills and history


class BillCache:
    """The tariff engine's bills, memoised: many customers share a cycle and a kWh.

    A period with no tariff or VAT change inside is billed by the engine from N (its
    days), T (days of the month before the reading date), households and the version
    and rate in force (DOMAIN.md): such bills are shared by that key, whatever the
    dates. The demo only reads lines, widths and amounts of a bill, never its dates
    unless the period is split (and split periods are keyed by their dates).
    """

    def __init__(self, schedule: Any | None = None) -> None:
        from bot.services.tariff import compute_bill, days_in_month_before, load_schedule

        self._schedule = schedule or load_schedule()
        self._compute = compute_bill
        self._t_days = days_in_month_before
        changes: set[date] = set()
        for version in self._schedule.versions:
            changes.add(version.effective_from)
            if version.effective_to is not None:
                changes.add(version.effective_to + timedelta(days=1))
        for period in self._schedule.vat_periods:
            changes.add(period.start)
            if period.end is not None:
                changes.add(period.end + timedelta(days=1))
        self._changes = sorted(changes)
        self.first_day = self._schedule.versions[0].effective_from  # no price before it
        self._in_force: dict[date, tuple[str, Any]] = {}
        self._t_by_end: dict[date, int] = {}
        self._bills: dict[tuple, Any] = {}
        self.computed = 0

    def key(self, kwh: int, start: date, end: date, households: int) -> tuple:
        index = bisect.bisect_right(self._changes, start)
        if index < len(self._changes) and self._changes[index] <= end:
            return ("split", kwh, start, end, households)
        in_force = self._in_force.get(start)
        if in_force is None:
            in_force = (self._schedule.version_on(start).code, self._schedule.vat_rate_on(start))
            self._in_force[start] = in_force
        t_days = self._t_by_end.get(end)
        if t_days is None:
            t_days = self._t_by_end[end] = self._t_days(end)
        return ("regular", kwh, households, (end - start).days + 1, t_days, *in_force)

    def __call__(self, kwh: int, start: date, end: date, households: int) -> tuple[Any, list[dict]]:
        """The bill and its ``invoice_lines`` rows (without ids) for these inputs."""
        key = self.key(kwh, start, end, households)
        found = self._bills.get(key)
        if found is None:
            if len(self._bills) >= 200_000:
                self._bills.clear()
            bill = self._compute(kwh, start, end, households, self._schedule)
            lines = invoice_line_rows(0, bill)
            for line in lines:
                del line["invoice_id"]
            found = self._bills[key] = (bill, lines)
            self.computed += 1
        return found


@dataclass
class IdCounter:
    readings: int = 0
    invoices: int = 0
    lines: int = 0


@dataclass
class History:
    customer: dict[str, Any]
    readings: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    lines: list[dict[str, Any]]


def _usage(rng: random.Random, plan: CustomerPlan, start: date, end: date) -> int:
    days = (end - start).days + 1
    middle = start + timedelta(days=days // 2)
    year = end.year + (end.month - 1) / 12.0
    trend = 1.0 + 0.03 * (year - 2026)  # usage grows about 3% a year
    kwh = plan.base_kwh * SEASON[middle.month] * trend * days / 30.4 * rng.gauss(1.0, 0.07)
    if rng.random() < 0.015:
        kwh *= 1.45  # an unusual month (guests, a new air conditioner...): re-check material
    return max(0, round(kwh))


def _reminders(today: date, due: date, cap: int | None) -> int:
    """Reminders sent for a bill still unpaid today: 1 the day after the due date, 2 a
    week after that (the second notice, after which supply may be suspended)."""
    count = 0 if today <= due else (1 if today <= due + timedelta(days=7) else 2)
    return count if cap is None else min(count, cap)


def build_history(plan: CustomerPlan, config: DemoConfig, ids: IdCounter, bills: BillCache) -> History:
    rng = random.Random(f"{config.seed}:{plan.code}")
    today = config.today
    fixture = plan.fixture
    pins: dict[date, PinnedPeriod] = {pin.end: pin for pin in fixture.pins} if fixture else {}
    last_pin_end = max(pins) if pins else None
    dates = reading_dates(plan.reading_day, today, config.months)
    debtor_unpaid = rng.randint(1, 3) if plan.profile == "debtor" else 0
    index = plan.initial_index
    readings, invoices, lines = [], [], []
    unpaid_overdue: list[dict[str, Any]] = []
    late_payments: list[dict[str, Any]] = []
    periods = list(itertools.pairwise(dates))
    for number, (previous, end) in enumerate(periods):
        start = previous + timedelta(days=1)
        if start < bills.first_day:
            continue  # before the first price table in data/tariffs.yml: cannot be billed
        pin = pins.get(end)
        kwh = _usage(rng, plan, start, end)
        if pin is not None:
            if pin.start != start:
                raise AssertionError(f"{plan.code}: pinned period {pin.start}..{pin.end} is not a cycle")
            kwh = pin.kwh
        estimated = pin is None and rng.random() < 0.015
        ids.readings += 1
        reading_id = ids.readings
        readings.append(
            {
                "id": reading_id,
                "customer_id": plan.id,
                "period_start": start,
                "period_end": end,
                "reading_date": end,
                "old_index": index,
                "new_index": index + kwh,
                "kwh": kwh,
                "source": ReadingSource.ESTIMATED.value if estimated else ReadingSource.READ.value,
            }
        )
        index += kwh
        bill, bill_lines = bills(kwh, start, end, plan.households)
        if pin is not None and bill.total != pin.total:
            raise AssertionError(
                f"{plan.code} {start}..{end}: the tariff engine bills {bill.total}, fixture says {pin.total}"
            )
        issue = min(end + timedelta(days=1 if (fixture or rng.random() < 0.7) else 2), today)
        due = issue + timedelta(days=PAYMENT_TERM_DAYS)
        paid_on: date | None
        remaining = len(periods) - number  # 1 for the newest period
        if fixture is not None:
            if pin is not None:
                paid_on = (pin.payment_date or issue + timedelta(days=3)) if pin.paid else None
            elif last_pin_end is not None and end > last_pin_end:
                paid_on = issue + timedelta(days=4) if fixture.later == "paid" else None
            else:
                paid_on = issue + timedelta(days=3)
        elif plan.profile == "auto":
            paid_on = issue + timedelta(days=1)
        elif plan.profile == "late" and rng.random() < 0.3:
            paid_on = due + timedelta(days=rng.randint(1, 12))
        elif plan.profile == "debtor" and remaining <= debtor_unpaid:
            paid_on = None
        else:
            paid_on = issue + timedelta(days=rng.randint(0, PAYMENT_TERM_DAYS))
        if paid_on is not None and paid_on > today:
            paid_on = None  # not paid yet
        cap = fixture.max_reminders if fixture else None
        if paid_on is None:
            reminders = _reminders(today, due, cap)
        else:
            reminders = 0 if paid_on <= due else min(1, cap if cap is not None else 1)
        if pin is not None and pin.reminders is not None:
            reminders = pin.reminders
        ids.invoices += 1
        invoice = {
            "id": ids.invoices,
            "customer_id": plan.id,
            "reading_id": reading_id,
            "period_start": start,
            "period_end": end,
            "kwh": kwh,
            "subtotal": int(bill.subtotal),
            "vat_rate": bill.vat_rate,
            "vat_amount": int(bill.vat_amount),
            "total": int(bill.total),
            "issue_date": issue,
            "due_date": due,
            "payment_date": paid_on,
            "payment_channel": plan.channel if paid_on is not None else None,
            "reminders_sent": reminders,
        }
        invoices.append(invoice)
        for line in bill_lines:
            ids.lines += 1
            lines.append({"id": ids.lines, "invoice_id": ids.invoices, **line})
        if paid_on is None and today > due:
            unpaid_overdue.append(invoice)
        if paid_on is not None and paid_on > due + timedelta(days=9):
            late_payments.append(invoice)

    customer = _customer_row(plan, today, rng, unpaid_overdue, late_payments)
    return History(customer, readings, invoices, lines)


def _customer_row(
    plan: CustomerPlan,
    today: date,
    rng: random.Random,
    unpaid_overdue: list[dict[str, Any]],
    late_payments: list[dict[str, Any]],
) -> dict[str, Any]:
    fixture = plan.fixture
    notices = max((invoice["reminders_sent"] for invoice in unpaid_overdue), default=0)
    status, suspended_at, restored_at = SupplyStatus.NORMAL.value, None, None
    limit = made_at(today) - timedelta(hours=1)
    if fixture is None and notices >= 2 and rng.random() < 0.35:
        oldest = unpaid_overdue[0]
        moment = _at(oldest["due_date"] + timedelta(days=10), 9)  # >= 24 h after the 2nd notice
        if moment <= limit:
            status, suspended_at = SupplyStatus.SUSPENDED.value, moment
    if status == SupplyStatus.NORMAL.value and fixture is None and late_payments and rng.random() < 0.3:
        invoice = late_payments[-1]
        moment = _at(invoice["due_date"] + timedelta(days=9), 9)
        back = _at(invoice["payment_date"], 16)
        if moment < back <= limit:
            suspended_at, restored_at = moment, back  # suspended, paid, restored the same day
    if fixture is not None and fixture.notices_sent is not None:
        notices = fixture.notices_sent
    return {
        "id": plan.id,
        "code": plan.code,
        "name": plan.name,
        "phone": plan.phone,
        "address": plan.address,
        "province": plan.station.place.province,
        "ward": plan.station.place.ward,
        "old_province": plan.station.place.old_province,
        "old_district": plan.station.place.old_district,
        "old_ward": plan.station.place.old_ward,
        "managing_unit": plan.code[:6],
        "station_id": plan.station.id,
        "households": plan.households,
        "meter_multiplier": 1,
        "reading_day": plan.reading_day,
        "tariff_group": TariffGroup.RESIDENTIAL.value,
        "supply_status": status,
        "suspended_at": suspended_at,
        "restored_at": restored_at,
        "notices_sent": notices,
    }


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
            start = _at(day, hour, minute)
            end = start + timedelta(hours=rng.choice((3, 4, 5, 8, 8.5, 9)))
            if offset == 0:
                start, end = _at(day, 7, 30), _at(day, 16, 0)  # one under way today
            announced = min(_at(day - timedelta(days=rng.randint(6, 10)), 9), now)
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
        started = _at(day, rng.randint(0, 22), rng.randrange(0, 60, 5))
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


# -------------------------------------------------------------------- generation


@dataclass
class Batch:
    """Rows ready for bulk insertion, table by table, in foreign-key order."""

    rows: dict[str, list[dict[str, Any]]]


def generate(config: DemoConfig) -> Iterator[Batch]:
    """The demo data as batches of rows (network first, then customers and their
    history in groups, then outages and incidents). Deterministic."""
    rng = random.Random(config.seed)
    network = build_network(rng)
    yield Batch({"feeders": network.feeders, "stations": network.station_rows()})
    plans = plan_customers(rng, network, config.customers)
    ids = IdCounter()
    bills = BillCache()
    for start in range(0, len(plans), CUSTOMER_BATCH):
        histories = [
            build_history(plan, config, ids, bills) for plan in plans[start : start + CUSTOMER_BATCH]
        ]
        yield Batch(
            {
                "customers": [h.customer for h in histories],
                "meter_readings": [r for h in histories for r in h.readings],
                "invoices": [i for h in histories for i in h.invoices],
                "invoice_lines": [line for h in histories for line in h.lines],
            }
        )
    events = build_events(random.Random(f"{config.seed}:events"), network, config.today)
    yield Batch(
        {
            "planned_outages": events.outages,
            "planned_outage_stations": events.outage_stations,
            "planned_outage_wards": events.outage_wards,
            "incidents": events.incidents,
            "incident_stations": events.incident_stations,
            "incident_wards": events.incident_wards,
        }
    )


_TABLES = {
    "feeders": Feeder.__table__,
    "stations": Station.__table__,
    "customers": Customer.__table__,
    "meter_readings": MeterReading.__table__,
    "invoices": Invoice.__table__,
    "invoice_lines": InvoiceLine.__table__,
    "planned_outages": PlannedOutage.__table__,
    "planned_outage_stations": planned_outage_stations,
    "planned_outage_wards": PlannedOutageWard.__table__,
    "incidents": Incident.__table__,
    "incident_stations": incident_stations,
    "incident_wards": IncidentWard.__table__,
}


# ------------------------------------------------------------------------ loading


def utility_tables() -> list[Any]:
    """Every table of ours except the tariff tables, children first (for deletion)."""
    return [t for t in reversed(metadata.sorted_tables) if t.name not in TARIFF_TABLES]


def has_data(session: Session) -> bool:
    for table in (Customer.__table__, Station.__table__, PlannedOutage.__table__, Incident.__table__):
        if session.execute(select(func.count()).select_from(table)).scalar_one():
            return True
    return False


def wipe(session: Session) -> None:
    """Delete every row of every utility table (the tariff tables are kept)."""
    for table in utility_tables():
        session.execute(delete(table))


def load(session: Session, config: DemoConfig) -> dict[str, int]:
    """Generate and bulk-insert the demo data; the caller commits. Returns row counts."""
    from bot.db.tariff_sync import sync_tariffs

    sync_tariffs(session)  # invoice lines reference the tariff versions
    counts: dict[str, int] = defaultdict(int)
    for batch in generate(config):
        for name, rows in batch.rows.items():
            bulk_insert(session, _TABLES[name], rows)
            counts[name] += len(rows)
    if session.get_bind().dialect.name == "postgresql":
        _reset_sequences(session)
    return dict(counts)


def _reset_sequences(session: Session) -> None:
    """Explicit ids do not advance PostgreSQL sequences: move them past the rows."""
    for name, table in _TABLES.items():
        if "id" in table.c and table.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
            )


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_target(database_url: str | None, allow_non_default_db: bool) -> str:
    """The URL to load into; DemoRefused unless it is the embedded default or allowed."""
    from bot.config import default_database_url, load_settings

    settings = load_settings()
    url = database_url or settings.database_url
    embedded = url == default_database_url() if database_url else settings.is_embedded_database
    if not embedded and not allow_non_default_db:
        raise DemoRefused(
            f"refusing to load demo data into {_shown(url)}: it is not the embedded default "
            f"database ({_shown(default_database_url())}), and fictional customers must never "
            "mix with real ones. If it really is a scratch database, pass "
            "--allow-non-default-db (python -m bot.db.demo --allow-non-default-db ...)."
        )
    return url


def load_demo(
    database_url: str | None = None,
    *,
    today: date | None = None,
    seed: int = DEFAULT_SEED,
    customers: int = DEFAULT_CUSTOMERS,
    force: bool = False,
    allow_non_default_db: bool = False,
    migrate_first: bool = True,
) -> DemoResult:
    """Check the target, migrate it, and load the demo data in one transaction."""
    from bot.db import migrate
    from bot.db.session import session_scope

    url = check_target(database_url, allow_non_default_db)
    config = DemoConfig(today=today or clock.today(), seed=seed, customers=customers)
    started = time.perf_counter()
    if migrate_first:
        migrate.upgrade(url)
    with session_scope(url) as session:
        if has_data(session):
            if not force:
                raise DemoRefused(
                    f"{_shown(url)} already has utility data (customers, stations, outages or "
                    "incidents): nothing loaded. Use --force to delete it and load the demo data again."
                )
            wipe(session)
        counts = load(session, config)
    result = DemoResult(
        counts=counts,
        seconds=time.perf_counter() - started,
        database=_shown(url),
        today=config.today,
        seed=seed,
    )
    log.info("demo data: %s", result.summary())
    return result


# ---------------------------------------------------------------------------- CLI


def parse_day(value: str) -> date:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in dd/mm/yyyy form") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.db.demo", description="Load the demo data.")
    parser.add_argument("--seed", type=int, default=None, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--today", default=None, metavar="dd/mm/yyyy", help="the day the data is made")
    parser.add_argument("--force", action="store_true", help="delete existing utility data first")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help="generated customers")
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL or var/utility.db")
    parser.add_argument(
        "--allow-non-default-db",
        action="store_true",
        help="allow a database other than the embedded default (never a production one)",
    )
    return parser


def main(args: argparse.Namespace | Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot demo-data``; returns the exit code."""
    if args is None or not isinstance(args, argparse.Namespace):
        args = build_parser().parse_args(None if args is None else list(args))
    try:
        today = (
            args.today if isinstance(args.today, date) else (parse_day(args.today) if args.today else None)
        )
    except argparse.ArgumentTypeError as exc:
        print(f"error: --today: {exc}", file=sys.stderr)
        return 2
    customers = getattr(args, "customers", None) or DEFAULT_CUSTOMERS
    if customers < 1:
        print("error: --customers must be at least 1", file=sys.stderr)
        return 2
    try:
        result = load_demo(
            getattr(args, "database_url", None),
            today=today,
            seed=DEFAULT_SEED if args.seed is None else args.seed,
            customers=customers,
            force=bool(getattr(args, "force", False)),
            allow_non_default_db=bool(getattr(args, "allow_non_default_db", False)),
        )
    except DemoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
