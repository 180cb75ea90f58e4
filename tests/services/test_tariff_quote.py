"""The tier table in force and personal calculations through the tariff engine."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import tariff_quote as q
from bot.wording import tariff as words

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("kwh", "total"),
    # DOMAIN.md's worked examples at 8% VAT.
    [(100, 217_836), (101, 220_406), (200, 474_876), (300, 798_660), (400, 1_160_460), (500, 1_534_140)],
)
def test_quotes_match_the_published_examples(kwh: int, total: int) -> None:
    assert q.quote(kwh, 1, TODAY).total == total


def test_two_households_share_doubled_tiers() -> None:
    bill = q.quote(450, 2, TODAY)
    assert bill.total == 1_111_644  # PB14030000003's bill for the same kWh
    assert [line.kwh for line in bill.lines] == [100, 100, 200, 50]


def test_quote_uses_todays_prices_even_right_after_a_change() -> None:
    # 20/05/2025: the period before would straddle the 10/05/2025 change; a quote does not.
    assert q.quote(300, 1, date(2025, 5, 20)).total == 798_660


def test_table_in_force() -> None:
    table = q.price_table(TODAY)
    assert table.version.name == "QĐ 1279/QĐ-BCT"
    assert [row.price for row in table.rows] == [1984, 2050, 2380, 2998, 3350, 3460]
    text = words.table_text(table)
    assert "- Bậc 1 (0–50 kWh): 1.984 đ/kWh" in text
    assert "- Bậc 3 (101–200 kWh): 2.380 đ/kWh" in text
    assert "- Bậc 6 (từ 401 kWh trở lên): 3.460 đ/kWh" in text
    assert "8%" in text and "27/11/2026" in text


def test_table_before_the_last_change() -> None:
    assert q.price_table(date(2025, 1, 1)).version.name == "QĐ 2699/QĐ-BCT"


def test_quote_text() -> None:
    text = words.quote_text(q.quote(300, 1, TODAY), q.price_table(TODAY))
    assert text.startswith("Dạ, nếu xài 300 kWh trong một tháng (1 hộ)")
    assert "798.660 đ" in text and "- Bậc 4: 100 kWh × 2.998 đ = 299.800 đ" in text
    assert "thuế GTGT 8% 59.160 đ" in text
