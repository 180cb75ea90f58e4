"""Complaints (khiếu nại): a ticket with the customer's own words and an answer deadline.

The deadline is the operator's rule for what the complaint is about
(:mod:`bot.services.rules`: bill, reading, outage and payment complaints 24 hours by
default, others 3 working days). A second message of the same conversation about the
same complaint is added to its ticket instead of opening another one.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import TicketKind, TicketPriority, TicketStatus
from bot.db.uow import UnitOfWork
from bot.services.rules import Delay, load_rules
from bot.services.ticket_access import opened_by, owner_hash
from bot.services.verification import Requester

SAME_CASE_HOURS = 24  # more words within this time go to the same ticket
SUMMARY_MAX_CHARS = 200
DETAILS_MAX_CHARS = 4000
WORDS_MAX_CHARS = 1000
# A lone group of 4 digits in an earlier message may be the verification answer: never stored.
_LONE_DIGITS = re.compile(r"(?<![\d.,/:])\d{4}(?![\d.,/:])")


class Category(enum.StrEnum):
    BILL = "bill"
    READING = "reading"
    OUTAGE = "outage"
    PAYMENT = "payment"
    OTHER = "other"


CATEGORY_TITLES = {
    Category.BILL: "hóa đơn tiền điện",
    Category.READING: "chỉ số công tơ",
    Category.OUTAGE: "mất điện, cắt điện",
    Category.PAYMENT: "thanh toán chưa được ghi nhận",
    Category.OTHER: "dịch vụ",
}


@dataclass(frozen=True)
class ComplaintRequest:
    words: str  # what the customer wrote, as written
    category: Category
    channel: str
    customer_code: str | None = None  # a checked code, when known
    place: str | None = None  # a place the customer named, when known
    context: tuple[str, ...] = ()  # the customer's earlier messages, oldest first
    about: str = ""  # what was on screen (for staff): "hóa đơn tháng 10/2026"


@dataclass(frozen=True)
class ComplaintRecorded:
    number: str
    created_at: datetime
    category: Category
    deadline: Delay
    answer_by: datetime
    added_to_existing: bool = False


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _context_lines(context: Iterable[str]) -> list[str]:
    lines = []
    for line in context:
        line = _clean(line, 300)
        if line and not _LONE_DIGITS.search(line):
            lines.append(line)
    return lines[-4:]


def record_complaint(
    uow: UnitOfWork,
    request: ComplaintRequest,
    existing_ticket: str | None = None,
    now: datetime | None = None,
    requester: Requester | None = None,
) -> ComplaintRecorded:
    """Open a complaint ticket, or add the words to this conversation's open one (only
    one ``requester`` opened). The requester may look the ticket up later."""
    now = now or clock.now()
    rules = load_rules()
    words = _clean(request.words, WORDS_MAX_CHARS)
    if existing_ticket:
        ticket = uow.tickets.get(existing_ticket)
        if (
            ticket is not None
            and ticket.kind == TicketKind.COMPLAINT.value
            and (requester is None or opened_by(ticket, requester))
            and ticket.status in (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)
            and ticket.created_at >= now - timedelta(hours=SAME_CASE_HOURS)
        ):
            category = _category_of(ticket.summary)
            ticket.details = f"{ticket.details or ''}\n{now:%H:%M} khách hàng nhắn thêm: {words}".strip()[
                :DETAILS_MAX_CHARS
            ]
            ticket.updated_at = now
            uow.flush()
            deadline = rules.complaint_deadline(category)
            return ComplaintRecorded(
                ticket.number,
                ticket.created_at,
                category,
                deadline,
                deadline.due(ticket.created_at, rules.holidays),
                added_to_existing=True,
            )
    deadline = rules.complaint_deadline(request.category)
    answer_by = deadline.due(now, rules.holidays)
    details = [
        f"Khách hàng khiếu nại: {words}" if words else "Khách hàng muốn khiếu nại",
        f"Về: {request.about}" if request.about else None,
        f"Mã khách hàng: {request.customer_code}" if request.customer_code else None,
        f"Địa điểm: {_clean(request.place or '', 200)}" if request.place else None,
        *(f"Trước đó: {line}" for line in _context_lines(request.context)),
        f"Nhận lúc {now:%H:%M %d/%m/%Y}; hạn trả lời {answer_by:%H:%M %d/%m/%Y}",
    ]
    ticket = uow.tickets.add(
        kind=TicketKind.COMPLAINT,
        priority=TicketPriority.HIGH if deadline.hours else TicketPriority.NORMAL,
        summary=f"Khiếu nại ({request.category.value}) – {CATEGORY_TITLES[request.category]}: {words}"[
            :SUMMARY_MAX_CHARS
        ],
        customer_code=request.customer_code,
        channel=(request.channel or "unknown")[:20],
        details="\n".join(line for line in details if line)[:DETAILS_MAX_CHARS],
        requester_hash=owner_hash(requester),
    )
    return ComplaintRecorded(ticket.number, ticket.created_at, request.category, deadline, answer_by)


def _category_of(summary: str) -> Category:
    match = re.match(r"Khiếu nại \((\w+)\)", summary or "")
    try:
        return Category(match.group(1)) if match else Category.OTHER
    except ValueError:
        return Category.OTHER
