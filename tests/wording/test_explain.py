"""Bill explanations in words: polite Vietnamese, local number formats, the reasons in order."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.domain.explain import BillExplanation, explain_bill
from bot.wording.explain import explanation_text
from tests.support.bills import CURRENT, LAST_YEAR, PREVIOUS, invoice


@pytest.fixture(scope="module")
def bich() -> BillExplanation:
    return explain_bill(CURRENT, PREVIOUS, LAST_YEAR)


def test_without_a_previous_invoice_only_the_bill_is_said() -> None:
    assert explanation_text(explain_bill(CURRENT, None, None)) == [
        "Dạ, hóa đơn tiền điện kỳ 16/09/2026–15/10/2026 của anh/chị là 798.660 đ (300 kWh)."
    ]


def test_text_for_the_fixture_customer(bich):
    text = explanation_text(bich)
    assert text[0] == "Dạ, hóa đơn tiền điện kỳ 16/09/2026–15/10/2026 của anh/chị là 798.660 đ (300 kWh)."
    assert text[1] == (
        "So với kỳ trước (16/08/2026–15/09/2026: 200 kWh, 474.876 đ), điện năng tăng 100 kWh (50%), "
        "tiền điện tăng 323.784 đ (68,2%)."
    )
    assert "100 kWh nằm ở bậc 4 (2.998 đ/kWh)" in text[2]
    assert "299.800 đ" in text[2] and "tăng nhanh hơn số kWh" in text[2]
    assert text[3].startswith("So với cùng kỳ năm trước (16/09/2025–15/10/2025: 180 kWh, 423.468 đ)")
    assert "phúc tra" in text[4] and "24 giờ" in text[4]


def test_a_bill_lower_than_the_one_before_says_so_first() -> None:
    """"sao tháng này cao thế" about a bill that went down (found on `make run`): the
    customer hears at once that it is lower, then the figures."""
    november = invoice(218, date(2026, 10, 16), date(2026, 11, 15))
    lower = explanation_text(explain_bill(november, CURRENT, None))
    assert lower[0].endswith("(218 kWh), thấp hơn kỳ trước ạ."), lower[0]
    assert "điện năng giảm 82 kWh" in lower[1]
    higher = explanation_text(explain_bill(CURRENT, PREVIOUS, None))
    assert "thấp hơn" not in higher[0]


def all_texts() -> list[str]:
    cases = [
        (CURRENT, PREVIOUS, LAST_YEAR),
        (invoice(200, date(2026, 9, 16), date(2026, 10, 15), estimated=True), CURRENT, None),
        (
            invoice(400, date(2025, 4, 26), date(2025, 5, 30)),
            invoice(280, date(2025, 3, 27), date(2025, 4, 25), estimated=True),
            None,
        ),
        (
            invoice(300, date(2025, 5, 31), date(2025, 6, 30)),
            invoice(400, date(2025, 4, 26), date(2025, 5, 30)),
            None,
        ),
        (
            invoice(300, date(2026, 12, 16), date(2027, 1, 15)),
            invoice(300, date(2026, 11, 16), date(2026, 12, 15)),
            None,
        ),
        (
            invoice(300, date(2027, 1, 16), date(2027, 2, 15)),
            invoice(300, date(2026, 12, 16), date(2027, 1, 15)),
            None,
        ),
    ]
    return [
        line
        for current, previous, year in cases
        for line in explanation_text(explain_bill(current, previous, year))
    ]


def test_text_is_polite_vietnamese_with_local_number_formats():
    texts = all_texts()
    assert len(texts) > 15
    for line in texts:
        assert line and line[0].isupper() and line.endswith((".", "nha."))
        numbers = re.sub(r"\d{2}/\d{2}/\d{4}|QĐ \d+/", "", line)  # dates and decision numbers
        assert not re.search(r"\d{4,}", numbers), line  # 798660 instead of 798.660
        assert not re.search(r"\d\.\d{1,2}(?!\d)", line), line  # an English decimal point
        assert "None" not in line and "Decimal" not in line and "_" not in line
    joined = " ".join(texts)
    for word in ("Dạ", "anh/chị", "nha", "giảm", "bậc", "ước tính", "Thuế GTGT", "10/05/2025", "01/01/2027"):
        assert word in joined


def test_text_names_the_price_decision_and_the_vat_rates():
    texts = all_texts()
    assert any("QĐ 1279/QĐ-BCT" in t and "giữa kỳ này" in t for t in texts)
    assert any("đổi từ 8% sang 10%" in t for t in texts)
    assert any("thuế GTGT tiền điện là 10% (trước đó 8%)" in t for t in texts)
