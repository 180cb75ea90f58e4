"""When power comes back, as the customer reads it (:mod:`bot.services.restore`)."""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.services.restore import RestoreStatus, Status
from bot.wording.common import hotlines, moment_text, time_span
from bot.wording.outage_report import expected_text, incident_known_text, suspended_reply

# --------------------------------------------------------------------------- restore


_TICKET_STATES = {
    "open": "đã tiếp nhận",
    "in_progress": "đang xử lý",
    "resolved": "đã xử lý xong",
    "closed": "đã đóng",
}


def restore_place(status: RestoreStatus) -> str:
    """What was asked about: ``"khu vực mã khách hàng PB…"``, a place, or "khu vực của anh/chị"."""
    if status.customer_code:
        return f"khu vực mã khách hàng {status.customer_code}"
    return status.area_label or "khu vực của anh/chị"


def restore_reply(
    status: RestoreStatus,
    customer_code: str | None = None,
    ticket_number: str | None = None,
    now: datetime | None = None,
    verified: bool = False,
) -> str:
    now = now or clock.now()
    where = restore_place(status)
    ticket = f" (phiếu {status.ticket.number})" if status.ticket is not None else ""
    if status.status == Status.SUSPENDED:
        return suspended_reply(customer_code or "", status.suspended_at, verified)
    if status.status == Status.PLANNED and status.planned is not None:
        return (
            f"Dạ, {where} đang ngừng cung cấp điện theo kế hoạch ({status.planned.reason}), "
            f"{time_span(status.planned.starts_at, status.planned.ends_at)}. Điện dự kiến có lại lúc "
            f"{moment_text(status.planned.ends_at, now)}, có thể sớm hơn nếu công việc xong sớm ạ."
        )
    if status.status == Status.INCIDENT and status.incident is not None:
        return (
            f"{incident_known_text(status.incident).replace('khu vực của anh/chị', where)}{ticket} "
            f"{expected_text(status.incident, now)}"
        )
    if status.status == Status.RESTORED:
        at = f" từ {moment_text(status.restored_at, now)}" if status.restored_at else ""
        code = f" (mã sự cố {status.incident.code})" if status.incident is not None else ""
        return (
            f"Dạ, sự cố ở khu vực của anh/chị{code}{ticket} đã khắc phục xong, điện đã có lại{at} ạ. "
            'Nếu nhà mình vẫn chưa có điện, anh/chị kiểm tra cầu dao trong nhà hoặc bấm "Báo mất điện" '
            "để em tạo phiếu nha."
        )
    if status.status == Status.TICKET and status.ticket is not None:
        state = _TICKET_STATES.get(status.ticket.status, "đang xử lý")
        return (
            f"Dạ, phiếu báo mất điện {status.ticket.number} (báo lúc "
            f"{moment_text(status.ticket.created_at, now)}) "
            f"{state}; Điện lực chưa cập nhật giờ có điện lại ạ. Nhân viên sẽ kiểm tra sớm nhất, "
            "anh/chị cần gấp "
            f"thì gọi Tổng đài {hotlines()} và đọc số phiếu nha."
        )
    if status.status == Status.TICKET_CLOSED and status.ticket is not None:
        return (
            f"Dạ, phiếu {status.ticket.number} "
            f"{_TICKET_STATES.get(status.ticket.status, 'đã xử lý xong')} ạ. "
            "Nếu nhà mình vẫn chưa có điện, anh/chị bấm \"Báo mất điện\" để em tạo phiếu mới nha."
        )
    if status.status == Status.UNKNOWN_TICKET:
        return (
            f"Dạ, em không tìm thấy phiếu số {ticket_number or ''} trong các phiếu anh/chị đã báo. "
            "Anh/chị kiểm tra lại số phiếu (ví dụ SC-K7Q4-M2XP) hoặc cho em xin mã khách hàng nha; "
            "phiếu do người khác báo thì em cần xác thực chủ hợp đồng trước ạ."
        ).replace("phiếu số  trong", "phiếu này trong")
    nothing = (
        f"Dạ, hiện em chưa thấy sự cố hay lịch cúp điện nào ở {where} ạ. Nếu nhà mình đang mất điện, "
        'anh/chị bấm "Báo mất điện" để em ghi nhận và tạo phiếu nha.'
    )
    if customer_code and not status.account_checked:
        return f"{nothing} {account_not_checked_text()}"
    return nothing


def account_not_checked_text() -> str:
    """Said to anyone not verified for the code they asked about: the same sentence
    whether or not that customer's supply is suspended."""
    return (
        "Em mới kiểm tra tình trạng điện của khu vực; tình trạng cấp điện riêng của mã khách hàng "
        "(ví dụ tạm ngừng cấp điện do chưa thanh toán) em chỉ báo sau khi xác thực chủ hợp đồng ạ."
    )
