"""The repository functions return the right rows (and only that customer's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy.orm import Session

from bot import clock
from bot.clock import VN_TZ
from bot.db.models import (
    Incident,
    IncidentWard,
    InvoiceLine,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    Ticket,
    TicketKind,
    TicketPriority,
)
from bot.db.repositories import (
    CustomerRepository,
    IdentityRepository,
    InvoiceRepository,
    OutageRepository,
    ReadingRepository,
    TicketRepository,
)
from bot.db.repositories.identity import hash_channel_user
from bot.db.session import session_scope
from bot.domain import ticket_numbers
from tests.db.builders import add_customer, add_invoice, add_reading, add_station

CODE = "PB05010000001"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def history(session: Session, tariffs: None) -> Session:
    """Bích: 14 monthly readings and invoices (Sep 2025 .. Oct 2026); Cường: one of each."""
    station = add_station(session)
    bich = add_customer(session, station=station)
    index = 10_000
    for n in range(14):
        month = 9 + n
        period_end = date(2025 + (month - 1) // 12, (month - 1) % 12 + 1, 15)
        kwh = 100 + 10 * n
        reading = add_reading(session, bich, period_end, index, kwh, source="estimated" if n == 5 else "read")
        index += kwh
        invoice = add_invoice(
            session,
            bich,
            period_end,
            kwh=kwh,
            subtotal=2000 * kwh,
            reading=reading,
            payment_date=None if n == 13 else period_end + timedelta(days=3),
        )
        invoice.lines.append(
            InvoiceLine(
                tier=1,
                kwh=kwh,
                unit_price=Decimal(2000),
                amount=2000 * kwh,
                vat_rate=Decimal("0.08"),
                tariff_code="QD1279-2025",
            )
        )
    cuong = add_customer(
        session,
        code="PB11020000002",
        name="Lê Văn Cường",
        phone="0939222654",
        province="Cần Thơ",
        ward="Phường Tân An",
        reading_day=8,
    )
    add_reading(session, cuong, date(2026, 11, 8), 500, 120)
    add_invoice(session, cuong, date(2026, 11, 8), kwh=120)
    session.commit()
    return session


def test_get_customer_normalises_the_code_and_loads_the_network(history: Session, clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        customer = CustomerRepository(session).get(" pb 0501-0000001 ")
    assert customer is not None and customer.code == CODE
    assert customer.station.code == "TBA-TN-001"  # loaded before the session ended
    assert customer.feeder.code == "472-TN"
    assert CustomerRepository(history).get("PB05010000009") is None


def test_customers_by_phone(history: Session) -> None:
    assert [c.code for c in CustomerRepository(history).by_phone("+84 939 222 654")] == ["PB11020000002"]


def test_latest_invoice_with_its_lines_and_reading(history: Session, clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        invoice = InvoiceRepository(session).latest("pb05010000001")
    assert invoice is not None
    assert invoice.period_end == date(2026, 10, 15)
    assert invoice.kwh == 230
    assert [(line.tier, line.kwh, line.tariff_code) for line in invoice.lines] == [(1, 230, "QD1279-2025")]
    assert invoice.reading.reading_date == date(2026, 10, 15)
    assert InvoiceRepository(history).latest("PB11020000002").period_end == date(2026, 11, 8)
    assert InvoiceRepository(history).latest("PB05010000009") is None


def test_invoice_for_month_uses_the_month_the_period_ends(history: Session) -> None:
    invoice = InvoiceRepository(history).for_month(CODE, 2026, 1)
    assert (invoice.period_start, invoice.period_end) == (date(2025, 12, 16), date(2026, 1, 15))
    assert InvoiceRepository(history).for_month(CODE, 2025, 12).period_end == date(2025, 12, 15)
    assert InvoiceRepository(history).for_month(CODE, 2026, 11) is None
    assert InvoiceRepository(history).for_month(CODE, 2025, 8) is None


def test_invoice_for_month_with_two_readings_in_a_month_takes_the_last(session: Session) -> None:
    customer = add_customer(session)
    add_invoice(session, customer, date(2026, 10, 10))
    add_invoice(session, customer, date(2026, 10, 25))
    add_invoice(session, customer, date(2026, 11, 1))
    assert InvoiceRepository(session).for_month(CODE, 2026, 10).period_end == date(2026, 10, 25)
    assert InvoiceRepository(session).for_month(CODE, 2026, 12) is None


def test_previous_and_same_period_last_year(history: Session) -> None:
    latest = InvoiceRepository(history).latest(CODE)
    assert InvoiceRepository(history).previous(latest).period_end == date(2026, 9, 15)
    assert InvoiceRepository(history).same_month_last_year(latest).period_end == date(2025, 10, 15)
    first = InvoiceRepository(history).for_month(CODE, 2025, 9)
    assert InvoiceRepository(history).previous(first) is None
    assert InvoiceRepository(history).same_month_last_year(first) is None
    # Another customer's invoices never count.
    cuong = InvoiceRepository(history).latest("PB11020000002")
    assert InvoiceRepository(history).previous(cuong) is None


def test_invoices_for_customer_newest_first(history: Session) -> None:
    invoices = InvoiceRepository(history).history(CODE, limit=3)
    assert [i.period_end for i in invoices] == [date(2026, 10, 15), date(2026, 9, 15), date(2026, 8, 15)]
    assert len(InvoiceRepository(history).history(CODE)) == 14


def test_unpaid_invoices_only_the_last(history: Session) -> None:
    with clock.frozen("2026-11-27T09:00"):
        unpaid = InvoiceRepository(history).unpaid(CODE)
    assert [i.period_end for i in unpaid] == [date(2026, 10, 15)]


def test_readings(history: Session) -> None:
    latest = ReadingRepository(history).latest(CODE)
    assert (latest.reading_date, latest.old_index, latest.new_index) == (date(2026, 10, 15), 12_080, 12_310)
    readings = ReadingRepository(history).history(CODE)
    assert len(readings) == 14
    # Indexes chain from one reading to the next.
    for newer, older in pairwise(readings):
        assert newer.old_index == older.new_index
    assert [r.source for r in readings].count("estimated") == 1
    assert ReadingRepository(history).latest("PB05010000009") is None


# ------------------------------------------------------------------------ outages


@pytest.fixture
def outages(session: Session) -> Session:
    tn1 = add_station(session, "TBA-TN-001", "472-TN")
    tn2 = add_station(session, "TBA-TN-002", "474-TN")

    def outage(
        code: str, start: str, end: str, stations: list, wards: list[str], status: str = "scheduled"
    ) -> None:
        session.add(
            PlannedOutage(
                code=code,
                starts_at=vn(start),
                ends_at=vn(end),
                reason="bảo trì, sửa chữa lưới điện",
                announced_at=vn(start) - timedelta(days=6),
                status=status,
                stations=stations,
                wards=[PlannedOutageWard(province="Tây Ninh", ward=w) for w in wards],
            )
        )

    outage("LN-1", "2026-12-03T07:30", "2026-12-03T16:00", [tn1], ["Phường Tân Ninh"])
    outage(
        "LN-2", "2026-12-05T07:00", "2026-12-05T11:00", [tn1, tn2], ["Phường Tân Ninh", "Phường Bình Minh"]
    )
    outage(
        "LN-3",
        "2026-12-04T08:00",
        "2026-12-04T12:00",
        [tn1],
        ["Phường Tân Ninh"],
        OutageStatus.CANCELLED.value,
    )
    outage("LN-4", "2026-12-04T08:00", "2026-12-04T12:00", [tn2], ["Phường Bình Minh"])
    session.add(
        Incident(
            code="SC-1",
            cause="Sự cố cáp ngầm",
            status="open",
            stations=[tn1],
            created_at=vn("2026-11-27T08:00"),
            wards=[IncidentWard(province="Tây Ninh", ward="Phường Tân Ninh")],
        )
    )
    session.add(
        Incident(
            code="SC-2",
            cause="Cây ngã",
            status="restored",
            stations=[tn1],
            created_at=vn("2026-11-26T08:00"),
            restored_at=vn("2026-11-26T10:00"),
        )
    )
    session.add(
        Incident(
            code="SC-3",
            status="open",
            stations=[tn2],
            created_at=vn("2026-11-27T07:00"),
            wards=[IncidentWard(province="Tây Ninh", ward="Phường Bình Minh")],
        )
    )
    session.flush()
    return session


def codes(rows: list) -> list[str]:
    return [row.code for row in rows]


def test_planned_outages_for_station_in_a_window(outages: Session) -> None:
    week = (vn("2026-12-01T00:00"), vn("2026-12-08T00:00"))
    assert codes(OutageRepository(outages).planned_for_station("TBA-TN-001", *week)) == ["LN-1", "LN-2"]
    assert codes(
        OutageRepository(outages).planned_for_station("TBA-TN-001", *week, include_cancelled=True)
    ) == ["LN-1", "LN-3", "LN-2"]
    assert codes(OutageRepository(outages).planned_for_station("TBA-TN-002", *week)) == ["LN-4", "LN-2"]
    assert OutageRepository(outages).planned_for_station("TBA-XX-999", *week) == []


def test_planned_outage_under_way_at_a_moment(outages: Session) -> None:
    def at(moment: str) -> list[str]:
        return codes(OutageRepository(outages).planned_for_station("TBA-TN-001", vn(moment), vn(moment)))

    assert at("2026-12-03T07:29") == []
    assert at("2026-12-03T07:30") == ["LN-1"]
    assert at("2026-12-03T15:59") == ["LN-1"]
    assert at("2026-12-03T16:00") == []  # power is back at the announced end


def test_planned_outages_for_wards(outages: Session) -> None:
    week = (vn("2026-12-01T00:00"), vn("2026-12-08T00:00"))
    found = OutageRepository(outages).planned_for_wards("Tây Ninh", ["Phường Bình Minh"], *week)
    assert codes(found) == ["LN-4", "LN-2"]
    both = ["Phường Tân Ninh", "Phường Bình Minh"]
    assert codes(OutageRepository(outages).planned_for_wards("Tây Ninh", both, *week)) == [
        "LN-1",
        "LN-4",
        "LN-2",
    ]  # each outage once
    assert OutageRepository(outages).planned_for_wards("Cà Mau", ["Phường Tân Ninh"], *week) == []
    assert {w.ward for w in found[1].wards} == {"Phường Tân Ninh", "Phường Bình Minh"}


def test_open_incidents(outages: Session) -> None:
    assert codes(OutageRepository(outages).open_incidents_for_station("TBA-TN-001")) == ["SC-1"]
    assert codes(OutageRepository(outages).open_incidents_for_station("TBA-TN-002")) == ["SC-3"]
    both = ["Phường Tân Ninh", "Phường Bình Minh"]
    assert codes(OutageRepository(outages).open_incidents_for_wards("Tây Ninh", both)) == ["SC-3", "SC-1"]


# ------------------------------------------------------- tickets, links, audit


def test_tickets_get_random_numbers_found_as_typed(session: Session) -> None:
    with clock.frozen("2026-11-27T09:00"):
        first = TicketRepository(session).add(
            kind=TicketKind.OUTAGE,
            summary="Mất điện cả xóm",
            customer_code="pb05010000001",
            channel="zalo",
            requester_hash="a" * 64,
        )
        second = TicketRepository(session).add(
            kind="hazard", summary="Dây điện đứt", priority=TicketPriority.URGENT
        )
    assert first.number != second.number
    assert all(ticket_numbers.normalize(t.number) == t.number for t in (first, second))
    assert first.customer_code == CODE and first.created_at == vn("2026-11-27T09:00")
    assert first.requester_hash == "a" * 64 and second.requester_hash is None
    typed = second.number.lower().replace("-", " ").replace("1", "l")
    assert TicketRepository(session).get(typed).priority == TicketPriority.URGENT
    with pytest.raises(ValueError):
        TicketRepository(session).add(kind="party", summary="x")


def test_tickets_numbered_before_keep_their_numbers(session: Session) -> None:
    session.add(Ticket(number="SC2611270001", kind="outage", summary="older"))
    session.flush()
    assert TicketRepository(session).get("sc 2611270001").summary == "older"


def test_channel_links(session: Session) -> None:
    add_customer(session)
    add_customer(session, code="PB11020000002")
    with clock.frozen("2026-11-27T09:00"):
        IdentityRepository(session).link("zalo", "u1", "PB05010000001")
        IdentityRepository(session).link("zalo", "u1", "PB11020000002")
    with clock.frozen("2026-11-28T09:00"):
        again = IdentityRepository(session).link("zalo", "u1", "pb05010000001")  # refreshed, not duplicated
    assert again.verified_at == vn("2026-11-28T09:00")
    assert IdentityRepository(session).linked_codes("zalo", "u1") == ["PB11020000002", CODE]
    assert IdentityRepository(session).linked_codes("facebook", "u1") == []


def test_failed_verifications_are_counted_per_code(session: Session) -> None:
    with clock.frozen("2026-11-27T08:00"):
        IdentityRepository(session).record_attempt(CODE, "zalo", "u1", success=False)
    with clock.frozen("2026-11-27T09:00"):
        IdentityRepository(session).record_attempt(CODE, "facebook", "u2", success=False)
        IdentityRepository(session).record_attempt(CODE, "zalo", "u1", success=True)
        IdentityRepository(session).record_attempt("PB11020000002", "zalo", "u1", success=False)
    assert IdentityRepository(session).failures_since(CODE, vn("2026-11-27T07:00")) == 2
    assert IdentityRepository(session).failures_since(CODE, vn("2026-11-27T08:30")) == 1


def test_disclosures_are_audited_without_the_raw_user_id(session: Session) -> None:
    with clock.frozen("2026-11-27T09:00"):
        entry = IdentityRepository(session).record_disclosure(CODE, "zalo", "1234567890", "invoice 10/2026")
    assert entry.channel_user_hash == hash_channel_user("zalo", "1234567890")
    assert "1234567890" not in entry.channel_user_hash and len(entry.channel_user_hash) == 64
    assert entry.at == vn("2026-11-27T09:00")


def test_concurrent_tickets_never_share_a_number(clean_db_url: str) -> None:
    """Four writers at once (threads, as actions run under asyncio.to_thread)."""
    from concurrent.futures import ThreadPoolExecutor

    def open_tickets(_: int) -> list[str]:
        numbers = []
        for _ in range(5):
            with session_scope(clean_db_url) as session:
                numbers.append(TicketRepository(session).add(kind="outage", summary="Mất điện").number)
        return numbers

    with clock.frozen("2026-11-27T09:00"), ThreadPoolExecutor(max_workers=4) as pool:
        numbers = [n for batch in pool.map(open_tickets, range(4)) for n in batch]
    assert len(set(numbers)) == 20
