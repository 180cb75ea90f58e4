"""Hazards: whether people are at risk, and the urgent ticket (the advice: tests/wording)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.models import Ticket, TicketKind, TicketPriority
from bot.services import hazard, unit_of_work
from bot.services.ticket_access import owner_hash
from bot.services.verification import Requester


@pytest.mark.parametrize(
    ("text", "at_risk"),
    [
        ("có người bị điện giật", True),
        ("co nguoi bi dien giat", True),
        ("nhà hàng xóm cháy rồi", True),
        ("tru dien no lon lam", True),
        ("bé bị giật", True),
        ("trụ điện bị nghiêng", False),
        ("dây điện bị đứt rơi xuống đường", False),
        ("", False),
        (None, False),
    ],
)
def test_people_at_risk_or_fire(text: str | None, at_risk: bool) -> None:
    assert hazard.people_at_risk(text) is at_risk


def test_an_urgent_ticket_tops_the_queue(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        ticket = hazard.report_hazard(
            session,
            description="dây điện đứt  rơi xuống đường",
            channel="zalo",
            customer_code="pb14030000003",
            requester=Requester("zalo", "reporter", persistent=True),
        )
    assert ticket.number.startswith("SC-") and not ticket.added_to_existing
    with unit_of_work(outage_db) as session:
        row = session.session.execute(select(Ticket)).scalars().one()
    assert row.kind == TicketKind.HAZARD.value and row.priority == int(TicketPriority.URGENT)
    assert row.customer_code == "PB14030000003"
    assert row.requester_hash == owner_hash(Requester("zalo", "reporter"))  # may look it up later
    assert "dây điện đứt rơi xuống đường" in row.summary


def test_more_messages_of_the_same_case_go_to_the_same_ticket(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        first = hazard.report_hazard(
            session, description="tóe lửa trên trụ", channel="zalo", place="đầu hẻm 12 Lê Lợi"
        )
    with clock.frozen("2026-11-27T09:10"), unit_of_work(outage_db) as session:
        again = hazard.report_hazard(
            session, description="giờ cháy luôn rồi", channel="zalo", existing_ticket=first.number
        )
        assert hazard.add_location(session, first.number, "trước nhà số 5 đường Lê Lợi")
    assert again.added_to_existing and again.number == first.number
    with unit_of_work(outage_db) as session:
        rows = session.session.execute(select(Ticket)).scalars().all()
    assert len(rows) == 1
    assert "giờ cháy luôn rồi" in rows[0].details and "số 5 đường Lê Lợi" in rows[0].details
    # An hour and more later it is a new case.
    with clock.frozen("2026-11-27T10:30"), unit_of_work(outage_db) as session:
        later = hazard.report_hazard(
            session, description="lại tóe lửa", channel="zalo", existing_ticket=first.number, place="hẻm 12"
        )
    assert not later.added_to_existing and later.number != first.number


def test_a_location_for_an_unknown_ticket_is_refused(outage_db: str) -> None:
    with unit_of_work(outage_db) as session:
        assert not hazard.add_location(session, "SC2611279999", "số 5 Lê Lợi")
