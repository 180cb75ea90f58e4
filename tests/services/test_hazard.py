"""Hazards: the safety advice of DOMAIN.md "Safety", then an urgent ticket."""

# ruff: noqa: F811 - the fixtures imported from tests/outage_support.py are test arguments

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.models import Ticket, TicketKind, TicketPriority
from bot.db.session import session_scope
from bot.services import hazard
from tests.outage_support import frozen_now, outage_db, sqlite_db_url  # noqa: F401 - fixtures


def test_the_advice_says_what_domain_md_asks_for() -> None:
    advice = hazard.safety_advice("dây điện bị đứt rơi xuống đường")
    assert advice.startswith("Dạ")
    for must in (
        "Tránh xa",
        "nhắc mọi người",
        "không chạm",
        "tay trần",
        "cầu dao",
        "nếu làm được an toàn",
        "114",
        "115",
        "19001006",
        "19009000",
    ):
        assert must in advice, must
    assert "mã khách hàng" not in advice  # nothing is asked before the advice


@pytest.mark.parametrize(
    "text",
    [
        "có người bị điện giật",
        "co nguoi bi dien giat",
        "nhà hàng xóm cháy rồi",
        "tru dien no lon lam",
        "bé bị giật",
    ],
)
def test_people_at_risk_or_fire_put_114_and_115_first(text: str) -> None:
    advice = hazard.safety_advice(text)
    assert advice.splitlines()[0].startswith("⚠️") and "114" in advice.splitlines()[0]
    assert advice.count("114") == 1


def test_without_people_at_risk_the_advice_starts_with_keeping_away() -> None:
    advice = hazard.safety_advice("trụ điện bị nghiêng")
    assert advice.splitlines()[0].startswith("Dạ")


def test_an_urgent_ticket_tops_the_queue(outage_db: str) -> None:
    with session_scope(outage_db) as session:
        ticket = hazard.report_hazard(
            session,
            description="dây điện đứt  rơi xuống đường",
            channel="zalo",
            customer_code="pb14030000003",
        )
    assert ticket.number == "SC2611270001" and not ticket.added_to_existing
    with session_scope(outage_db) as session:
        row = session.execute(select(Ticket)).scalars().one()
    assert row.kind == TicketKind.HAZARD.value and row.priority == int(TicketPriority.URGENT)
    assert row.customer_code == "PB14030000003"
    assert "dây điện đứt rơi xuống đường" in row.summary


def test_more_messages_of_the_same_case_go_to_the_same_ticket(outage_db: str) -> None:
    with session_scope(outage_db) as session:
        first = hazard.report_hazard(session, description="tóe lửa trên trụ", channel="zalo")
    with clock.frozen("2026-11-27T09:10"), session_scope(outage_db) as session:
        again = hazard.report_hazard(
            session, description="giờ cháy luôn rồi", channel="zalo", existing_ticket=first.number
        )
        assert hazard.add_location(session, first.number, "trước nhà số 5 đường Lê Lợi")
    assert again.added_to_existing and again.number == first.number
    with session_scope(outage_db) as session:
        rows = session.execute(select(Ticket)).scalars().all()
    assert len(rows) == 1
    assert "giờ cháy luôn rồi" in rows[0].details and "số 5 đường Lê Lợi" in rows[0].details
    # An hour and more later it is a new case.
    with clock.frozen("2026-11-27T10:30"), session_scope(outage_db) as session:
        later = hazard.report_hazard(
            session, description="lại tóe lửa", channel="zalo", existing_ticket=first.number
        )
    assert not later.added_to_existing and later.number != first.number


def test_a_location_for_an_unknown_ticket_is_refused(outage_db: str) -> None:
    with session_scope(outage_db) as session:
        assert not hazard.add_location(session, "SC2611279999", "số 5 Lê Lợi")
