"""Invoices as the bill explanation reads them, for the explanation tests (domain and wording).

PB05010000001 Trần Thị Bích: 180 kWh last year, 200 kWh, then 300 kWh (798.660 đ).
"""

from __future__ import annotations

from datetime import date

from bot.domain.explain import InvoiceFacts
from bot.domain.tariff import compute_bill


def invoice(kwh: int, start: date, end: date, households: int = 1, estimated: bool = False) -> InvoiceFacts:
    return InvoiceFacts.from_bill(compute_bill(kwh, start, end, households), estimated_reading=estimated)


def bare(kwh: int, start: date, end: date, estimated: bool = False) -> InvoiceFacts:
    """An invoice as a database row without lines: the explanation recomputes them."""
    return InvoiceFacts(start, end, kwh, compute_bill(kwh, start, end).total, estimated_reading=estimated)


# PB05010000001 Trần Thị Bích: 180 kWh last year, 200 kWh, then 300 kWh.
LAST_YEAR = invoice(180, date(2025, 9, 16), date(2025, 10, 15))
PREVIOUS = invoice(200, date(2026, 8, 16), date(2026, 9, 15))
CURRENT = invoice(300, date(2026, 9, 16), date(2026, 10, 15))
