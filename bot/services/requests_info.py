"""Requests the bot cannot complete itself: what to do, where, which papers; a ticket.

New connection, change of owner, meter inspection ("đồng hồ chạy nhanh"), a copy of the
e-invoice, reconnection after payment. The Vietnamese text is data
(``bot/services/resources/service_requests.yml``) so operators can change it without
touching code. Which request a message is about is read by the NLU
(``bot.nlu.core.read.service_kind``); :func:`open_request_ticket` opens a ticket
agents will see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from bot.db import queries
from bot.db.models import Ticket, TicketKind, TicketPriority
from bot.services.formatting import format_date

RESOURCES = Path(__file__).resolve().parent / "resources"
SERVICE_REQUESTS_FILE = RESOURCES / "service_requests.yml"


@dataclass(frozen=True)
class ServiceRequest:
    kind: str
    title: str
    what: str
    papers: tuple[str, ...]
    ticket_summary: str


@dataclass(frozen=True)
class Catalogue:
    requests: dict[str, ServiceRequest]
    where: str


@functools.cache
def catalogue(path: Path = SERVICE_REQUESTS_FILE) -> Catalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    requests = {
        kind: ServiceRequest(
            kind=kind,
            title=str(item["title"]),
            what=str(item["what"]),
            papers=tuple(str(p) for p in item.get("papers") or ()),
            ticket_summary=str(item.get("ticket_summary") or item["title"]),
        )
        for kind, item in (raw.get("requests") or {}).items()
    }
    return Catalogue(requests=requests, where=str(raw.get("where_common") or ""))


def kinds() -> list[str]:
    return list(catalogue().requests)


def get(kind: str | None) -> ServiceRequest | None:
    return catalogue().requests.get(kind or "")


def instructions_text(kind: str) -> str:
    """What to do, with which papers, and where, in polite Vietnamese."""
    request = get(kind)
    if request is None:
        raise KeyError(kind)
    papers = "\n".join(f"- {paper}" for paper in request.papers)
    return (
        f"Dạ, về việc {request.title.lower()}:\n{request.what}\n"
        f"Giấy tờ cần chuẩn bị:\n{papers}\n"
        f"{catalogue().where}"
    )


def menu_text() -> str:
    titles = "; ".join(r.title.lower() for r in catalogue().requests.values())
    return "Dạ, em hướng dẫn được các thủ tục: " + titles + ". Anh/chị cần làm thủ tục nào ạ?"


def open_request_ticket(
    session: Session, kind: str, customer_code: str | None, channel: str | None
) -> Ticket:
    """A ticket so an agent calls the customer back about this request."""
    request = get(kind)
    if request is None:
        raise KeyError(kind)
    return queries.add_ticket(
        session,
        kind=TicketKind.REQUEST,
        priority=TicketPriority.NORMAL,
        summary=request.ticket_summary,
        customer_code=customer_code,
        channel=channel,
        details=f"Yêu cầu qua trợ lý ảo: {request.title}.",
    )


def ticket_text(ticket: Ticket) -> str:
    opened = f"Dạ, em đã tạo yêu cầu số {ticket.number} ngày {format_date(ticket.created_at.date())}. "
    if ticket.customer_code:
        return opened + (
            f"Nhân viên Điện lực sẽ liên hệ hướng dẫn anh/chị (qua số điện thoại đã đăng ký với mã "
            f"{ticket.customer_code}) trong giờ làm việc. Khi cần hỏi lại, anh/chị đọc số yêu cầu này nha."
        )
    return opened + (
        "Khi gọi tổng đài hoặc đến phòng giao dịch, anh/chị đọc số yêu cầu này để được hỗ trợ nhanh "
        "hơn nha."
    )
