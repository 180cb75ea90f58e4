"""Service requests (new connection, change of owner, meter inspection...): what to do,
the menu, and the ticket opened, as the customer reads them.

The steps and papers are the catalogue's (:mod:`bot.services.requests_info`); the
sentences around them are here.
"""

from __future__ import annotations

from bot.domain.formatting import format_date
from bot.services.requests_info import RequestTicket, catalogue, get

TICKET_OFFER = "Anh/chị có muốn em tạo yêu cầu để nhân viên Điện lực liên hệ hướng dẫn không ạ?"


def instructions_text(kind: str) -> str:
    """What to do, with which papers, and where."""
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


def ticket_text(ticket: RequestTicket) -> str:
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
