"""Complaint tickets: the customer's words, the category's deadline, one ticket per case,
and no verification digits kept from earlier messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot import clock
from bot.db.models import Ticket
from bot.db.session import session_scope
from bot.services import unit_of_work
from bot.services.complaints import Category, ComplaintRequest, record_complaint
from bot.services.rules import Delay
from tests.support.demo import BICH


def ticket(url: str, number: str) -> Ticket:
    with session_scope(url) as session:
        found = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        session.expunge(found)
        return found


def test_a_bill_complaint_is_answered_within_24_hours(demo_db: str) -> None:
    words = "hóa đơn tháng 10 tính sai, nhà đi vắng mà tiền cao gấp đôi"
    with unit_of_work(demo_db) as uow:
        recorded = record_complaint(
            uow,
            ComplaintRequest(
                words,
                Category.BILL,
                "rest",
                customer_code=BICH,
                about="hóa đơn tháng 10/2026",
                context=("khách: xem hóa đơn tháng 10", "khách: 1321", "bot: Dạ ..."),
            ),
        )
    assert recorded.deadline == Delay(hours=24) and not recorded.added_to_existing
    assert recorded.answer_by == datetime(2026, 11, 28, 9, tzinfo=clock.VN_TZ)
    stored = ticket(demo_db, recorded.number)
    assert stored.kind == "complaint" and stored.customer_code == BICH and stored.priority == 2
    assert words in stored.details and "hóa đơn tháng 10/2026" in stored.details
    assert "xem hóa đơn tháng 10" in stored.details and "1321" not in stored.details  # never the digits
    assert stored.summary.startswith("Khiếu nại (bill)")


def test_another_complaint_gets_working_days_and_a_place(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        recorded = record_complaint(
            uow,
            ComplaintRequest("nhân viên thái độ không tốt", Category.OTHER, "zalo", place="Phường Tân An"),
        )
    assert recorded.deadline == Delay(working_days=3)
    assert recorded.answer_by == datetime(2026, 12, 2, 17, tzinfo=clock.VN_TZ)  # Fri + 3 working days
    stored = ticket(demo_db, recorded.number)
    assert "Địa điểm: Phường Tân An" in stored.details and stored.customer_code is None


def test_more_words_go_to_the_same_open_ticket(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        first = record_complaint(uow, ComplaintRequest("mất điện 3 lần một tuần", Category.OUTAGE, "rest"))
    with unit_of_work(demo_db) as uow:
        again = record_complaint(
            uow, ComplaintRequest("tối qua lại mất nữa", Category.OTHER, "rest"), existing_ticket=first.number
        )
    assert again.number == first.number and again.added_to_existing
    assert again.category is Category.OUTAGE and again.answer_by == first.answer_by
    assert "tối qua lại mất nữa" in ticket(demo_db, first.number).details


def test_odd_words_are_stored_verbatim_and_bounded(demo_db: str) -> None:
    words = "'; DROP TABLE tickets; -- 😡 " + "a" * 5000
    with unit_of_work(demo_db) as uow:
        recorded = record_complaint(uow, ComplaintRequest(words, Category.OTHER, "rest"))
    stored = ticket(demo_db, recorded.number)
    assert "DROP TABLE tickets" in stored.details and "😡" in stored.details
    assert len(stored.summary) <= 200 and len(stored.details) <= 4000
