"""Billing words from hand-made results (no database): what is said in each case."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.domain.periods import Month
from bot.services.billing import Account, Arrears, InvoiceAnswer, NoInvoice
from bot.wording import billing as words

ACCOUNT = Account("PB05010000001", "Tr*** T*** B***")
TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("arrears", "said", "not_said"),
    [
        (Arrears(suspended=True, notices_sent=2), "đang tạm ngừng", "lần thông báo"),
        (Arrears(suspended=False, notices_sent=0), "Sau 2 lần thông báo", "đã gửi"),
        (Arrears(suspended=False, notices_sent=1), "đã gửi 1 lần thông báo nhắc nợ. Sau 2 lần", "Nếu chưa"),
        (Arrears(suspended=False, notices_sent=2), "đã gửi 2 lần thông báo nhắc nợ. Nếu chưa", "Sau 2"),
    ],
)
def test_what_happens_when_bills_stay_unpaid(arrears: Arrears, said: str, not_said: str) -> None:
    text = words.arrears_text(arrears)
    assert said in text and not_said not in text


@pytest.mark.parametrize(
    ("missing", "said"),
    [
        (NoInvoice(None, None, False, 15), "chưa thấy hóa đơn tiền điện nào của mã PB05010000001"),
        (
            NoInvoice(Month(2020, 1), (Month(2024, 12), Month(2026, 11)), False, 15),
            "chưa thấy hóa đơn tháng 01/2020 của mã PB05010000001 (Tr*** T*** B***). Trên hệ thống "
            "có hóa đơn từ tháng 12/2024 đến tháng 11/2026.",
        ),
        (
            NoInvoice(Month(2026, 12), (Month(2024, 12), Month(2026, 11)), True, 8),
            "hóa đơn tháng 12/2026 của mã PB05010000001 (Tr*** T*** B***) chưa phát hành: công tơ được "
            "ghi chỉ số ngày 8 hằng tháng",
        ),
        (NoInvoice(None, (Month(2024, 12), Month(2026, 10)), False, 15), "chưa thấy hóa đơn kỳ này của"),
    ],
)
def test_no_invoice_says_why_and_what_exists(missing: NoInvoice, said: str) -> None:
    text = words.bill_text(InvoiceAnswer(ACCOUNT, TODAY, missing=missing))
    assert said in text and not re.search(r"\d[\d.]* đ(?!\w)", text)  # no amount when there is no bill
