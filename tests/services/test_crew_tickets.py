"""Tickets a crew can act on (issue 11): no outage or hazard ticket without a location, a
callback number only when it is a Vietnamese mobile (masked in the logs), since when, and
the time the operator promises (service rules, ``reports.response``)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot import clock
from bot.db.models import Ticket, TicketPriority
from bot.domain import places
from bot.services import crew_tickets, hazard, rules, unit_of_work
from bot.services.crew_tickets import InvalidPhone, MissingLocation
from bot.services.outage_reports import Outcome, Report, Scope, Target, submit
from bot.services.verification import Requester

REPORTER = Requester("zalo", "crew-reporter", persistent=True)
NOW = datetime(2026, 11, 27, 9, tzinfo=clock.VN_TZ)


def only_ticket(url: str) -> Ticket:
    with unit_of_work(url) as uow:
        ticket = uow.session.execute(select(Ticket)).scalars().one()
        uow.session.expunge(ticket)
        return ticket


def test_a_hazard_without_a_location_or_a_code_is_refused(outage_db: str) -> None:
    with pytest.raises(MissingLocation), unit_of_work(outage_db) as uow:
        hazard.report_hazard(uow, description="dây điện đứt", channel="zalo")
    with unit_of_work(outage_db) as uow:
        assert uow.session.execute(select(Ticket)).first() is None


def test_a_hazard_for_a_code_is_at_the_registered_address(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        made = hazard.report_hazard(
            uow, description="công tơ tóe lửa", channel="zalo", customer_code="PB14030000003",
            kinds=("sparking_meter",),
        )  # fmt: skip
    assert made.location == "47 Đường Lý Thường Kiệt, Phường Tân Thành, Cà Mau"
    assert made.respond_by == datetime(2026, 11, 27, 10, tzinfo=clock.VN_TZ)  # hazard: 1 hour
    ticket = only_ticket(outage_db)
    assert ticket.location == made.location and ticket.priority == int(TicketPriority.URGENT)
    assert ticket.summary.startswith("KHẨN – công tơ tóe lửa/cháy")


def test_an_area_report_without_an_address_is_refused_and_a_written_one_is_kept(outage_db: str) -> None:
    area = places.resolve("Phường Tân An, Cần Thơ").found
    with pytest.raises(MissingLocation), unit_of_work(outage_db) as uow:
        submit(uow, Report(Target(area=area), "zalo", scope=Scope.AREA, requester=REPORTER))
    with unit_of_work(outage_db) as uow:
        result = submit(
            uow,
            Report(
                Target(area=area),
                "zalo",
                scope=Scope.AREA,
                location="123 Mậu Thân",
                callback_phone="0909 123 456",
                since="từ 7h sáng",
                started_at=datetime(2026, 11, 27, 7, tzinfo=clock.VN_TZ),
                requester=REPORTER,
            ),
        )
    assert result.outcome == Outcome.TICKET
    info = result.ticket
    assert (info.location, info.callback_phone) == ("123 Mậu Thân", "0909123456")
    assert info.respond_by == datetime(2026, 11, 27, 11, tzinfo=clock.VN_TZ)  # an area outage: 2 hours
    ticket = only_ticket(outage_db)
    assert ticket.started_at == datetime(2026, 11, 27, 7, tzinfo=clock.VN_TZ)
    assert "Địa chỉ: 123 Mậu Thân" in ticket.details and "Khu vực: Phường Tân An" in ticket.details
    assert "Mất điện từ: từ 7h sáng (khoảng 07:00 27/11/2026)" in ticket.details


def test_an_address_in_no_known_ward_is_recorded_as_written(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        result = submit(
            uow, Report(Target(place="gần chợ Bến Đình"), "zalo", scope=Scope.AREA, requester=REPORTER)
        )
    assert result.outcome == Outcome.TICKET and result.ticket.location == "gần chợ Bến Đình"
    assert "Khu vực" not in only_ticket(outage_db).details


def test_a_house_outage_is_promised_in_four_hours(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        result = submit(
            uow,
            Report(
                Target(customer_code="PB11020000102"), "zalo", scope=Scope.HOUSE, breaker="still_dark",
                location="hẻm 5 Mậu Thân", requester=REPORTER,
            ),
        )  # fmt: skip
    assert result.ticket.respond_by == datetime(2026, 11, 27, 13, tzinfo=clock.VN_TZ)


@pytest.mark.parametrize("phone", ["0123456789", "0909 123 45", "028 3822 1234", "84 123 456 789", "abc"])
def test_a_callback_number_that_is_no_mobile_is_refused(outage_db: str, phone: str) -> None:
    with pytest.raises(InvalidPhone), unit_of_work(outage_db) as uow:
        hazard.report_hazard(
            uow, description="trụ nghiêng", channel="zalo", place="hẻm 3", callback_phone=phone
        )


def test_the_callback_number_is_masked_in_the_logs(outage_db: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.services.crew_tickets")
    with unit_of_work(outage_db) as uow:
        made = hazard.report_hazard(
            uow,
            description="trụ nghiêng",
            channel="zalo",
            place="hẻm 3 Lê Lợi",
            callback_phone="+84 909 123 456",
        )
        assert crew_tickets.add_callback_phone(uow, made.number, "0939 222 654", NOW)
    logged = caplog.text
    assert "09xx xxx 456" in logged and "09xx xxx 654" in logged
    assert "0909123456" not in logged and "909 123 456" not in logged and "0939222654" not in logged
    assert "Lê Lợi" not in logged  # nor the address
    assert only_ticket(outage_db).callback_phone == "0939222654"


def test_a_number_for_no_crew_ticket_is_not_added(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        assert not crew_tickets.add_callback_phone(uow, "SC-AAAA-BBBB", "0909123456", NOW)


def test_the_registered_contact_of_a_code(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        contact = crew_tickets.registered_contact(uow, "PB11020000102")
        assert crew_tickets.registered_contact(uow, "PB99990000001") is None
    assert contact.location == "47 Đường Lý Thường Kiệt, Phường Tân An, Thành phố Cần Thơ"
    assert contact.area == "Phường Tân An, Thành phố Cần Thơ" and contact.phone == "0908111321"


def test_no_promised_time_when_the_operator_sets_none(
    outage_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = yaml.safe_load(rules.DEFAULT_FILE.read_text(encoding="utf-8"))
    raw.pop("reports")
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SERVICE_RULES_FILE", str(path))
    rules.clear_cache()
    try:
        assert crew_tickets.respond_by("hazard", 1, NOW) is None
    finally:
        rules.clear_cache()


def test_a_wrong_reports_section_says_what_is_wrong() -> None:
    raw = yaml.safe_load(rules.DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["reports"]["response"]["meteor"] = {"hours": 1}
    with pytest.raises(rules.RulesError, match="meteor"):
        rules.parse_rules(raw, "test")
