"""Planned-outage schedules: date ranges from the NLU's relative values, and the lookups."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import places
from bot.services import outage, unit_of_work
from bot.services.outage import RangeKind, resolve_range
from bot.wording import outage as wording

TODAY = date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    ("values", "start", "end"),
    [
        (None, date(2026, 11, 27), date(2026, 12, 3)),  # the next 7 days by default
        ([], date(2026, 11, 27), date(2026, 12, 3)),
        (["relative_day:0"], TODAY, TODAY),
        (["relative_day:+1"], date(2026, 11, 28), date(2026, 11, 28)),
        (["relative_day:+2"], date(2026, 11, 29), date(2026, 11, 29)),
        (["week:0"], TODAY, date(2026, 11, 29)),  # what is left of this week
        (["week:+1"], date(2026, 11, 30), date(2026, 12, 6)),
        (["weekday:6"], date(2026, 11, 28), date(2026, 11, 28)),  # "thứ 7": tomorrow
        (["weekday:5"], TODAY, TODAY),  # "thứ 6" on a Friday: today
        (["weekday:1"], date(2026, 11, 30), date(2026, 11, 30)),
        (["weekday:6,week:+1"], date(2026, 12, 5), date(2026, 12, 5)),
        (["day:5/12"], date(2026, 12, 5), date(2026, 12, 5)),
        (["day:3/12/2026"], date(2026, 12, 3), date(2026, 12, 3)),
        (["day:5"], date(2026, 12, 5), date(2026, 12, 5)),  # the 5th, asked on the 27th: next month
        (["day:28"], date(2026, 11, 28), date(2026, 11, 28)),
        (["day:5/1"], date(2027, 1, 5), date(2027, 1, 5)),  # January, asked in November: next year
        (["day:20/11"], date(2026, 11, 20), date(2026, 11, 20)),  # a week ago stays this year
        (["day:1/12", "day:5/12"], date(2026, 12, 1), date(2026, 12, 5)),  # "từ 1/12 đến 5/12"
        (["relative:0"], TODAY, date(2026, 11, 30)),
        (["relative:+1"], date(2026, 12, 1), date(2026, 12, 31)),
        (["month:12"], date(2026, 12, 1), date(2026, 12, 31)),
        (["2027-01"], date(2027, 1, 1), date(2027, 1, 31)),
        (["day:31/2"], date(2026, 11, 27), date(2026, 12, 3)),  # no such day: the default
        (["nonsense", "day:99/99"], date(2026, 11, 27), date(2026, 12, 3)),
    ],
)
def test_date_values_resolve_with_the_clock(values, start: date, end: date) -> None:
    dates = resolve_range(values, TODAY)
    assert (dates.start, dates.end) == (start, end)


def test_a_range_is_never_longer_than_two_months() -> None:
    dates = resolve_range(["day:1/12", "day:30/6/2027"], TODAY)
    assert dates.days == outage.MAX_DAYS


@pytest.mark.parametrize(
    ("values", "kind", "offset", "described"),
    [
        (None, RangeKind.NEXT_DAYS, 7, "7 ngày tới (27/11/2026–03/12/2026)"),
        (["relative_day:+1"], RangeKind.RELATIVE_DAY, 1, "ngày mai (28/11/2026)"),
        (["relative_day:+5"], RangeKind.RELATIVE_DAY, 5, "ngày 02/12/2026"),
        (["weekday:6"], RangeKind.WEEKDAY, 0, "thứ Bảy (28/11/2026)"),
        (["week:+1"], RangeKind.WEEK, 1, "tuần sau (30/11/2026–06/12/2026)"),
        (["relative:+1"], RangeKind.RELATIVE_MONTH, 1, "tháng sau (01/12/2026–31/12/2026)"),
        (["relative:+2"], RangeKind.RELATIVE_MONTH, 2, "tháng 01/2027 (01/01/2027–31/01/2027)"),
        (["month:12"], RangeKind.MONTH, 0, "tháng 12/2026 (01/12/2026–31/12/2026)"),
        (["day:5/12"], RangeKind.DATES, 0, "ngày 05/12/2026"),
        (["day:1/12", "day:5/12"], RangeKind.DATES, 0, "từ 01/12/2026 đến 05/12/2026"),
    ],
)
def test_ranges_say_how_they_were_asked(values, kind: RangeKind, offset: int, described: str) -> None:
    dates = resolve_range(values, TODAY)
    assert (dates.kind, dates.offset) == (kind, offset)
    assert wording.describe_range(dates) == described


# ---------------------------------------------------------------------- lookups


def test_a_customer_sees_the_outages_of_their_station_only(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        customer = session.customers.get("PB11020000002")
        schedule = outage.schedule_for_customer(session, customer, resolve_range(None))
    assert [item.code for item in schedule.items] == ["KH26120301"]  # the cancelled one is not shown
    item = schedule.items[0]
    assert (item.starts_at.day, item.starts_at.month) == (3, 12) and not item.under_way
    text = wording.schedule_reply(schedule)
    assert "Thứ Năm, 03/12/2026: 07:30–16:00" in text
    assert "bảo trì, sửa chữa lưới điện" in text and "PB11020000002" in text
    assert "Lê Văn Cường" not in text and "0939222654" not in text


def test_a_neighbour_on_another_station_has_none_in_the_next_7_days(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        customer = session.customers.get("PB11020000102")
        schedule = outage.schedule_for_customer(session, customer, resolve_range(None))
        next_month = outage.schedule_for_customer(session, customer, resolve_range(["relative:+1"]))
    assert schedule.items == ()
    assert "không có lịch ngừng cung cấp điện nào" in wording.schedule_reply(schedule)
    assert [i.code for i in next_month.items] == ["KH26121001"]


def test_a_place_sees_every_outage_of_its_wards(outage_db: str) -> None:
    area = places.resolve("phuong an khanh ninh kieu").found  # the old name of Phường Tân An
    with unit_of_work(outage_db) as session:
        schedule = outage.schedule_for_area(session, area, resolve_range(["relative:+1"]))
    assert [i.code for i in schedule.items] == ["KH26120301", "KH26121001"]
    assert schedule.customer_code is None and "Phường An Khánh" in schedule.area_label
    assert "Phường An Khánh" in wording.schedule_reply(schedule)


def test_an_outage_under_way_is_marked(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        customer = session.customers.get("PB05010000105")
        schedule = outage.schedule_for_customer(session, customer, resolve_range(["relative_day:0"]))
    assert schedule.items[0].under_way
    assert "(đang diễn ra)" in wording.schedule_reply(schedule)


def test_a_customer_without_a_known_station_is_matched_by_ward(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        customer = session.customers.get("PB11020000106")
        schedule = outage.schedule_for_customer(session, customer, resolve_range(None))
    assert [i.code for i in schedule.items] == ["KH26120301"]


def test_a_long_schedule_is_cut_with_a_hint() -> None:
    from datetime import datetime, timedelta

    from bot import clock

    start = datetime(2026, 11, 28, 8, tzinfo=clock.VN_TZ)
    items = tuple(
        outage.OutageItem(
            f"KH{n}", start + timedelta(days=n), start + timedelta(days=n, hours=4), "", "x", False
        )
        for n in range(12)
    )
    text = wording.schedule_reply(
        outage.Schedule(resolve_range(None, TODAY), items, area_label="tỉnh Cà Mau")
    )
    assert "… và 4 lịch khác" in text
