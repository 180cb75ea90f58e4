"""What an agent sees of an account (audited) and supervisors' incident updates, which the
bot's answers use at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot import clock
from bot.db.models import DeskDisclosure, Incident, Ticket
from bot.services import UnitOfWork, desk_account, incidents, restore
from tests.db.builders import add_customer, add_invoice, add_reading, add_station
from tests.handoff.conftest import Team


def _incident(uow: UnitOfWork, station) -> Incident:
    incident = Incident(code="SC-261127-0001", area="Trạm TBA-TN-001", status="open", created_at=clock.now())
    incident.stations.append(station)
    uow.session.add(incident)
    uow.flush()
    return incident


def test_the_account_view_is_the_services_figures_and_is_audited(uow: UnitOfWork, agents: Team) -> None:
    station = add_station(uow.session)
    customer = add_customer(uow.session, station=station)
    reading = add_reading(uow.session, customer, date(2026, 10, 15), 1000, 300)
    add_invoice(uow.session, customer, date(2026, 10, 15), kwh=300, reading=reading)
    _incident(uow, station)
    uow.session.add(
        Ticket(number="SC2611270001", kind="outage", status="open", customer_code=customer.code, summary="x")
    )
    uow.session.flush()
    view = desk_account.account_summary(uow, "pb05010000001", agents.lan.id, handoff_id=None)
    assert view.code == "PB05010000001" and view.name == "Trần Thị Bích" and view.phone == "0908111321"
    assert view.latest_invoice is not None and view.latest_invoice.kwh == 300
    assert view.debt_total == sum(i.total for i in view.unpaid)
    assert [t.number for t in view.tickets] == ["SC2611270001"]
    assert view.supply == "incident" and view.incident_code == "SC-261127-0001"
    audit = uow.session.execute(select(DeskDisclosure)).scalar_one()
    assert (audit.agent_id, audit.customer_code) == (agents.lan.id, "PB05010000001")
    assert desk_account.account_summary(uow, "PB00000000000", agents.lan.id) is None
    assert len(desk_account.disclosures_for(uow, "PB05010000001")) == 1


def test_incident_updates_reach_the_bot_at_once(uow: UnitOfWork, agents: Team) -> None:
    """What a supervisor changes (bot.services.incidents, as the desk does) is what the bot
    reads for the next customer."""
    station = add_station(uow.session)
    add_customer(uow.session, station=station)
    incident = _incident(uow, station)
    uow.session.add(
        Ticket(number="SC2611270002", kind="outage", status="open", incident_id=incident.id, summary="x")
    )
    uow.flush()
    expected = clock.now() + timedelta(hours=2)
    incidents.update_incident(uow, incident.code, expected_restoration_at=expected)
    bot_view = restore.for_customer(uow, "PB05010000001")
    assert bot_view.status is restore.Status.INCIDENT
    assert bot_view.incident.expected_restoration_at == expected
    restored = incidents.restore_incident(uow, incident.code)
    assert restored.tickets_resolved == 1
    assert restore.for_customer(uow, "PB05010000001").status is restore.Status.RESTORED
