"""Payment posting by channel (the operator's delays, the day paid), what the account
shows (verified and audited), and the steps of one channel."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.models import DisclosureAudit
from bot.db.session import session_scope
from bot.domain.periods import Month
from bot.services import payment_channels, payments, unit_of_work, verification
from bot.services.verification import NotVerified, Requester
from tests.support.demo import BICH, CUONG, DIGITS

WHO = Requester("rest", "payments-test")
NOW = datetime(2026, 11, 27, 9, tzinfo=clock.VN_TZ)  # a Friday
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("values", "day"),
    [
        (["relative_day:-1"], date(2026, 11, 26)),
        (["relative_day:0"], TODAY),
        (["relative_day:+1"], None),  # a payment is never in the future
        (["day:25"], date(2026, 11, 25)),
        (["day:30"], date(2026, 10, 30)),  # the 30th before the 27th: last month
        (["day:20/11"], date(2026, 11, 20)),
        (["weekday:1"], date(2026, 11, 23)),  # "thứ 2": last Monday
        (["week:+1"], None),
        ([], None),
    ],
)
def test_the_day_paid(values: list[str], day: date | None) -> None:
    assert payments.paid_day(values, TODAY) == day


def test_a_wallet_paid_yesterday_is_late_a_transfer_today_is_not() -> None:
    momo = payments.posting_timing("momo", date(2026, 11, 26), NOW)
    assert momo.delay.hours == 4 and momo.overdue
    assert momo.expected_by == datetime(2026, 11, 27, 3, 59, tzinfo=clock.VN_TZ)
    bank = payments.posting_timing("bank_app", TODAY, NOW)
    assert bank.transfer.working_days == 1 and not bank.overdue
    counter = payments.posting_timing("counter", None, NOW)
    assert counter.delay.at_once and counter.expected_by is None and not counter.overdue
    unknown = payments.posting_timing(None, date(2026, 11, 26), NOW)
    assert unknown.channel is None and unknown.expected_by is None and set(unknown.rules) >= {"connected"}


def test_every_channel_of_the_nlu_has_steps_and_a_delay() -> None:
    assert set(payment_channels.channels()) == {
        "momo", "zalopay", "vnpay", "bank_app", "evn_app", "store", "counter", "auto_debit",
    }  # fmt: skip
    for channel in payment_channels.channels():
        guide = payment_channels.guide(channel)
        assert len(guide.steps) >= 2 and guide.posting is not None
    assert payment_channels.guide("bitcoin") is None
    assert payment_channels.of_invoice("bank") == "bank_app" and payment_channels.of_invoice(None) is None


def test_the_account_shows_the_unpaid_bills_and_the_last_payment(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow, pytest.raises(NotVerified):
        payments.posting_check(uow, BICH, WHO)
    with unit_of_work(demo_db) as uow:
        assert verification.verify(uow, BICH, WHO, DIGITS[BICH]).verified
    with unit_of_work(demo_db) as uow:
        check = payments.posting_check(uow, BICH, WHO)
    assert [v.month.key for v in check.unpaid] == ["2026-10", "2026-11"]
    assert check.total_unpaid == 1_331_817
    assert check.last_payment.payment_date == date(2026, 9, 19) and check.last_channel == "bank_app"
    with session_scope(demo_db) as session:
        audited = session.execute(select(DisclosureAudit.disclosed)).scalars().all()
    assert "payments" in audited


def test_the_payment_of_a_month(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        assert verification.verify(uow, CUONG, WHO, DIGITS[CUONG]).verified
    with unit_of_work(demo_db) as uow:
        check = payments.posting_check(uow, CUONG, WHO, Month(2026, 10))
    assert check.invoice.total == 269_244 and check.invoice.payment_date == date(2026, 10, 12)
    assert not check.unpaid
