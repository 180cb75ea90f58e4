"""Column types: timestamps, exact decimals and money read back the same on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from bot.clock import VN_TZ
from bot.db.models import Incident, TariffTier, TariffVersion, VatPeriod
from bot.db.session import session_scope


def test_timestamps_read_back_as_the_same_instant_in_vietnam_time(clean_db_url: str) -> None:
    utc_moment = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    naive_vietnam = datetime(2026, 11, 27, 16, 0)  # naive = Vietnam time
    with session_scope(clean_db_url) as session:
        session.add_all(
            [
                Incident(code="SC-1", created_at=utc_moment),
                Incident(code="SC-2", created_at=naive_vietnam),
            ]
        )
    with session_scope(clean_db_url) as session:
        rows = dict(session.execute(select(Incident.code, Incident.created_at)).all())
    assert rows["SC-1"] == utc_moment
    assert rows["SC-1"].utcoffset().total_seconds() == 7 * 3600
    assert (rows["SC-1"].hour, rows["SC-1"].tzinfo) == (9, VN_TZ)
    assert rows["SC-2"] == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_timestamp_comparisons_use_the_instant(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        session.add(Incident(code="SC-1", created_at=datetime(2026, 11, 27, 6, 59, tzinfo=VN_TZ)))
        session.add(Incident(code="SC-2", created_at=datetime(2026, 11, 27, 7, 1, tzinfo=VN_TZ)))
    after = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 07:00 Vietnam time
    with session_scope(clean_db_url) as session:
        codes = session.execute(select(Incident.code).where(Incident.created_at > after)).scalars().all()
    assert codes == ["SC-2"]


def test_rates_and_prices_are_exact_decimals(session: Session) -> None:
    session.add(VatPeriod(start_date=date(2023, 7, 1), rate=Decimal("0.08")))
    version = TariffVersion(code="T", name="T", effective_from=date(2025, 5, 10))
    version.tiers.append(TariffTier(tier=1, upper_kwh=50, price=Decimal("1984.35")))
    session.add(version)
    session.flush()
    session.expire_all()
    rate = session.execute(select(VatPeriod.rate)).scalar_one()
    price = session.execute(select(TariffTier.price)).scalar_one()
    assert rate == Decimal("0.08") and isinstance(rate, Decimal) and str(rate) == "0.0800"
    assert price == Decimal("1984.35") and isinstance(price, Decimal)


def test_decimal_columns_refuse_floats_and_extra_places(clean_db_url: str) -> None:
    for bad in (0.08, Decimal("0.08125")):
        with pytest.raises(StatementError), session_scope(clean_db_url) as session:
            session.add(VatPeriod(start_date=date(2023, 7, 1), rate=bad))


def test_money_refuses_fractions_of_a_dong(clean_db_url: str) -> None:
    from tests.db.builders import add_customer, add_invoice

    with pytest.raises(StatementError, match="whole đồng"), session_scope(clean_db_url) as session:
        invoice = add_invoice(session, add_customer(session), date(2026, 10, 15))
        invoice.vat_amount = Decimal("16326.4")
        session.flush()
