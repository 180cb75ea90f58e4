"""Billing months asked in words, resolved with the day they are asked."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import Month, previous, resolve, shift

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10", Month(2026, 10)),
        ("10/2026", Month(2026, 10)),
        ("month:9", Month(2026, 9)),  # "tháng 9" asked in November: this year's
        ("month:11", Month(2026, 11)),
        ("month:12", Month(2025, 12)),  # "tháng 12" asked in November: last year's
        ("relative:0", Month(2026, 11, current=True)),  # "kỳ này"
        ("relative:-1", Month(2026, 10)),  # "tháng trước"
        ("relative:-2", Month(2026, 9)),  # "tháng trước nữa"
        ("relative:-11", Month(2025, 12)),
        ("relative:+1", Month(2026, 12)),  # "tháng sau"
    ],
)
def test_values_of_the_nlu_resolve_to_a_month(value: str, expected: Month) -> None:
    assert resolve(value, TODAY) == expected


def test_january_looks_back_across_the_year() -> None:
    assert resolve("relative:-1", date(2027, 1, 5)) == Month(2026, 12)
    assert resolve("month:12", date(2027, 1, 5)) == Month(2026, 12)


@pytest.mark.parametrize(
    "value", [None, "", "month:13", "month:0", "2026-13", "weekday:6", "tháng 9", 9, "relative:x"]
)
def test_anything_else_is_not_a_month(value: object) -> None:
    assert resolve(value, TODAY) is None  # type: ignore[arg-type]


def test_labels_and_keys() -> None:
    month = Month(2026, 9)
    assert month.label == "09/2026"
    assert month.key == "2026-09"
    assert resolve(month.key, TODAY) == month  # a key kept in a slot reads back


def test_future_months_and_neighbours() -> None:
    assert Month(2026, 12).is_after(TODAY)
    assert not Month(2026, 11).is_after(TODAY)
    assert previous(Month(2026, 1)) == Month(2025, 12)
    assert shift(2026, 11, 2) == (2027, 1)
