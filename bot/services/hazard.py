"""Safety hazards (broken or fallen wire, sparks, fire, explosion, a leaning pole,
someone shocked): the safety advice of DOMAIN.md "Safety", then an urgent ticket.

The advice never depends on the database or on who the customer is, so it is given
first, even when everything else fails. The ticket goes to the top of the agents'
queue (priority 1); the hotline is repeated until the handoff to an agent exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import TicketKind, TicketPriority, TicketStatus
from bot.nlu.core.diacritics import strip_diacritics
from bot.services.outage_wording import hotlines

SAME_CASE_MINUTES = 60  # a second message of the same conversation adds to the same ticket
DETAILS_MAX_CHARS = 2000
SUMMARY_MAX_CHARS = 200

# Words saying a person is hurt or in danger, or a fire (diacritic-free, whole words).
_PEOPLE_AT_RISK = re.compile(r"\b(giat|nguoi|em be|ai do|bat tinh|bi thuong|chay|lua|no|khoi)\b")


def people_at_risk(text: str | None) -> bool:
    """True when the message mentions a person (shock, injury) or fire: lead with 114/115."""
    plain = strip_diacritics((text or "").lower())
    return bool(_PEOPLE_AT_RISK.search(plain))


def safety_advice(text: str | None = None) -> str:
    """The advice to give at once, in this order (DOMAIN.md "Safety")."""
    emergency = (
        "Nếu có cháy hoặc có người bị điện giật, bị thương: gọi ngay 114 (cứu hỏa) hoặc 115 (cấp cứu)."
    )
    lines = [
        "Dạ, anh/chị giữ an toàn trước hết nha:",
        "• Tránh xa chỗ dây điện đứt, tia lửa hoặc trụ điện nghiêng ít nhất vài mét, và nhắc mọi người "
        "(nhất là trẻ nhỏ) tránh xa.",
        "• Tuyệt đối không chạm vào dây điện, và không chạm tay trần vào người bị điện giật; "
        "dùng vật khô, không dẫn điện (gậy gỗ, ống nhựa) để tách người ra khỏi nguồn điện.",
        "• Chỉ ngắt cầu dao (CB/aptomat) nhà mình nếu làm được an toàn, không đứng chỗ ẩm ướt.",
        f"• {emergency}",
        f"• Gọi ngay Tổng đài điện lực {hotlines()} (24/7) để được cắt điện khu vực và xử lý khẩn.",
    ]
    if people_at_risk(text):
        lines.insert(0, f"⚠️ {emergency}")
        lines.pop(5)  # the same line further down
    return "\n".join(lines)


@dataclass(frozen=True)
class HazardTicket:
    number: str
    created_at: datetime
    added_to_existing: bool  # the message was added to this conversation's open hazard ticket


def report_hazard(
    session: Session,
    *,
    description: str,
    channel: str,
    customer_code: str | None = None,
    place: str | None = None,
    existing_ticket: str | None = None,
    now: datetime | None = None,
) -> HazardTicket:
    """Open an urgent hazard ticket, or add to this conversation's recent open one."""
    now = now or clock.now()
    description = " ".join((description or "").split())
    if existing_ticket:
        ticket = queries.get_ticket(session, existing_ticket)
        if (
            ticket is not None
            and ticket.kind == TicketKind.HAZARD.value
            and ticket.status in (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)
            and ticket.created_at >= now - timedelta(minutes=SAME_CASE_MINUTES)
        ):
            _append(ticket, f"{now:%H:%M} khách hàng nhắn thêm: {description}")
            session.flush()
            return HazardTicket(ticket.number, ticket.created_at, added_to_existing=True)
    details = [
        f"Khách hàng báo: {description}" if description else "Khách hàng báo nguy hiểm về điện",
        f"Mã khách hàng: {customer_code}" if customer_code else None,
        f"Địa điểm: {place}" if place else None,
        f"Báo lúc: {now:%H:%M %d/%m/%Y}",
    ]
    ticket = queries.add_ticket(
        session,
        kind=TicketKind.HAZARD,
        priority=TicketPriority.URGENT,
        summary=f"KHẨN – nguy hiểm về điện: {description}"[:SUMMARY_MAX_CHARS],
        customer_code=customer_code,
        channel=channel[:20],
        details="\n".join(line for line in details if line)[:DETAILS_MAX_CHARS],
    )
    return HazardTicket(ticket.number, ticket.created_at, added_to_existing=False)


def add_location(session: Session, number: str, location: str, now: datetime | None = None) -> bool:
    """Add the place the customer gave to the hazard ticket; False if there is no such ticket."""
    now = now or clock.now()
    ticket = queries.get_ticket(session, number)
    if ticket is None or ticket.kind != TicketKind.HAZARD.value:
        return False
    _append(ticket, f"{now:%H:%M} địa điểm: {' '.join(location.split())}")
    session.flush()
    return True


def _append(ticket, line: str) -> None:
    ticket.details = f"{ticket.details or ''}\n{line}".strip()[:DETAILS_MAX_CHARS]
    ticket.updated_at = clock.now()
