"""Small row builders for the data-layer tests (plain values, nothing random)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import Customer, Feeder, Invoice, MeterReading, Station


def add_station(session: Session, code: str = "TBA-TN-001", feeder_code: str = "472-TN") -> Station:
    feeder = Feeder(code=feeder_code, name=f"Lộ {feeder_code}")
    station = Station(code=code, name=f"Trạm {code}", feeder=feeder, province="Tây Ninh")
    session.add(station)
    session.flush()
    return station


def add_customer(
    session: Session,
    code: str = "PB05010000001",
    station: Station | None = None,
    **values: object,
) -> Customer:
    fields: dict[str, object] = {
        "name": "Trần Thị Bích",
        "phone": "0908111321",
        "province": "Tây Ninh",
        "ward": "Phường Tân Ninh",
        "old_ward": "Phường 1",
        "old_district": "Thành phố Tây Ninh",
        "reading_day": 15,
    }
    fields.update(values)
    customer = Customer(code=code, managing_unit=code[:6], station=station, **fields)
    session.add(customer)
    session.flush()
    return customer


def add_reading(
    session: Session,
    customer: Customer,
    period_end: date,
    old_index: int,
    kwh: int,
    source: str = "read",
) -> MeterReading:
    reading = MeterReading(
        customer=customer,
        period_start=_month_before(period_end) + timedelta(days=1),
        period_end=period_end,
        reading_date=period_end,
        old_index=old_index,
        new_index=old_index + kwh,
        kwh=kwh,
        source=source,
    )
    session.add(reading)
    session.flush()
    return reading


def add_invoice(
    session: Session,
    customer: Customer,
    period_end: date,
    kwh: int = 200,
    subtotal: int = 439_700,
    payment_date: date | None = None,
    due_in_days: int = 7,
    reading: MeterReading | None = None,
) -> Invoice:
    vat = (Decimal(subtotal) * Decimal("0.08")).quantize(Decimal(1))
    invoice = Invoice(
        customer=customer,
        reading=reading,
        period_start=_month_before(period_end) + timedelta(days=1),
        period_end=period_end,
        kwh=kwh,
        subtotal=subtotal,
        vat_rate=Decimal("0.08"),
        vat_amount=vat,
        total=subtotal + vat,
        issue_date=period_end + timedelta(days=1),
        due_date=period_end + timedelta(days=1 + due_in_days),
        payment_date=payment_date,
    )
    session.add(invoice)
    session.flush()
    return invoice


def _month_before(day: date) -> date:
    """The same day a month earlier (clamped to the month's end)."""
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")
