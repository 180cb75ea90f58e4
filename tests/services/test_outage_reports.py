""" "No power" reports: the checks in order, matching known incidents, no duplicates,
the breaker first for one house, and several reports on one station becoming one incident."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.db.models import Incident, OutageReport, Ticket, TicketPriority
from bot.domain import places, ticket_numbers
from bot.services import outage_reports, ticket_access, unit_of_work
from bot.services.outage_reports import Breaker, Outcome, Report, Scope, Target, Verdict, assess, submit
from bot.services.verification import Requester
from bot.wording import outage_report as wording

REPORTER = Requester("zalo", "reporter-1", persistent=True)


def report(
    url: str, code: str | None = None, area: str | None = None, requester: Requester = REPORTER, **values
) -> outage_reports.ReportResult:
    target = Target(customer_code=code, area=places.resolve(area).found if area else None)
    with unit_of_work(url) as session:
        return submit(session, Report(target=target, channel="zalo", requester=requester, **values))


def verified_for(url: str, code: str, who: Requester) -> Requester:
    """``who``, verified for the code in this conversation (a successful attempt)."""
    with unit_of_work(url) as session:
        session.identity.record_attempt(code, who.channel, who.user_id, success=True)
    return who


def count(url: str, model) -> int:
    with unit_of_work(url) as session:
        return session.session.execute(select(func.count()).select_from(model)).scalar_one()


# --------------------------------------------------------------- checks in order


def test_own_suspension_comes_first_for_a_verified_requester(outage_db_any: str) -> None:
    # PB05010000104 is suspended AND its station has a planned outage under way.
    owner = verified_for(outage_db_any, "PB05010000104", Requester("zalo", "owner", persistent=True))
    result = report(outage_db_any, "PB05010000104", requester=owner, scope=Scope.AREA)
    assert result.outcome == Outcome.SUSPENDED
    assert result.assessment.suspended_at is not None
    assert count(outage_db_any, Ticket) == 0 and count(outage_db_any, OutageReport) == 0
    verified = wording.report_reply(result, "PB05010000104", verified=True)
    assert "tạm ngừng cung cấp từ 20/11/2026 do tiền điện chưa được thanh toán" in verified
    unverified = wording.report_reply(result, "PB05010000104")
    assert "20/11/2026" not in unverified and "xác thực" in unverified


def test_a_suspension_is_never_told_to_someone_not_verified(outage_db_any: str) -> None:
    """ "mã PB… mất điện" told anyone whether that customer was cut off for debt (issue 9)."""
    stranger = Requester("rest", "stranger")
    with unit_of_work(outage_db_any) as session:
        assessed = assess(session, Target(customer_code="PB05010000104"), requester=stranger)
    result = report(outage_db_any, "PB05010000104", requester=stranger, scope=Scope.AREA)
    # The area's facts only: the planned outage on its station, as for its neighbour.
    assert assessed.verdict == Verdict.PLANNED and result.outcome == Outcome.PLANNED
    assert result.assessment.suspended_at is None
    assert "tạm ngừng" not in wording.report_reply(result, "PB05010000104")


def test_a_planned_outage_under_way_gives_its_end(outage_db_any: str) -> None:
    result = report(outage_db_any, "PB05010000105")
    assert result.outcome == Outcome.PLANNED
    assert result.assessment.planned.ends_at == clock.now().replace(hour=16, minute=0)
    text = wording.report_reply(result)
    assert "07:30–16:00" in text and "16:00 hôm nay (27/11/2026)" in text
    assert count(outage_db_any, Ticket) == 0


def test_an_open_incident_on_the_station_is_linked_not_duplicated(outage_db_any: str) -> None:
    incidents_before = count(outage_db_any, Incident)
    first = report(outage_db_any, "PB14030000003")
    assert first.outcome == Outcome.INCIDENT and not first.already_linked
    assert first.incident.code == "SC-261127-0001"
    text = wording.report_reply(first)
    assert "SC-261127-0001" in text and "12:25 hôm nay (27/11/2026)" in text
    assert "cây ngã vào đường dây trung thế" in text
    second = report(outage_db_any, "PB14030000003")  # the same customer again
    assert second.outcome == Outcome.INCIDENT and second.already_linked
    assert "từ trước" in wording.report_reply(second)
    assert count(outage_db_any, Incident) == incidents_before
    assert count(outage_db_any, Ticket) == 0
    with unit_of_work(outage_db_any) as session:
        links = session.session.execute(select(OutageReport.incident_id)).scalars().all()
    assert len(links) == 1 and links[0] is not None


def test_a_place_is_matched_to_incidents_of_its_wards(outage_db_any: str) -> None:
    result = report(outage_db_any, area="Phường 5, Cà Mau")  # the old name of Phường Tân Thành
    assert result.outcome == Outcome.INCIDENT
    with unit_of_work(outage_db_any) as session:
        row = session.session.execute(select(OutageReport)).scalars().one()
    assert (row.customer_id, row.province, row.ward) == (None, "Cà Mau", "Phường Tân Thành")


def test_an_incident_past_its_expected_time_is_said_honestly(outage_db: str) -> None:
    with clock.frozen("2026-11-27T13:00"):
        text = wording.report_reply(report(outage_db, "PB14030000003"))
    assert "ban đầu là 12:25" in text and "chưa khắc phục xong" in text


def test_only_my_house_checks_the_breaker_first(outage_db_any: str) -> None:
    with unit_of_work(outage_db_any) as session:
        assert assess(session, Target(customer_code="PB11020000102")).verdict == Verdict.NONE
    back = report(outage_db_any, "PB11020000102", scope=Scope.HOUSE, breaker=Breaker.BACK)
    assert back.outcome == Outcome.BREAKER_OK and "cầu dao" in wording.report_reply(back)
    assert count(outage_db_any, Ticket) == 0
    dark = report(
        outage_db_any, "PB11020000102", scope=Scope.HOUSE, breaker=Breaker.STILL_DARK, since="7h sáng"
    )
    assert dark.outcome == Outcome.TICKET
    with unit_of_work(outage_db_any) as session:
        ticket = session.session.execute(select(Ticket)).scalars().one()
    assert ticket.number == dark.ticket.number and ticket_numbers.normalize(ticket.number) == ticket.number
    assert ticket.priority == int(TicketPriority.NORMAL) and ticket.customer_code == "PB11020000102"
    assert ticket.requester_hash == ticket_access.owner_hash(REPORTER)
    assert "7h sáng" in ticket.details and "chỉ nhà khách hàng" in ticket.details
    assert ticket.number in wording.report_reply(dark)


def test_a_street_outage_with_nothing_known_gets_a_ticket_to_quote(outage_db_any: str) -> None:
    result = report(outage_db_any, "PB11020000102", scope=Scope.AREA, since="vừa mới")
    assert result.outcome == Outcome.TICKET and result.ticket.number.startswith("SC-")
    with unit_of_work(outage_db_any) as session:
        ticket = session.session.execute(select(Ticket)).scalars().one()
        saved = session.session.execute(select(OutageReport)).scalars().one()
    assert ticket.priority == int(TicketPriority.HIGH)
    assert "PB1102-T002" in ticket.details and "Lê Văn" not in ticket.details and "0907" not in ticket.details
    assert saved.ticket_id == ticket.id and saved.incident_id is None


def test_reporting_again_quotes_the_open_ticket(outage_db_any: str) -> None:
    first = report(outage_db_any, "PB11020000102", scope=Scope.AREA)
    again = report(outage_db_any, "PB11020000102", scope=Scope.AREA)
    assert again.outcome == Outcome.REPORTED and again.ticket.number == first.ticket.number
    assert count(outage_db_any, Ticket) == 1
    # Someone else reporting the same customer is not shown that ticket (nor its number).
    other = report(outage_db_any, "PB11020000102", requester=Requester("rest", "someone"), scope=Scope.AREA)
    assert other.outcome == Outcome.TICKET and other.ticket.number != first.ticket.number
    # A place report of the same conversation is recognised by its ticket number.
    by_place = report(outage_db_any, area="Phường Tân An, Cần Thơ", scope=Scope.AREA, location="12 Mậu Thân")
    place_again = report(
        outage_db_any,
        area="Phường Tân An, Cần Thơ",
        scope=Scope.AREA,
        location="12 Mậu Thân",
        previous_ticket=by_place.ticket.number,
    )
    assert place_again.outcome == Outcome.REPORTED


# ------------------------------------------------------------------- grouping


def test_reports_on_one_station_within_the_window_become_one_incident(outage_db_any: str) -> None:
    incidents_before = count(outage_db_any, Incident)
    first = report(outage_db_any, "PB11020000102", scope=Scope.AREA)
    assert first.outcome == Outcome.TICKET
    with clock.frozen("2026-11-27T09:10"):
        second = report(outage_db_any, "PB11020000103", scope=Scope.AREA)
    assert second.outcome == Outcome.GROUPED
    assert second.incident.code == "BC" + first.ticket.number[2:] and second.incident.from_reports
    assert "nhiều khách hàng cùng báo" in wording.report_reply(second)
    with clock.frozen("2026-11-27T09:20"):
        third = report(outage_db_any, area="Phường Tân An, Cần Thơ", scope=Scope.AREA)
    assert third.outcome == Outcome.INCIDENT and third.incident.code == second.incident.code
    assert count(outage_db_any, Incident) == incidents_before + 1
    assert count(outage_db_any, Ticket) == 1  # only the first reporter's
    with unit_of_work(outage_db_any) as session:
        incident = (
            session.session.execute(select(Incident).where(Incident.code == second.incident.code))
            .scalars()
            .one()
        )
        assert [s.code for s in incident.stations] == ["PB1102-T002"]
        linked = session.session.execute(
            select(func.count()).where(OutageReport.incident_id == incident.id)
        ).scalar_one()
        ticket = session.session.execute(select(Ticket)).scalars().one()
    assert linked == 3 and ticket.incident_id == incident.id


def test_reports_farther_apart_than_the_window_stay_separate(outage_db: str, monkeypatch) -> None:
    monkeypatch.setenv("OUTAGE_GROUP_WINDOW_MIN", "15")
    assert outage_reports.group_window() == timedelta(minutes=15)
    report(outage_db, "PB11020000102", scope=Scope.AREA)
    with clock.frozen("2026-11-27T09:20"):
        later = report(outage_db, "PB11020000103", scope=Scope.AREA)
    assert later.outcome == Outcome.TICKET
    assert count(outage_db, Ticket) == 2


def test_a_house_only_ticket_is_never_grouped(outage_db: str) -> None:
    report(outage_db, "PB11020000102", scope=Scope.HOUSE, breaker=Breaker.STILL_DARK)
    with clock.frozen("2026-11-27T09:05"):
        other = report(outage_db, "PB11020000103", scope=Scope.AREA)
    assert other.outcome == Outcome.TICKET


def test_simultaneous_reports_on_one_station_make_one_incident(outage_db_any: str) -> None:
    """Two conversations submit at the same moment: one ticket, then one incident."""
    barrier = threading.Barrier(2)
    results: dict[str, outage_reports.ReportResult] = {}
    errors: list[BaseException] = []

    def run(code: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[code] = report(outage_db_any, code, scope=Scope.AREA)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(code,)) for code in ("PB11020000102", "PB11020000103")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(r.outcome for r in results.values()) == sorted([Outcome.TICKET, Outcome.GROUPED])
    assert count(outage_db_any, Ticket) == 1


# ----------------------------------------------------------------- bad targets


def test_an_unknown_code_is_refused(outage_db: str) -> None:
    with pytest.raises(outage_reports.UnknownCustomer):
        report(outage_db, "PB99999999999")


def test_a_report_needs_a_code_or_a_place(outage_db: str) -> None:
    with pytest.raises(ValueError), unit_of_work(outage_db) as session:
        assess(session, Target())
