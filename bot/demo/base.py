"""The demo data's settings (sizes, weights, seasons, reasons), dates and run options."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime

from bot import clock
from bot.demo.fixtures import FIXTURES

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


def at_time(day: date, hour: int, minute: int = 0) -> datetime:
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
