"""When power comes back: a ticket, an incident on the customer's station, a planned
outage under way, a place."""

from __future__ import annotations

from bot import clock
from bot.domain import places
from bot.services import restore, unit_of_work
from bot.services.outage_reports import Report, Scope, Target, submit
from bot.services.restore import Status
from bot.services.verification import Requester
from bot.wording import restore as wording

OWNER = Requester("zalo", "owner", persistent=True)
STRANGER = Requester("rest", "stranger")


def status_for(url: str, code: str, who: Requester = STRANGER) -> restore.RestoreStatus:
    with unit_of_work(url) as session:
        return restore.for_customer(session, code, who)


def verified_for(url: str, code: str, who: Requester) -> Requester:
    with unit_of_work(url) as session:
        session.identity.record_attempt(code, who.channel, who.user_id, success=True)
    return who


def test_the_incident_on_the_customers_station_with_its_expected_time(outage_db: str) -> None:
    status = status_for(outage_db, "PB14030000003")
    assert status.status == Status.INCIDENT and status.incident.code == "SC-261127-0001"
    text = wording.restore_reply(status, "PB14030000003")
    assert "dự kiến: 12:25 hôm nay (27/11/2026)" in text


def test_a_planned_outage_under_way_gives_its_end(outage_db: str) -> None:
    status = status_for(outage_db, "PB05010000105")
    assert status.status == Status.PLANNED
    assert "16:00 hôm nay (27/11/2026)" in wording.restore_reply(status)


def test_a_suspended_supply_is_said_to_a_verified_requester(outage_db: str) -> None:
    status = status_for(outage_db, "PB05010000104", verified_for(outage_db, "PB05010000104", OWNER))
    assert status.status == Status.SUSPENDED and status.account_checked
    assert "tạm ngừng cung cấp" in wording.restore_reply(status, "PB05010000104", verified=True)


def test_anyone_else_gets_the_area_and_the_same_words_as_for_a_neighbour(outage_db: str) -> None:
    """ "khi nào có điện lại, mã PB…" told anyone whether that customer was cut off for debt."""
    suspended = status_for(outage_db, "PB05010000104")  # suspended, on a station with a planned outage
    neighbour = status_for(outage_db, "PB05010000105")  # same station, paid up
    assert suspended == neighbour and suspended.status == Status.PLANNED and not suspended.account_checked
    assert wording.restore_reply(suspended, "PB05010000104") == wording.restore_reply(
        neighbour, "PB05010000104"
    )
    nothing = status_for(outage_db, "PB11020000102")
    assert wording.account_not_checked_text() in wording.restore_reply(nothing, "PB11020000102")


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
        result = submit(
            session,
            Report(Target(customer_code="PB11020000102"), "zalo", scope=Scope.AREA, requester=OWNER),
        )
    number = result.ticket.number
    status = status_for(outage_db, "PB11020000102", OWNER)  # who opened it
    assert status.status == Status.TICKET and status.ticket.number == number
    text = wording.restore_reply(status)
    assert number in text and "đã tiếp nhận" in text
    assert status_for(outage_db, "PB11020000102").status == Status.NOTHING  # anyone else: the area
    with clock.frozen("2026-11-27T09:05"), unit_of_work(outage_db) as session:
        submit(session, Report(Target(customer_code="PB11020000103"), "zalo", scope=Scope.AREA))  # grouped
    with unit_of_work(outage_db) as session:
        by_ticket = restore.for_ticket(session, number, OWNER)
    assert by_ticket.status == Status.INCIDENT and by_ticket.incident.from_reports
    assert number in wording.restore_reply(by_ticket)


def test_a_ticket_number_shows_nothing_to_someone_else(outage_db: str) -> None:
    """A sequential number showed someone else's ticket (issue 9): now only its opener,
    or someone verified for its customer, sees it; anyone else hears "not found"."""
    with unit_of_work(outage_db) as session:
        number = submit(
            session,
            Report(Target(customer_code="PB11020000102"), "zalo", scope=Scope.AREA, requester=OWNER),
        ).ticket.number
    with unit_of_work(outage_db) as session:
        assert (
            restore.for_ticket(session, number, STRANGER)
            == restore.for_ticket(session, "SC-0000-0000", STRANGER)
            == restore.RestoreStatus(Status.UNKNOWN_TICKET)
        )
        assert restore.for_ticket(session, number).status == Status.UNKNOWN_TICKET  # nobody in particular
        assert restore.for_ticket(session, number.lower().replace("-", " "), OWNER).status == Status.TICKET
    relative = verified_for(outage_db, "PB11020000102", Requester("socketio", "relative"))
    with unit_of_work(outage_db) as session:
        assert restore.for_ticket(session, number, relative).status == Status.TICKET


def test_an_unknown_ticket(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        status = restore.for_ticket(session, "SC2611279999", OWNER)
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
