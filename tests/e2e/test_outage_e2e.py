"""Outage conversations through the whole stack (Rasa + action server + demo data, clock
frozen at 27/11/2026 09:00): what the fixture customers read, and what the database holds."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from bot.db.models import (
    Customer,
    Handoff,
    Incident,
    IncidentStatus,
    OutageReport,
    Station,
    Ticket,
    incident_stations,
)
from bot.db.session import session_scope
from tests.e2e.stack import Stack

pytestmark = pytest.mark.slow


def sender() -> str:
    return f"e2e-outage-{uuid.uuid4().hex[:8]}"


def joined(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def open_incidents_on_station_of(stack: Stack, code: str) -> list[str]:
    with session_scope(stack.env["DATABASE_URL"]) as session:
        station_id = session.execute(select(Customer.station_id).where(Customer.code == code)).scalar_one()
        statement = (
            select(Incident.code)
            .join(incident_stations, incident_stations.c.incident_id == Incident.id)
            .where(incident_stations.c.station_id == station_id, Incident.status == IncidentStatus.OPEN.value)
        )
        return list(session.execute(statement).scalars())


def test_his_planned_outage_with_date_and_times(stack: Stack) -> None:
    user = sender()
    first = joined(stack.say(user, "sắp tới nhà tui có lịch cúp điện không"))
    assert "mã khách hàng" in first, first  # asked for the code (or a place), nothing else
    answer = joined(stack.say(user, "PB11020000002"))
    assert "03/12/2026" in answer and "07:30–16:00" in answer, answer
    assert "bảo trì, sửa chữa lưới điện" in answer
    assert "7 ngày tới (27/11/2026–03/12/2026)" in answer
    assert "Lê Văn Cường" not in answer and "0939222654" not in answer


def test_his_report_is_matched_to_the_open_incident_and_no_second_one_is_opened(stack: Stack) -> None:
    url = stack.env["DATABASE_URL"]
    before = open_incidents_on_station_of(stack, "PB14030000003")
    assert len(before) == 1, before
    with session_scope(url) as session:
        incidents_before = session.execute(select(func.count()).select_from(Incident)).scalar_one()
        tickets_before = session.execute(select(func.count()).select_from(Ticket)).scalar_one()
        expected = session.execute(select(Incident).where(Incident.code == before[0])).scalars().one()
        expected_at = expected.expected_restoration_at
    user = sender()
    first = joined(stack.say(user, "mất điện rồi"))
    assert "mã khách hàng" in first, first
    answer = joined(stack.say(user, "PB14030000003"))
    assert before[0] in answer, answer
    assert f"{expected_at:%H:%M} hôm nay (27/11/2026)" in answer, answer
    assert "không cần báo lại" in answer
    assert "Nguyễn Hoàng Dũng" not in answer and "0918333987" not in answer
    with session_scope(url) as session:
        assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == incidents_before
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == tickets_before
        customer_id = session.execute(
            select(Customer.id).where(Customer.code == "PB14030000003")
        ).scalar_one()
        linked = (
            session.execute(
                select(Incident.code)
                .join(OutageReport, OutageReport.incident_id == Incident.id)
                .where(OutageReport.customer_id == customer_id)
            )
            .scalars()
            .all()
        )
    assert linked == before
    assert open_incidents_on_station_of(stack, "PB14030000003") == before
    # Reporting again from another conversation links nothing new and opens nothing.
    again = joined(stack.say(sender(), "nha tui mat dien, ma kh pb14030000003"))
    assert "từ trước" in again, again
    with session_scope(url) as session:
        assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == incidents_before


def test_a_hazard_gets_the_safety_advice_first_then_where_then_an_urgent_ticket_and_handoff(
    stack: Stack,
) -> None:
    user = sender()
    replies = stack.say(user, "dây điện bị đứt rơi xuống đường trước nhà tui")
    assert replies, "the bot answers"
    first = replies[0].get("text", "")
    assert "Tránh xa" in first and "114" in first and "115" in first, first
    assert "19001006" in first
    assert "địa chỉ chỗ nguy hiểm" in joined(replies[1:]) and "phiếu KHẨN" not in joined(replies)
    place = "trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh, sđt 0909 123 456"
    rest = joined(stack.say(user, place))
    number = re.search(r"phiếu KHẨN số (SC-\w{4}-\w{4})", rest)
    assert number, rest
    assert "09xx xxx 456" in rest and "0909" not in rest and "19001006" in rest
    with session_scope(stack.env["DATABASE_URL"]) as session:
        ticket = session.execute(select(Ticket).where(Ticket.number == number.group(1))).scalars().one()
        handoff = session.execute(select(Handoff).where(Handoff.conversation_id == user)).scalars().one()
        assert (ticket.kind, ticket.priority, ticket.callback_phone) == ("hazard", 1, "0909123456")
        assert ticket.location == "trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh"
        assert (handoff.reason, handoff.priority) == ("hazard", 1)  # REST: a callback, at the top
        assert handoff.callback is not None and handoff.callback.phone == "0909123456"


def test_a_place_by_its_old_name_without_diacritics(stack: Stack) -> None:
    answer = joined(stack.say(sender(), "lich cup dien phuong an khanh ninh kieu can tho"))
    # Phường An Khánh (Ninh Kiều) is now Phường Tân An, where PB11020000002's outage is.
    assert "Phường Tân An" in answer, answer
    assert "03/12/2026" in answer and "07:30–16:00" in answer


def test_an_ambiguous_place_is_asked_back_with_buttons(stack: Stack) -> None:
    user = sender()
    replies = stack.say(user, "lịch cúp điện ở Ninh Kiều")
    buttons = [b for reply in replies for b in reply.get("buttons", [])]
    assert "có ở nhiều nơi" in joined(replies) and len(buttons) == 2, replies
    quarter = next(b for b in buttons if "Quận" in b["title"])
    answer = joined(stack.say(user, quarter["payload"]))
    assert "lịch ngừng cung cấp điện" in answer, answer


def test_bad_input_inside_an_outage_form_never_breaks_it(stack: Stack) -> None:
    user = sender()
    stack.say(user, "mất điện rồi")
    for message in ("😀😀😀", "a" * 10_000, "'; DROP TABLE customers; --"):
        replies = stack.say(user, message)
        assert isinstance(replies, list)
    answer = joined(stack.say(user, "PB14030000003"))
    assert "sự cố" in answer, answer
    with session_scope(stack.env["DATABASE_URL"]) as session:
        assert session.execute(select(func.count()).select_from(Station)).scalar_one() > 0
