"""Demo data: the fixture customers exactly as written, consistent histories, outages,
determinism, speed, and the refusals that keep it out of real databases.

Loaded with a few hundred customers (the generator does not change with the size); the
full 5,000-customer run is timed once, on SQLite. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli, clock
from bot.cli import demo as cli_demo
from bot.db.demo_places import PB_PROVINCES, southern_places
from bot.db.models import (
    Customer,
    Incident,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    MeterReading,
    PlannedOutage,
    Station,
    Ticket,
)
from bot.db.repositories import CustomerRepository, InvoiceRepository, OutageRepository
from bot.db.session import session_scope
from bot.demo import DemoConfig, DemoRefused, generate, load_demo, reading_dates
from bot.demo.base import made_at
from bot.demo.fixtures import FIXTURES
from bot.domain.billing import invoice_status
from bot.domain.tariff import compute_bill

TODAY = date(2026, 11, 27)
SMALL = 300


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen("2026-11-27T09:00"):
        yield


@pytest.fixture(scope="module")
def demo_url(new_db_url) -> str:
    """One demo database per backend for the read-only tests of this module."""
    url = new_db_url()
    load_demo(url, today=TODAY, customers=SMALL, allow_non_default_db=True)
    return url


def invoices(session, code: str) -> dict[tuple[date, date], Invoice]:
    return {(i.period_start, i.period_end): i for i in InvoiceRepository(session).history(code)}


# ------------------------------------------------------------------ fixtures


def test_fixture_customers_exist_exactly_as_written(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        bich = CustomerRepository(session).get("PB05010000001")
        assert (bich.name, bich.phone, bich.households, bich.reading_day) == (
            "Trần Thị Bích",
            "0908111321",
            1,
            15,
        )
        assert (bich.old_ward, bich.old_district, bich.old_province) == (
            "Phường 1",
            "Thành phố Tây Ninh",
            "Tây Ninh",
        )
        assert (bich.ward, bich.province, bich.managing_unit) == ("Phường Tân Ninh", "Tây Ninh", "PB0501")
        cuong = CustomerRepository(session).get("pb 1102-0000002")
        assert (cuong.name, cuong.phone, cuong.households, cuong.reading_day) == (
            "Lê Văn Cường",
            "0939222654",
            1,
            8,
        )
        assert (cuong.old_ward, cuong.old_district) == ("Phường An Khánh", "Quận Ninh Kiều")
        assert (cuong.ward, cuong.province) == ("Phường Tân An", "Thành phố Cần Thơ")
        dung = CustomerRepository(session).get("PB14030000003")
        assert (dung.name, dung.phone, dung.households, dung.reading_day) == (
            "Nguyễn Hoàng Dũng",
            "0918333987",
            2,
            10,
        )
        assert (dung.old_ward, dung.old_district, dung.ward, dung.province) == (
            "Phường 5",
            "Thành phố Cà Mau",
            "Phường Tân Thành",
            "Cà Mau",
        )
        for customer in (bich, cuong, dung):
            assert customer.station is not None and customer.station.feeder is not None


def test_fixture_invoices_have_the_written_amounts_and_statuses(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        bich = invoices(session, "PB05010000001")
        old = bich[(date(2025, 9, 16), date(2025, 10, 15))]
        assert (old.kwh, old.total) == (180, 423_468)
        paid = bich[(date(2026, 8, 16), date(2026, 9, 15))]
        assert (paid.kwh, paid.total, invoice_status(paid)) == (200, 474_876, InvoiceStatus.PAID)
        unpaid = bich[(date(2026, 9, 16), date(2026, 10, 15))]
        assert (unpaid.kwh, unpaid.total, unpaid.payment_date) == (300, 798_660, None)
        assert invoice_status(unpaid) is InvoiceStatus.OVERDUE
        assert max(bich) == (date(2026, 10, 16), date(2026, 11, 15))  # the generated newest period

        cuong = invoices(session, "PB11020000002")[(date(2026, 9, 9), date(2026, 10, 8))]
        assert (cuong.kwh, cuong.total, cuong.payment_date) == (120, 269_244, date(2026, 10, 12))
        assert invoice_status(cuong) is InvoiceStatus.PAID

        dung_all = invoices(session, "PB14030000003")
        dung = dung_all[(date(2026, 9, 11), date(2026, 10, 10))]
        assert (dung.kwh, dung.total, dung.payment_date, dung.reminders_sent) == (450, 1_111_644, None, 1)
        assert invoice_status(dung) is InvoiceStatus.OVERDUE
        customer = CustomerRepository(session).get("PB14030000003")
        assert (customer.notices_sent, customer.supply_status, customer.suspended_at) == (1, "normal", None)
        assert all(i.reminders_sent <= 1 for i in dung_all.values())


def test_fixture_outage_and_incident(demo_url: str) -> None:
    now = clock.now()
    with session_scope(demo_url) as session:
        cuong = CustomerRepository(session).get("PB11020000002")
        outages = OutageRepository(session).planned_for_station(
            cuong.station.code, now, now + timedelta(days=14)
        )
        assert len(outages) == 1
        outage = outages[0]
        assert outage.starts_at == datetime(2026, 12, 3, 7, 30, tzinfo=clock.VN_TZ)
        assert outage.ends_at == datetime(2026, 12, 3, 16, 0, tzinfo=clock.VN_TZ)
        assert outage.reason == "bảo trì, sửa chữa lưới điện" and outage.status == "scheduled"
        assert outage.announced_at.date() == TODAY
        assert ("Thành phố Cần Thơ", "Phường Tân An") in {(w.province, w.ward) for w in outage.wards}

        dung = CustomerRepository(session).get("PB14030000003")
        assert len(OutageRepository(session).open_incidents_for_station(dung.station.code)) == 1
        bich = CustomerRepository(session).get("PB05010000001")
        assert OutageRepository(session).open_incidents_for_station(bich.station.code) == []
        assert OutageRepository(session).open_incidents_for_station(cuong.station.code) == []
        assert (
            OutageRepository(session).planned_for_station(bich.station.code, now, now + timedelta(days=14))
            == []
        )


# ------------------------------------------------------------------ history


def test_every_customer_has_24_chained_readings_up_to_before_today(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        customers = {c.id: c for c in session.execute(select(Customer)).scalars()}
        assert len(customers) == SMALL + len(FIXTURES)
        readings: dict[int, list[MeterReading]] = {}
        for reading in session.execute(
            select(MeterReading).order_by(MeterReading.customer_id, MeterReading.reading_date)
        ).scalars():
            readings.setdefault(reading.customer_id, []).append(reading)
    assert set(readings) == set(customers)
    for customer_id, rows in readings.items():
        customer = customers[customer_id]
        assert len(rows) == 24
        expected = reading_dates(customer.reading_day, TODAY)
        assert [r.reading_date for r in rows] == expected[1:]
        assert rows[-1].reading_date < TODAY
        for previous, reading in itertools.pairwise(rows):
            assert reading.old_index == previous.new_index
            assert reading.period_start == previous.reading_date + timedelta(days=1)
        for reading in rows:
            assert reading.kwh == (reading.new_index - reading.old_index) * customer.meter_multiplier


def test_invoices_are_the_tariff_engines_and_follow_the_readings(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        rows = session.execute(
            select(Invoice, MeterReading, Customer.households)
            .join(MeterReading, Invoice.reading_id == MeterReading.id)
            .join(Customer, Invoice.customer_id == Customer.id)
        ).all()
        line_sums = dict(
            session.execute(
                select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount)).group_by(InvoiceLine.invoice_id)
            ).all()
        )
        assert session.execute(select(func.count()).select_from(Invoice)).scalar_one() == len(rows)
    for invoice, reading, households in rows[::7]:  # a sample: the engine is tested on its own
        assert (invoice.period_start, invoice.period_end, invoice.kwh) == (
            reading.period_start,
            reading.period_end,
            reading.kwh,
        )
        bill = compute_bill(invoice.kwh, invoice.period_start, invoice.period_end, households)
        assert (invoice.subtotal, invoice.vat_amount, invoice.total) == (
            bill.subtotal,
            bill.vat_amount,
            bill.total,
        )
        assert line_sums[invoice.id] == invoice.subtotal
        assert invoice.issue_date > invoice.period_end or invoice.issue_date == TODAY
        assert invoice.due_date == invoice.issue_date + timedelta(days=5)


def test_hot_season_payments_and_suspensions_look_real(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        by_month = dict(
            session.execute(
                select(func.extract("month", Invoice.period_end), func.avg(Invoice.kwh)).group_by(
                    func.extract("month", Invoice.period_end)
                )
            ).all()
        )
        statuses = [invoice_status(i) for i in session.execute(select(Invoice)).scalars()]
        suspended = session.execute(
            select(func.count()).select_from(Customer).where(Customer.supply_status == "suspended")
        ).scalar_one()
        estimated = session.execute(
            select(func.count()).select_from(MeterReading).where(MeterReading.source == "estimated")
        ).scalar_one()
    peak = min(float(by_month[m]) for m in (5, 6))  # periods ending in May and June
    assert peak > 1.25 * max(float(by_month[m]) for m in (1, 2, 11, 12))
    assert statuses.count(InvoiceStatus.OVERDUE) > 0 and statuses.count(InvoiceStatus.UNPAID) > 0
    assert statuses.count(InvoiceStatus.PAID) > 0.9 * len(statuses)
    assert 0 < suspended < 0.05 * (SMALL + 3)
    assert estimated > 0


def test_planned_outages_are_announced_five_days_ahead(demo_url: str) -> None:
    now = clock.now()
    with session_scope(demo_url) as session:
        outages = session.execute(select(PlannedOutage)).scalars().all()
        open_incidents = session.execute(select(Incident).where(Incident.status == "open")).scalars().all()
        restored = session.execute(select(Incident).where(Incident.status == "restored")).scalars().all()
        station_codes = set(session.execute(select(Station.code)).scalars())
        for outage in outages:
            assert outage.starts_at - outage.announced_at >= timedelta(days=5)
            assert outage.announced_at <= made_at(TODAY)
            assert outage.stations and outage.wards
    assert any(o.starts_at < now - timedelta(days=30) for o in outages)
    assert any(now < o.starts_at <= now + timedelta(days=14) for o in outages)
    assert not any(o.starts_at > now + timedelta(days=15) for o in outages)
    assert len(open_incidents) >= 2 and len(restored) >= 10
    assert all(i.restored_at > i.started_at for i in restored)
    assert station_codes


def test_places_are_current_wards_of_southern_provinces(demo_url: str) -> None:
    from vietnam_provinces import Province, Ward

    names = {p.code: p.name for p in Province.iter_all()}
    current = {(names[w.province_code], w.name) for w in Ward.iter_all()}
    with session_scope(demo_url) as session:
        rows = session.execute(
            select(Customer.code, Customer.province, Customer.ward, Customer.old_province)
        ).all()
    for code, province, ward, old_province in rows:
        assert (province, ward) in current
        assert PB_PROVINCES[code[2:4]] == old_province
    assert len({code[2:4] for code, *_ in rows}) == len(PB_PROVINCES)


def test_ids_keep_working_after_the_demo(clean_db_url: str) -> None:
    # Explicit ids must not break later inserts (PostgreSQL sequences are moved past them).
    load_demo(clean_db_url, today=TODAY, customers=20, allow_non_default_db=True)
    with session_scope(clean_db_url) as session:
        session.add(Ticket(number="SC2611270001", kind="outage", summary="test"))
        station = session.execute(select(Station).limit(1)).scalar_one()
        session.add(
            Customer(
                code="PB05019999999",
                name="X",
                province="Tây Ninh",
                ward=station.ward,
                managing_unit="PB0501",
                reading_day=10,
                station=station,
            )
        )


# ------------------------------------------------------------ any today, seeds


def test_the_same_seed_gives_the_same_rows() -> None:
    def digest(seed: int, today: date) -> str:
        text = repr([b.rows for b in generate(DemoConfig(today=today, seed=seed, customers=60))])
        return hashlib.sha256(text.encode()).hexdigest()

    assert digest(7, TODAY) == digest(7, TODAY)
    assert digest(7, TODAY) != digest(8, TODAY)
    assert digest(7, TODAY) != digest(7, TODAY + timedelta(days=1))


@pytest.mark.parametrize(
    "today", [date(2026, 1, 5), date(2026, 10, 11), date(2026, 10, 13), date(2029, 3, 1), date(2024, 2, 29)]
)
def test_the_generator_works_for_any_today(today: date) -> None:
    batches = list(generate(DemoConfig(today=today, customers=40)))
    customers = [c for b in batches for c in b.rows.get("customers", [])]
    readings = [r for b in batches for r in b.rows.get("meter_readings", [])]
    invoices_ = [i for b in batches for i in b.rows.get("invoices", [])]
    assert len(customers) == 43
    # 24 readings each, fewer only where the history would start before the first price
    # table of data/tariffs.yml (09/11/2023).
    per_customer = {c["id"]: 0 for c in customers}
    for reading in readings:
        per_customer[reading["customer_id"]] += 1
        assert reading["period_start"] >= date(2023, 11, 9)
    if today >= date(2026, 1, 1):
        assert set(per_customer.values()) == {24}
    else:
        assert 0 < min(per_customer.values()) < 24
    assert len(invoices_) == len(readings)
    assert max(r["reading_date"] for r in readings) < today
    assert all(i["issue_date"] <= today and (i["payment_date"] or today) <= today for i in invoices_)
    outages = [o for b in batches for o in b.rows.get("planned_outages", [])]
    assert all(o["starts_at"] - o["announced_at"] >= timedelta(days=5) for o in outages)
    by_period = {(i["customer_id"], i["period_end"]): i for i in invoices_}
    cuong = next(c for c in customers if c["code"] == "PB11020000002")
    pinned = by_period.get((cuong["id"], date(2026, 10, 8)))
    if today <= date(2026, 10, 8) or today > date(2028, 10, 8):
        assert pinned is None  # not read yet / older than the 24 months
    else:
        assert pinned["total"] == 269_244
        assert pinned["payment_date"] == (date(2026, 10, 12) if today >= date(2026, 10, 12) else None)


# --------------------------------------------------------------- refusals, CLI


def test_refuses_a_database_that_is_not_the_embedded_default(clean_db_url: str) -> None:
    with pytest.raises(DemoRefused, match="not the embedded default"):
        load_demo(clean_db_url, today=TODAY, customers=10)
    with session_scope(clean_db_url) as session:
        assert session.execute(select(func.count()).select_from(Customer)).scalar_one() == 0


def test_refuses_to_load_twice_unless_forced(clean_db_url: str) -> None:
    load_demo(clean_db_url, today=TODAY, customers=20, allow_non_default_db=True)
    with pytest.raises(DemoRefused, match="already has utility data"):
        load_demo(clean_db_url, today=TODAY, customers=20, allow_non_default_db=True)
    result = load_demo(clean_db_url, today=TODAY, customers=20, force=True, allow_non_default_db=True)
    with session_scope(clean_db_url) as session:
        assert session.execute(select(func.count()).select_from(Customer)).scalar_one() == 23
        total = session.execute(select(func.count()).select_from(Invoice)).scalar_one()
    assert result.counts["invoices"] == total == 23 * 24


def test_cli_refuses_a_configured_database(
    clean_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_db_url)
    assert cli.main(["demo-data", "--today", "27/11/2026"]) == 1
    assert "refusing to load demo data" in capsys.readouterr().err


def test_cli_loads_the_embedded_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from bot import config
    from bot.db.session import dispose_engines

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    monkeypatch.setattr(cli_demo, "DEFAULT_CUSTOMERS", 30)  # the command line's default
    try:
        assert cli.main(["demo-data", "--today", "27/11/2026", "--seed", "3"]) == 0
        assert "customers 33" in capsys.readouterr().out
        assert cli.main(["demo-data", "--today", "27/11/2026"]) == 1
        assert "--force" in capsys.readouterr().err
        assert cli.main(["demo-data", "--today", "27/11/2026", "--force"]) == 0
    finally:
        dispose_engines()
    assert (tmp_path / "utility.db").exists()


def test_gazetteer_slice_keeps_old_names() -> None:
    places = southern_places()
    assert set(places) == set(PB_PROVINCES)
    tay_ninh = {(p.old_district, p.old_ward): p.ward for p in places["05"]}
    assert tay_ninh[("Thành phố Tây Ninh", "Phường 1")] == "Phường Tân Ninh"
    can_tho = {(p.old_district, p.old_ward): p.ward for p in places["11"]}
    assert can_tho[("Quận Ninh Kiều", "Phường An Khánh")] == "Phường Tân An"


# ---------------------------------------------------------------------- speed


@pytest.mark.slow
def test_full_size_demo_is_fast(new_db_url, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("timed on the embedded database (SQLite) only")
    url = new_db_url()
    started = time.perf_counter()
    result = load_demo(url, today=TODAY, allow_non_default_db=True)
    seconds = time.perf_counter() - started
    print(f"\n{result.summary()}\nwall time {seconds:.1f} s")
    assert result.counts["customers"] >= 5000
    assert result.counts["meter_readings"] == result.counts["customers"] * 24
    assert seconds < 60
