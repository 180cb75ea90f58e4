"""What an agent sees of an account (audited) and supervisors' incident updates, which the
bot's answers use at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import DeskDisclosure, Incident, Ticket
from bot.services import desk_account, desk_incidents, restore
from bot.services.desk_incidents import IncidentError
from tests.db.builders import add_customer, add_invoice, add_reading, add_station
from tests.handoff.conftest import Team


def _incident(session: Session, station) -> Incident:
    incident = Incident(code="SC-261127-0001", area="Trạm TBA-TN-001", status="open", created_at=clock.now())
    incident.stations.append(station)
    session.add(incident)
    session.flush()
    return incident


def test_the_account_view_is_the_services_figures_and_is_audited(session: Session, agents: Team) -> None:
    station = add_station(session)
    customer = add_customer(session, station=station)
    reading = add_reading(session, customer, date(2026, 10, 15), 1000, 300)
    add_invoice(session, customer, date(2026, 10, 15), kwh=300, reading=reading)
    _incident(session, station)
    session.add(
        Ticket(number="SC2611270001", kind="outage", status="open", customer_code=customer.code, summary="x")
    )
    session.flush()
    view = desk_account.account_summary(session, "pb05010000001", agents.lan.id, handoff_id=None)
    assert view.code == "PB05010000001" and view.name == "Trần Thị Bích" and view.phone == "0908111321"
    assert view.latest_invoice is not None and view.latest_invoice.kwh == 300
    assert view.debt_total == sum(i.total for i in view.unpaid)
    assert [t.number for t in view.tickets] == ["SC2611270001"]
    assert view.supply == "incident" and view.incident_code == "SC-261127-0001"
    audit = session.execute(select(DeskDisclosure)).scalar_one()
    assert (audit.agent_id, audit.customer_code) == (agents.lan.id, "PB05010000001")
    assert desk_account.account_summary(session, "PB00000000000", agents.lan.id) is None
    assert len(desk_account.disclosures_for(session, "PB05010000001")) == 1


def test_incident_updates_reach_the_bot_at_once(session: Session, agents: Team) -> None:
    station = add_station(session)
    add_customer(session, station=station)
    incident = _incident(session, station)
    session.add(
        Ticket(number="SC2611270002", kind="outage", status="open", incident_id=incident.id, summary="x")
    )
    session.flush()
    expected = clock.now() + timedelta(hours=2)
    line, resolved = desk_incidents.update_incident(session, incident.code, expected_restoration_at=expected)
    assert line.expected_restoration_at == expected and resolved == 0 and line.open_tickets == 1
    bot_view = restore.for_customer(session, "PB05010000001")
    assert bot_view.status is restore.Status.INCIDENT
    assert bot_view.incident.expected_restoration_at == expected
    line, resolved = desk_incidents.update_incident(session, incident.code, restored=True)
    assert line.status == "restored" and resolved == 1 and line.open_tickets == 0
    assert restore.for_customer(session, "PB05010000001").status is restore.Status.RESTORED
    line, _ = desk_incidents.update_incident(session, incident.code, reopen=True)
    assert line.status == "open" and line.restored_at is None


@pytest.mark.parametrize(
    "change",
    [
        {"expected_restoration_at": datetime(2026, 11, 27, 8, 0, tzinfo=clock.VN_TZ)},  # in the past
        {},
    ],
)
def test_incident_updates_that_make_no_sense_are_refused(
    session: Session, agents: Team, change: dict
) -> None:
    _incident(session, add_station(session))
    with pytest.raises(IncidentError):
        desk_incidents.update_incident(session, "SC-261127-0001", **change)
    with pytest.raises(IncidentError):
        desk_incidents.update_incident(session, "SC-NOPE", restored=True)
