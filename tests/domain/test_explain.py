"""Bill explanations: the reasons and their numbers (the sentences: tests/wording/test_explain.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.domain.explain import (
    BillExplanation,
    EstimatedReading,
    HigherTiers,
    InvoiceFacts,
    LongerPeriod,
    PriceChange,
    ReasonKind,
    Recheck,
    UsageComparison,
    VatChange,
    explain_bill,
)
from bot.domain.tariff import load_schedule
from tests.support.bills import CURRENT, LAST_YEAR, PREVIOUS, bare, invoice

D = Decimal
K = ReasonKind


@pytest.fixture(scope="module")
def bich() -> BillExplanation:
    return explain_bill(CURRENT, PREVIOUS, LAST_YEAR)


def test_fixture_customer_reasons(bich):
    assert bich.kinds == [K.CHANGE_VS_PREVIOUS, K.HIGHER_TIERS, K.CHANGE_VS_LAST_YEAR, K.RECHECK]
    assert bich.needs_recheck


def test_change_vs_previous_in_kwh_and_money(bich):
    change = bich.reason(K.CHANGE_VS_PREVIOUS)
    assert isinstance(change, UsageComparison)
    assert (change.kwh_before, change.kwh_now, change.kwh_change) == (200, 300, 100)
    assert change.kwh_change_percent == D("50.0")
    assert (change.money_before, change.money_now) == (D(474_876), D(798_660))
    assert change.money_change == D(323_784)
    assert change.money_change_percent == D("68.2")  # 68,18…
    assert (change.other_period_start, change.other_period_end) == (date(2026, 8, 16), date(2026, 9, 15))


def test_change_vs_same_period_last_year(bich):
    change = bich.reason(K.CHANGE_VS_LAST_YEAR)
    assert (change.kwh_change, change.kwh_change_percent) == (120, D("66.7"))
    assert (change.money_change, change.money_change_percent) == (D(375_192), D("88.6"))


def test_kwh_moved_into_the_higher_tiers(bich):
    tiers = bich.reason(K.HIGHER_TIERS)
    assert isinstance(tiers, HigherTiers)
    assert (tiers.from_tier, tiers.kwh_before, tiers.kwh_now) == (4, 0, 100)
    assert (tiers.amount_before, tiers.amount_now, tiers.extra_amount) == (D(0), D(299_800), D(299_800))
    assert (tiers.top_tier_before, tiers.top_tier_now, tiers.top_price_now) == (3, 4, D(2998))


def test_lines_missing_from_the_invoice_are_recomputed():
    with_lines = explain_bill(CURRENT, PREVIOUS, None)
    without = explain_bill(
        bare(300, date(2026, 9, 16), date(2026, 10, 15)),
        bare(200, date(2026, 8, 16), date(2026, 9, 15)),
        None,
    )
    assert without.reason(K.HIGHER_TIERS) == with_lines.reason(K.HIGHER_TIERS)


def test_more_kwh_in_the_high_tiers_than_before():
    now = invoice(500, date(2026, 9, 16), date(2026, 10, 15))
    tiers = explain_bill(now, invoice(350, date(2026, 8, 16), date(2026, 9, 15)), None).reason(K.HIGHER_TIERS)
    assert (tiers.kwh_before, tiers.kwh_now) == (150, 300)
    # now 100×2998 + 100×3350 + 100×3460; before 100×2998 + 50×3350
    assert (tiers.amount_now, tiers.amount_before) == (D(980_800), D(467_300))
    assert tiers.extra_amount == D(513_500)
    assert (tiers.top_tier_before, tiers.top_tier_now) == (5, 6)


def test_no_tier_reason_when_usage_stays_low():
    e = explain_bill(
        invoice(150, date(2026, 9, 16), date(2026, 10, 15)),
        invoice(120, date(2026, 8, 16), date(2026, 9, 15)),
        None,
    )
    assert K.HIGHER_TIERS not in e.kinds


@pytest.mark.parametrize(
    ("before", "now", "flagged"),
    [(100, 130, True), (100, 129, False), (200, 300, True), (300, 200, False), (0, 10, True), (0, 0, False)],
)
def test_recheck_at_30_percent_or_more(before, now, flagged):
    e = explain_bill(
        invoice(now, date(2026, 9, 16), date(2026, 10, 15)),
        invoice(before, date(2026, 8, 16), date(2026, 9, 15)),
        None,
    )
    assert e.needs_recheck is flagged
    if flagged:
        recheck = e.reason(K.RECHECK)
        assert isinstance(recheck, Recheck) and recheck.threshold_percent == 30


def test_no_previous_invoice_means_no_comparison_and_no_recheck():
    e = explain_bill(CURRENT, None, None)
    assert e.kinds == [] and e.previous is None


def test_longer_period():
    previous = invoice(300, date(2026, 8, 12), date(2026, 9, 10))  # 30 days
    current = invoice(400, date(2026, 9, 11), date(2026, 10, 15))  # 35 days
    longer = explain_bill(current, previous, None).reason(K.LONGER_PERIOD)
    assert isinstance(longer, LongerPeriod)
    assert (longer.days_before, longer.days_now, longer.extra_days) == (30, 35, 5)
    assert (longer.kwh_per_day_before, longer.kwh_per_day_now) == (D("10.0"), D("11.4"))


def test_a_31_day_month_is_not_a_longer_period():
    assert (
        K.LONGER_PERIOD
        not in explain_bill(PREVIOUS, invoice(200, date(2026, 7, 16), date(2026, 8, 15)), None).kinds
    )
    # 16/08–15/09 has 31 days, 16/07–15/08 has 31 too; 30 -> 31:
    e = explain_bill(PREVIOUS, invoice(200, date(2026, 6, 16), date(2026, 7, 15)), None)
    assert K.LONGER_PERIOD not in e.kinds


def test_price_change_inside_the_period():
    current = invoice(300, date(2025, 4, 26), date(2025, 5, 25))
    change = explain_bill(current, invoice(300, date(2025, 3, 26), date(2025, 4, 25)), None).reason(
        K.PRICE_CHANGE
    )
    assert isinstance(change, PriceChange)
    assert (change.old_code, change.new_code, change.effective_from, change.within_period) == (
        "QD2699-2024",
        "QD1279-2025",
        date(2025, 5, 10),
        True,
    )
    assert change.new_name == "QĐ 1279/QĐ-BCT"


def test_price_change_since_the_previous_period():
    previous = invoice(300, date(2025, 4, 26), date(2025, 5, 25))
    change = explain_bill(invoice(300, date(2025, 5, 26), date(2025, 6, 25)), previous, None).reason(
        K.PRICE_CHANGE
    )
    assert (change.new_code, change.within_period) == ("QD1279-2025", False)


def test_no_price_or_vat_reason_when_nothing_changed(bich):
    assert K.PRICE_CHANGE not in bich.kinds and K.VAT_CHANGE not in bich.kinds


def test_vat_change_inside_the_period():
    current = invoice(300, date(2026, 12, 16), date(2027, 1, 15))
    change = explain_bill(current, invoice(300, date(2026, 11, 16), date(2026, 12, 15)), None).reason(
        K.VAT_CHANGE
    )
    assert isinstance(change, VatChange)
    assert (change.old_rate, change.new_rate, change.effective_from) == (
        D("0.08"),
        D("0.10"),
        date(2027, 1, 1),
    )
    assert change.within_period and change.split_by_days


def test_vat_change_since_the_previous_period():
    previous = invoice(300, date(2026, 12, 16), date(2027, 1, 15))
    e = explain_bill(invoice(300, date(2027, 1, 16), date(2027, 2, 15)), previous, None)
    change = e.reason(K.VAT_CHANGE)
    assert (change.new_rate, change.effective_from, change.within_period) == (
        D("0.10"),
        date(2027, 1, 1),
        False,
    )


def test_estimated_readings():
    e = explain_bill(invoice(300, date(2026, 9, 16), date(2026, 10, 15), estimated=True), PREVIOUS, None)
    assert e.reason(K.ESTIMATED_READING) == EstimatedReading(current=True, previous=False)
    previous = invoice(200, date(2026, 8, 16), date(2026, 9, 15), estimated=True)
    assert explain_bill(CURRENT, previous, None).reason(K.ESTIMATED_READING) == EstimatedReading(False, True)


def test_invoices_before_the_known_tariffs_do_not_break_the_explanation():
    old = InvoiceFacts(date(2021, 8, 16), date(2021, 9, 15), 100, D(200_000))
    older = InvoiceFacts(date(2021, 7, 16), date(2021, 8, 15), 50, D(100_000))
    e = explain_bill(old, older, None, schedule=load_schedule())
    assert e.kinds == [K.CHANGE_VS_PREVIOUS, K.RECHECK]


def test_two_households_use_their_own_tier_widths():
    current = invoice(450, date(2026, 9, 11), date(2026, 10, 10), households=2)  # PB14030000003
    previous = invoice(380, date(2026, 8, 11), date(2026, 9, 10), households=2)
    tiers = explain_bill(current, previous, None).reason(K.HIGHER_TIERS)
    assert (tiers.kwh_before, tiers.kwh_now) == (0, 50)  # tier 4 starts above 400 kWh for 2 households
