"""The three fictional fixture customers of the demo data (issue 3), exactly as written.

Their other periods are generated like everyone's (24 monthly readings up to the last
reading day before today, indexes chained), and the pinned periods below keep their
exact kWh, so their bills come out of the tariff engine with the amounts written here
(the generator checks it). Rules where "any today" meets the pinned facts:

* a pinned period that ends on or after today is not generated at all (its reading
  has not happened yet); one older than the 24 generated months is not generated
  either (the window is the same for everyone);
* a pinned payment date after today is not recorded (the bill is still unpaid then);
* "overdue" follows from the due date and the clock, so it holds once today is past
  the due date (with today = 27/11/2026 it does);
* periods before a fixture's last pinned period are paid on time; periods after it
  follow ``later`` ("paid": paid 4 days after issue, as that customer always does;
  "unpaid": the debt continues);
* fixture customers are never suspended; ``max_reminders`` caps the reminders of every
  invoice of that customer (PB14030000003: first reminder sent, no second).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.db.demo_places import FIXTURE_PLACES, Place


@dataclass(frozen=True)
class PinnedPeriod:
    start: date
    end: date
    kwh: int
    total: int  # đồng, with VAT: must equal the tariff engine's total
    paid: bool
    payment_date: date | None = None  # None with paid=True: paid 3 days after issue
    reminders: int | None = None  # None: from the general rule


@dataclass(frozen=True)
class PlannedOutageFixture:
    days_after_today: int
    start: time
    end: time
    reason: str


@dataclass(frozen=True)
class FixtureCustomer:
    code: str
    name: str
    phone: str
    place: Place
    address: str
    households: int
    reading_day: int
    pins: tuple[PinnedPeriod, ...]
    later: str  # "paid" or "unpaid": periods after the last pin
    notices_sent: int | None = None
    max_reminders: int | None = None
    planned_outage: PlannedOutageFixture | None = None
    open_incident: bool = False
    payment_channel: str = "momo"

    @property
    def managing_unit(self) -> str:
        return self.code[:6]


FIXTURES: tuple[FixtureCustomer, ...] = (
    FixtureCustomer(
        code="PB05010000001",
        name="Trần Thị Bích",
        phone="0908111321",
        place=FIXTURE_PLACES["05"],
        address="25 Đường 30 Tháng 4, Khu phố 1",
        households=1,
        reading_day=15,
        pins=(
            PinnedPeriod(date(2025, 9, 16), date(2025, 10, 15), 180, 423_468, paid=True),
            PinnedPeriod(date(2026, 8, 16), date(2026, 9, 15), 200, 474_876, paid=True),
            PinnedPeriod(date(2026, 9, 16), date(2026, 10, 15), 300, 798_660, paid=False),
        ),
        later="unpaid",
        payment_channel="bank",
    ),
    FixtureCustomer(
        code="PB11020000002",
        name="Lê Văn Cường",
        phone="0939222654",
        place=FIXTURE_PLACES["11"],
        address="118 Đường Mậu Thân, Khu vực 3",
        households=1,
        reading_day=8,
        pins=(
            PinnedPeriod(
                date(2026, 9, 9),
                date(2026, 10, 8),
                120,
                269_244,
                paid=True,
                payment_date=date(2026, 10, 12),
            ),
        ),
        later="paid",
        planned_outage=PlannedOutageFixture(
            days_after_today=6,
            start=time(7, 30),
            end=time(16, 0),
            reason="bảo trì, sửa chữa lưới điện",
        ),
        payment_channel="zalopay",
    ),
    FixtureCustomer(
        code="PB14030000003",
        name="Nguyễn Hoàng Dũng",
        phone="0918333987",
        place=FIXTURE_PLACES["14"],
        address="47 Đường Lý Thường Kiệt, Khóm 2",
        households=2,
        reading_day=10,
        pins=(PinnedPeriod(date(2026, 9, 11), date(2026, 10, 10), 450, 1_111_644, paid=False, reminders=1),),
        later="unpaid",
        notices_sent=1,
        max_reminders=1,
        open_incident=True,
        payment_channel="counter",
    ),
)

FIXTURE_CODES = frozenset(fixture.code for fixture in FIXTURES)
FIXTURE_PHONES = frozenset(fixture.phone for fixture in FIXTURES)
