"""Money, kWh, dates and percentages as Vietnamese customers read and write them."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from bot.domain.formatting import (
    format_date,
    format_kwh,
    format_money,
    format_number,
    format_percent,
    format_period,
    format_rate,
    parse_vn_decimal,
    parse_vn_number,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (798_660, "798.660 đ"),
        (D(1_534_140), "1.534.140 đ"),
        (D("16326.4"), "16.326,4 đ"),
        (D("16326.40"), "16.326,4 đ"),
        (D("217836.00"), "217.836 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1000, "1.000 đ"),
        (-323_784, "-323.784 đ"),
        (D("-0.0"), "0 đ"),
        (D("1E+6"), "1.000.000 đ"),
    ],
)
def test_format_money(value, text):
    assert format_money(value) == text


def test_format_money_refuses_floats():
    with pytest.raises(TypeError):
        format_money(1.5)


def test_format_kwh_date_and_period():
    assert format_kwh(300) == "300 kWh"
    assert format_kwh(1234) == "1.234 kWh"
    assert format_kwh(D("11.40")) == "11,4 kWh"
    assert format_date(date(2026, 10, 15)) == "15/10/2026"
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_period(date(2026, 9, 16), date(2026, 10, 15)) == "16/09/2026–15/10/2026"


@pytest.mark.parametrize(
    ("value", "text"),
    [(35, "35%"), (D("35.0"), "35%"), (D("68.23"), "68,2%"), (D("0.25"), "0,3%"), (D("-12.5"), "-12,5%")],
)
def test_format_percent(value, text):
    assert format_percent(value) == text


def test_format_percent_places_and_rates():
    assert format_percent(D("68.25"), places=0) == "68%"
    assert format_percent(D("66.666"), places=2) == "66,67%"
    assert format_rate(D("0.08")) == "8%"
    assert format_rate(D("0.10")) == "10%"
    assert format_number(D("2.5"), places=0) == "3"  # half up, not to even


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234.567", 1_234_567),
        ("1234567", 1_234_567),
        (" 798.660 ", 798_660),
        ("0", 0),
        ("-1.234", -1_234),
        ("+5", 5),
        ("1.234,0", 1_234),
        ("1 234 567", 1_234_567),
        ("1\u00a0234", 1_234),
        ("007", 7),
    ],
)
def test_parse_vn_number(text, number):
    assert parse_vn_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "1.5",
        "12.3456",
        "1.23.4",
        "1.234.5678",
        ".123",
        "1.234 567",
        "1,",
        "1,2,3",
        "16.326,4",
        "1e5",
        "١٢",
        "-",
    ],
)
def test_parse_vn_number_refuses(text):
    with pytest.raises(ValueError):
        parse_vn_number(text)


def test_parse_vn_decimal():
    assert parse_vn_decimal("16.326,4") == D("16326.4")
    assert parse_vn_decimal("0,08") == D("0.08")
    assert parse_vn_decimal("-1.000,50") == D("-1000.50")


def test_format_and_parse_round_trip():
    rng = random.Random(3)
    for _ in range(500):
        value = rng.randrange(-(10**12), 10**12)
        assert parse_vn_number(format_number(value)) == value
        cents = D(rng.randrange(0, 10**9)) / 100
        assert parse_vn_decimal(format_number(cents)) == cents
