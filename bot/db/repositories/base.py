"""What every repository shares: the session of the unit of work it belongs to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.domain.codes import normalize_code


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session


def customer_id_of(code: str):
    """``(SELECT id FROM customers WHERE code = ?)``: with it the planner walks the
    (customer_id, date) indexes backwards instead of joining and sorting."""
    return select(Customer.id).where(Customer.code == normalize_code(code)).scalar_subquery()


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first day of the next one."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following
