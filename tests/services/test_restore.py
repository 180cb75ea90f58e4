"""When power comes back: a ticket, an incident on the customer's station, a planned
outage under way, a place."""

from __future__ import annotations

from bot import clock
from bot.domain import places
from bot.services import restore, unit_of_work
from bot.services.outage_reports import Report, Scope, Target, submit
from bot.services.restore import Status
from bot.wording import restore as wording


def status_for(url: str, code: str) -> restore.RestoreStatus:
    with unit_of_work(url) as session:
        return restore.for_customer(session, code)


def test_the_incident_on_the_customers_station_with_its_expected_time(outage_db: str) -> None:
    status = status_for(outage_db, "PB14030000003")
    assert status.status == Status.INCIDENT and status.incident.code == "SC-261127-0001"
    text = wording.restore_reply(status, "PB14030000003")
    assert "dự kiến: 12:25 hôm nay (27/11/2026)" in text


def test_a_planned_outage_under_way_gives_its_end(outage_db: str) -> None:
    status = status_for(outage_db, "PB05010000105")
    assert status.status == Status.PLANNED
    assert "16:00 hôm nay (27/11/2026)" in wording.restore_reply(status)


def test_a_suspended_supply_is_said(outage_db: str) -> None:
    status = status_for(outage_db, "PB05010000104")
    assert status.status == Status.SUSPENDED
    assert "tạm ngừng cung cấp" in wording.restore_reply(status, "PB05010000104")


def test_an_incident_restored_this_morning_is_said(outage_db: str) -> None:
    status = status_for(outage_db, "PB11020000002")
    assert status.status == Status.RESTORED
    text = wording.restore_reply(status)
    assert "08:10 hôm nay" in text and "Báo mất điện" in text


def test_nothing_known(outage_db: str) -> None:
    status = status_for(outage_db, "PB11020000102")
    assert status.status == Status.NOTHING
    assert "chưa thấy sự cố hay lịch cúp điện nào" in wording.restore_reply(status)


def test_an_unknown_code(outage_db: str) -> None:
    assert status_for(outage_db, "PB99999999999") is None


def test_the_customers_own_ticket_then_its_incident(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        result = submit(session, Report(Target(customer_code="PB11020000102"), "zalo", scope=Scope.AREA))
    number = result.ticket.number
    status = status_for(outage_db, "PB11020000102")
    assert status.status == Status.TICKET and status.ticket.number == number
    text = wording.restore_reply(status)
    assert number in text and "đã tiếp nhận" in text
    with clock.frozen("2026-11-27T09:05"), unit_of_work(outage_db) as session:
        submit(session, Report(Target(customer_code="PB11020000103"), "zalo", scope=Scope.AREA))  # grouped
    with unit_of_work(outage_db) as session:
        by_ticket = restore.for_ticket(session, number)
    assert by_ticket.status == Status.INCIDENT and by_ticket.incident.from_reports
    assert number in wording.restore_reply(by_ticket)


def test_an_unknown_ticket(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        status = restore.for_ticket(session, "SC2611279999")
    assert status.status == Status.UNKNOWN_TICKET
    assert "SC2611279999" in wording.restore_reply(status, ticket_number="SC2611279999")


def test_a_place(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        cà_mau = restore.for_area(session, places.resolve("phuong 5 ca mau").found)
        tây_ninh = restore.for_area(session, places.resolve("Phường 1, Tây Ninh").found)
        cần_thơ = restore.for_area(session, places.resolve("Phường Tân An, Cần Thơ").found)
    assert cà_mau.status == Status.INCIDENT and cà_mau.incident.code == "SC-261127-0001"
    assert "Phường 5" in wording.restore_reply(cà_mau)
    assert tây_ninh.status == Status.PLANNED
    assert cần_thơ.status == Status.NOTHING
