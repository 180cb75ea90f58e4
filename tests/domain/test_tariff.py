"""Tariff engine: every worked example of DOMAIN.md, the fixture customers, splits, data checks."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.domain.tariff import (
    DEFAULT_TARIFF_FILE,
    TariffDataError,
    TariffSchedule,
    VatSplitPolicy,
    compute_bill,
    days_in_month_before,
    load_schedule,
    ratio_half_up,
    round_half_up,
    schedule_from_dict,
    split_kwh_by_days,
)

D = Decimal
REGULAR_2026 = (date(2026, 9, 16), date(2026, 10, 15))  # N = T = 30, VAT 8%, QĐ 1279


@pytest.fixture(scope="module")
def schedule() -> TariffSchedule:
    return load_schedule()


def raw_data() -> dict:
    return yaml.safe_load(DEFAULT_TARIFF_FILE.read_text(encoding="utf-8"))


def with_policy(policy: str) -> TariffSchedule:
    raw = raw_data()
    raw["policy"] = {"vat_change_in_period": policy}
    return schedule_from_dict(raw)


def tier_kwh(bill, segment: int = 0) -> list[int]:
    return [line.kwh for line in bill.lines if line.segment == segment]


# --------------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("kwh", "total"),
    [(100, 217_836), (101, 220_406), (200, 474_876), (300, 798_660), (400, 1_160_460), (500, 1_534_140)],
)
def test_worked_examples_at_8_percent(schedule, kwh, total):
    bill = compute_bill(kwh, *REGULAR_2026, schedule=schedule)
    assert bill.vat_rate == D("0.08")
    assert bill.total == D(total)
    assert bill.total == bill.subtotal + bill.vat_amount
    assert bill.tariff_codes == ["QD1279-2025"]


def test_101_kwh_vat_is_rounded_half_up_to_the_dong(schedule):
    bill = compute_bill(101, *REGULAR_2026, schedule=schedule)
    assert bill.subtotal == D(204_080)
    assert bill.subtotal * bill.vat_rate == D("16326.40")  # exact VAT before rounding
    assert bill.vat_amount == D(16_326)
    assert bill.total == D(220_406)
    assert [(ln.tier, ln.kwh, ln.unit_price) for ln in bill.lines] == [
        (1, 50, D(1984)),
        (2, 50, D(2050)),
        (3, 1, D(2380)),
    ]


def test_300_kwh_at_the_11_10_2024_prices(schedule):
    bill = compute_bill(300, date(2024, 11, 16), date(2024, 12, 15), schedule=schedule)
    assert bill.tariff_codes == ["QD2699-2024"]
    assert bill.subtotal == D(705_550)
    assert bill.total == D(761_994)


def test_400_kwh_over_35_days_after_a_30_day_month(schedule):
    bill = compute_bill(400, date(2026, 9, 11), date(2026, 10, 15), schedule=schedule)
    assert (bill.days, bill.reference_days) == (35, 30)
    assert bill.segments[0].tier_widths == [58, 58, 117, 117, 117, None]
    assert tier_kwh(bill) == [58, 58, 117, 117, 50]
    assert bill.subtotal == D(1_030_698)
    assert bill.total == D(1_113_154)


@pytest.mark.parametrize(
    ("kwh", "start", "end", "households", "total"),
    [
        (180, date(2025, 9, 16), date(2025, 10, 15), 1, 423_468),  # PB05010000001
        (200, date(2026, 8, 16), date(2026, 9, 15), 1, 474_876),  # PB05010000001 (N = T = 31)
        (300, date(2026, 9, 16), date(2026, 10, 15), 1, 798_660),  # PB05010000001
        (120, date(2026, 9, 9), date(2026, 10, 8), 1, 269_244),  # PB11020000002
        (450, date(2026, 9, 11), date(2026, 10, 10), 2, 1_111_644),  # PB14030000003
    ],
)
def test_fixture_customers(schedule, kwh, start, end, households, total):
    assert compute_bill(kwh, start, end, households, schedule).total == D(total)


def test_two_households_double_every_tier_width(schedule):
    bill = compute_bill(450, date(2026, 9, 11), date(2026, 10, 10), households=2, schedule=schedule)
    assert bill.segments[0].tier_widths == [100, 100, 200, 200, 200, None]
    assert tier_kwh(bill) == [100, 100, 200, 50]
    assert bill.subtotal == D(1_029_300)


# --------------------------------------------------------------------- splits


def test_price_change_inside_the_period_splits_kwh_by_days(schedule):
    # 26/04/2025–25/05/2025: N = 30, T = 30 (April); Nc = 14 days before 10/05/2025.
    bill = compute_bill(300, date(2025, 4, 26), date(2025, 5, 25), schedule=schedule)
    old, new = bill.segments
    assert (old.start, old.end, old.days, old.kwh, old.tariff_code) == (
        date(2025, 4, 26),
        date(2025, 5, 9),
        14,
        140,
        "QD2699-2024",
    )
    assert (new.start, new.end, new.days, new.kwh, new.tariff_code) == (
        date(2025, 5, 10),
        date(2025, 5, 25),
        16,
        160,
        "QD1279-2025",
    )
    assert old.tier_widths == [23, 23, 47, 47, 47, None]  # 50×14/30 = 23,3; 100×14/30 = 46,7
    assert new.tier_widths == [27, 27, 53, 53, 53, None]  # 50×16/30 = 26,7; 100×16/30 = 53,3
    assert tier_kwh(bill, 0) == [23, 23, 47, 47]
    assert tier_kwh(bill, 1) == [27, 27, 53, 53]
    # 23×1893 + 23×1956 + 47×2271 + 47×2860 = 329.684; 27×1984 + 27×2050 + 53×2380 + 53×2998 = 393.952
    assert (old.subtotal, new.subtotal) == (D(329_684), D(393_952))
    assert bill.vat_amount == D(57_891)  # 723.636 × 8% = 57.890,88
    assert bill.total == D(781_527)
    assert {ln.days for ln in bill.lines if ln.segment == 1} == {16}


def test_kwh_old_share_is_rounded_half_up(schedule):
    # 30 days, 15 of them before 10/05/2025: 3 kWh -> kWh_old = 1,5 -> 2; 5 kWh -> 2,5 -> 3
    # (round() would give 2 and 2).
    bill = compute_bill(3, date(2025, 4, 25), date(2025, 5, 24), schedule=schedule)
    assert [s.days for s in bill.segments] == [15, 15]
    assert [s.kwh for s in bill.segments] == [2, 1]
    bill = compute_bill(5, date(2025, 4, 25), date(2025, 5, 24), schedule=schedule)
    assert [s.kwh for s in bill.segments] == [3, 2]


def test_vat_change_inside_the_period_on_1_1_2027(schedule):
    # 16/12/2026–15/01/2027: N = 31, T = 31 (December); 16 days at 8%, 15 days at 10%.
    bill = compute_bill(300, date(2026, 12, 16), date(2027, 1, 15), schedule=schedule)
    assert [s.kwh for s in bill.segments] == [155, 145]  # 300 × 16/31 = 154,8 -> 155
    assert [s.tier_widths[:2] for s in bill.segments] == [[26, 26], [24, 24]]
    assert [s.tariff_code for s in bill.segments] == ["QD1279-2025"] * 2
    assert tier_kwh(bill, 1) == [24, 24, 48, 48, 1]
    assert [(v.rate, v.base, v.amount) for v in bill.vat_lines] == [
        (D("0.08"), D(381_542), D(30_523)),  # 30.523,36
        (D("0.10"), D(358_310), D(35_831)),  # 35.831,0
    ]
    assert bill.vat_is_split
    assert bill.vat_rate == D("0.10")  # the rate on the reading date
    assert bill.vat_amount == D(66_354)
    assert bill.total == D(806_206)


def test_vat_change_inside_the_period_on_1_1_2023():
    # The data has no tariff before 09/11/2023: a test-only version, with the real VAT periods.
    raw = raw_data()
    raw["versions"] = [
        {
            "code": "TEST-2019",
            "name": "test table",
            "effective_from": date(2019, 3, 20),
            "tiers": [
                {"upper_kwh": u, "price": p}
                for u, p in [(50, 1678), (100, 1734), (200, 2014), (300, 2536), (400, 2834), (None, 2927)]
            ],
        }
    ]
    test_schedule = schedule_from_dict(raw)
    bill = compute_bill(100, date(2022, 12, 16), date(2023, 1, 15), schedule=test_schedule)
    assert [(s.days, s.kwh, s.vat_rate) for s in bill.segments] == [
        (16, 52, D("0.08")),
        (15, 48, D("0.10")),  # 100 × 16/31 = 51,6 -> 52
    ]
    assert tier_kwh(bill, 0) == [26, 26] and tier_kwh(bill, 1) == [24, 24]
    # 26×1678 + 26×1734 = 88.712 -> VAT 7.096,96 -> 7.097; 24×1678 + 24×1734 = 81.888 -> 8.188,8 -> 8.189
    assert [v.amount for v in bill.vat_lines] == [D(7_097), D(8_189)]
    assert bill.total == D(185_886)


@pytest.mark.parametrize(
    ("policy", "rate", "total"),
    [("period_end", D("0.10"), 813_450), ("period_start", D("0.08"), 798_660)],
)
def test_vat_split_policy_is_a_setting(policy, rate, total):
    bill = compute_bill(300, date(2026, 12, 16), date(2027, 1, 15), schedule=with_policy(policy))
    assert len(bill.segments) == 1 and tier_kwh(bill) == [50, 50, 100, 100]
    assert [v.rate for v in bill.vat_lines] == [rate]
    assert bill.total == D(total)


def test_price_change_still_splits_when_vat_is_not_split():
    bill = compute_bill(300, date(2025, 4, 26), date(2025, 5, 25), schedule=with_policy("period_end"))
    assert [s.tariff_code for s in bill.segments] == ["QD2699-2024", "QD1279-2025"]
    assert bill.total == D(781_527)


def test_the_data_file_splits_vat_by_days_by_default(schedule):
    assert schedule.vat_split_policy is VatSplitPolicy.SPLIT_BY_DAYS


# --------------------------------------------------------------------- edge cases and input


def test_zero_kwh_is_a_zero_bill(schedule):
    bill = compute_bill(0, *REGULAR_2026, schedule=schedule)
    assert bill.lines == []
    assert (bill.subtotal, bill.vat_amount, bill.total) == (D(0), D(0), D(0))


def test_one_day_period(schedule):
    bill = compute_bill(10, date(2026, 10, 15), date(2026, 10, 15), schedule=schedule)
    assert bill.days == 1
    assert bill.segments[0].tier_widths == [2, 2, 3, 3, 3, None]  # 50/30 = 1,7; 100/30 = 3,3
    assert tier_kwh(bill) == [2, 2, 3, 3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, *REGULAR_2026, 1), "negative"),
        ((100, date(2026, 10, 15), date(2026, 9, 16), 1), "before it starts"),
        ((100, *REGULAR_2026, 0), "households"),
        ((100, *REGULAR_2026, -2), "households"),
        ((Decimal("1.5"), *REGULAR_2026, 1), "whole number"),
        ((100, "2026-09-16", date(2026, 10, 15), 1), "dates"),
        ((100, datetime(2026, 9, 16), date(2026, 10, 15), 1), "dates"),
    ],
)
def test_invalid_input_raises_value_error(schedule, args, message):
    with pytest.raises(ValueError, match=message):
        compute_bill(*args, schedule=schedule)


def test_a_period_without_a_known_tariff_is_refused(schedule):
    with pytest.raises(ValueError, match="no residential tariff version in force on 16/09/2022"):
        compute_bill(100, date(2022, 9, 16), date(2022, 10, 15), schedule=schedule)


# --------------------------------------------------------------------- schedule lookups


def test_versions_and_their_decisions(schedule):
    assert [(v.code, v.name, v.effective_from) for v in schedule.versions] == [
        ("QD2941-2023", "QĐ 2941/QĐ-BCT", date(2023, 11, 9)),
        ("QD2699-2024", "QĐ 2699/QĐ-BCT", date(2024, 10, 11)),
        ("QD1279-2025", "QĐ 1279/QĐ-BCT", date(2025, 5, 10)),
    ]
    prices = {v.code: [t.price for t in v.tiers] for v in schedule.versions}
    assert prices["QD1279-2025"] == [D(p) for p in (1984, 2050, 2380, 2998, 3350, 3460)]
    assert prices["QD2699-2024"] == [D(p) for p in (1893, 1956, 2271, 2860, 3197, 3302)]
    assert prices["QD2941-2023"] == [D(p) for p in (1806, 1866, 2167, 2729, 3050, 3151)]
    assert schedule.versions[-1].widths == [50, 50, 100, 100, 100, None]


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2023, 11, 9), "QD2941-2023"),
        (date(2024, 10, 10), "QD2941-2023"),
        (date(2024, 10, 11), "QD2699-2024"),
        (date(2025, 5, 9), "QD2699-2024"),
        (date(2025, 5, 10), "QD1279-2025"),
        (date(2030, 1, 1), "QD1279-2025"),
    ],
)
def test_version_on(schedule, day, code):
    assert schedule.version_on(day).code == code


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2022, 1, 31), "0.10"),
        (date(2022, 2, 1), "0.08"),
        (date(2022, 12, 31), "0.08"),
        (date(2023, 1, 1), "0.10"),
        (date(2023, 6, 30), "0.10"),
        (date(2023, 7, 1), "0.08"),
        (date(2026, 12, 31), "0.08"),
        (date(2027, 1, 1), "0.10"),
    ],
)
def test_vat_rate_on(schedule, day, rate):
    assert schedule.vat_rate_on(day) == D(rate)
    assert schedule.default_vat_rate == D("0.10")


@pytest.mark.parametrize(
    ("reading_day", "t"),
    [(date(2026, 10, 15), 30), (date(2026, 1, 8), 31), (date(2024, 3, 10), 29), (date(2026, 3, 31), 28)],
)
def test_t_is_the_month_before_the_reading_date(reading_day, t):
    assert days_in_month_before(reading_day) == t


def test_rounding_helpers_round_halves_up():
    assert round_half_up(D("2.5")) == 3 and round_half_up(D("16326.4")) == 16326
    assert round_half_up(D("0.125"), D("0.01")) == D("0.13")
    assert ratio_half_up(5, 2) == 3 and ratio_half_up(7, 2) == 4 and ratio_half_up(350, 6) == 58


def test_split_kwh_by_days_is_cumulative():
    assert split_kwh_by_days(300, [14, 16]) == [140, 160]
    assert split_kwh_by_days(100, [10, 10, 10]) == [33, 34, 33]  # 33,3 | 66,7 -> 67 | 100
    assert split_kwh_by_days(0, [5, 25]) == [0, 0]


# --------------------------------------------------------------------- other tier structures


FIVE_TIERS = {
    "versions": [
        {
            "code": "FIVE",
            "name": "test 5-tier table",
            "effective_from": "2024-01-01",
            "tiers": [
                {"upper_kwh": 100, "price": 1900},
                {"upper_kwh": 200, "price": 2300},
                {"upper_kwh": 400, "price": 2900},
                {"upper_kwh": 700, "price": 3400},
                {"upper_kwh": None, "price": 3600},
            ],
        },
    ],
    "vat": {"default_rate": "0.10", "periods": []},
}


def test_a_five_tier_table_works():
    five = schedule_from_dict(FIVE_TIERS)
    bill = compute_bill(800, *REGULAR_2026, schedule=five)
    assert [(ln.tier, ln.kwh) for ln in bill.lines] == [(1, 100), (2, 100), (3, 200), (4, 300), (5, 100)]
    assert bill.subtotal == D(2_380_000)
    assert bill.total == D(2_618_000)


def test_a_change_from_six_to_five_tiers_inside_a_period():
    raw = raw_data()
    five = dict(FIVE_TIERS["versions"][0], effective_from="2026-10-01")
    raw["versions"].append(five)
    bill = compute_bill(800, *REGULAR_2026, schedule=schedule_from_dict(raw))
    assert [(s.tariff_code, s.days, s.kwh) for s in bill.segments] == [
        ("QD1279-2025", 15, 400),
        ("FIVE", 15, 400),
    ]
    assert max(ln.tier for ln in bill.lines if ln.segment == 0) == 6
    assert bill.segments[1].tier_widths == [50, 50, 100, 150, None]


# --------------------------------------------------------------------- properties (seeded)


def simple_bill_subtotal(kwh: int, prices: list[Decimal], widths: list[int | None], h: int) -> Decimal:
    total, remaining = D(0), kwh
    for price, width in zip(prices, widths, strict=True):
        take = remaining if width is None else min(remaining, width * h)
        total += take * price
        remaining -= take
    return total


def test_properties_on_random_bills(schedule):
    rng = random.Random(20261015)
    for _ in range(400):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000))
        end = start + timedelta(days=rng.randrange(0, 45))
        kwh, h = rng.randrange(0, 3000), rng.randrange(1, 4)
        bill = compute_bill(kwh, start, end, h, schedule)
        assert sum(ln.kwh for ln in bill.lines) == kwh == sum(s.kwh for s in bill.segments)
        assert sum(s.days for s in bill.segments) == bill.days
        assert bill.total == bill.subtotal + bill.vat_amount
        assert all(ln.amount == ln.kwh * ln.unit_price for ln in bill.lines)
        more = compute_bill(kwh + rng.randrange(1, 50), start, end, h, schedule)
        assert more.total >= bill.total
        if len(bill.segments) == 1:
            assert bill.vat_amount == round_half_up(bill.subtotal * bill.vat_rate)


def test_regular_cycles_bill_with_the_table_widths(schedule):
    rng = random.Random(7)
    version = schedule.version_on(REGULAR_2026[0])
    for _ in range(200):
        kwh, h = rng.randrange(0, 2500), rng.randrange(1, 4)
        bill = compute_bill(kwh, *REGULAR_2026, h, schedule)
        expected = simple_bill_subtotal(kwh, [t.price for t in version.tiers], version.widths, h)
        assert bill.subtotal == expected


# --------------------------------------------------------------------- loading and validation


def test_load_schedule_is_cached_by_path(schedule):
    assert load_schedule() is schedule
    assert load_schedule(DEFAULT_TARIFF_FILE) is schedule


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tariffs.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def broken(change) -> dict:
    raw = raw_data()
    change(raw)
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["versions"][1].update(effective_from=date(2023, 11, 9)), "overlap"),
        (lambda r: r["versions"][0].update(effective_to=date(2024, 12, 31)), "overlap"),
        (lambda r: r["versions"][2]["tiers"].insert(0, r["versions"][2]["tiers"].pop(1)), "sorted"),
        (lambda r: r["versions"][2]["tiers"][3].update(upper_kwh=150), "sorted"),
        (lambda r: r["versions"][2]["tiers"][2].pop("price"), "version QD1279-2025 tier 3: missing 'price'"),
        (lambda r: r["versions"][2]["tiers"][2].update(price="abc"), "expected a number"),
        (lambda r: r["versions"][2]["tiers"][5].update(upper_kwh=500), "last tier must be open"),
        (lambda r: r["versions"][2]["tiers"][1].update(upper_kwh=None), "only the last tier"),
        (lambda r: r["versions"][2].update(code="QD2699-2024"), "duplicate code"),
        (lambda r: r["versions"][2].pop("effective_from"), "missing 'effective_from'"),
        (lambda r: r["vat"]["periods"][0].update(end=date(2023, 8, 1)), "VAT periods .* overlap"),
        (lambda r: r["vat"]["periods"][0].update(rate="8"), r"rate must be a Decimal in \[0, 1\)"),
        (lambda r: r["vat"].pop("default_rate"), "missing 'default_rate'"),
        (lambda r: r.update(policy={"vat_change_in_period": "whatever"}), "vat_change_in_period"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, change, message):
    path = write(tmp_path, broken(change))
    with pytest.raises(TariffDataError, match=message) as caught:
        load_schedule(path)
    assert str(path) in str(caught.value)


def test_missing_or_unparsable_file(tmp_path):
    with pytest.raises(TariffDataError, match="not found"):
        load_schedule(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("versions: [\n", encoding="utf-8")
    with pytest.raises(TariffDataError, match="cannot read"):
        load_schedule(bad)


def test_versions_may_be_listed_in_any_order(tmp_path):
    raw = raw_data()
    raw["versions"].reverse()
    loaded = load_schedule(write(tmp_path, raw))
    assert [v.code for v in loaded.versions] == ["QD2941-2023", "QD2699-2024", "QD1279-2025"]
