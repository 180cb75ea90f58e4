"""How the desk's templates show values: money ``798.660 đ``, dates ``15/10/2026``, waits,
and the Vietnamese names of reasons, priorities, channels and statuses."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import jinja2

from bot import clock
from bot.domain.formatting import format_date, format_money

REASONS = {
    "request": "Khách yêu cầu gặp tư vấn viên",
    "misunderstood": "Trợ lý ảo chưa hiểu (2 lần)",
    "complaint": "Khiếu nại",
    "frustration": "Khách bực bội",
    "verification_lock": "Khóa xác thực",
    "hazard": "NGUY HIỂM – xử lý gấp",
    "recheck": "Phúc tra chỉ số",
    "rule": "Theo quy tắc vận hành",
}
PRIORITIES = {1: "Khẩn cấp", 2: "Cao", 3: "Bình thường", 4: "Thấp"}
CHANNELS = {
    "callback": "REST callback",
    "socketio": "Web chat",
    "webchat": "Web chat",
    "zalo": "Zalo",
    "facebook": "Messenger",
    "rest": "REST",
}
STATUSES = {
    "waiting": "Đang chờ",
    "active": "Đang xử lý",
    "callback": "Hẹn gọi lại",
    "closed": "Đã kết thúc",
    "cancelled": "Khách đã hủy",
    "open": "Đang mất điện",
    "restored": "Đã có điện",
    "in_progress": "Đang xử lý",
    "resolved": "Đã xử lý",
}
INVOICE_STATUSES = {"paid": "Đã thanh toán", "unpaid": "Chưa thanh toán", "overdue": "Quá hạn"}
SUPPLY = {
    "nothing": "Bình thường (không có sự cố, lịch cắt điện)",
    "suspended": "Đang tạm ngừng cấp điện (nợ)",
    "planned": "Đang cắt điện theo kế hoạch",
    "incident": "Đang có sự cố mất điện",
    "restored": "Đã có điện lại sau sự cố",
    "ticket": "Có phiếu báo mất điện đang xử lý",
    "ticket_closed": "Phiếu báo mất điện đã đóng",
    "unknown_ticket": "Không rõ",
}
DELIVERY = {
    "pending": "đang gửi…",
    "delivered": "đã gửi",
    "failed": "CHƯA GỬI ĐƯỢC",
    "received": "",
    "internal": "",
}


ALERT_KINDS = {
    "failure_spike": "Nhiều lần xác thực sai trên toàn hệ thống",
    "network_limited": "Một mạng nhập sai xác thực nhiều lần",
    "code_locked": "Mã khách hàng bị khóa xác thực (nhập sai nhiều lần)",
}
SMS_STATES = {
    "waiting": "chờ cổng SMS gửi",
    "sent": "đã gửi",
    "expired": "hết hạn",
}
# Notice statuses as the Giám sát page groups them.
NOTICE_COLUMNS = (
    ("sent", ("sent",), "Đã gửi"),
    ("waiting", ("pending", "sending"), "Đang chờ"),
    ("failed", ("failed",), "Lỗi"),
    ("refused", ("refused",), "Bị chặn (quy định kênh)"),
    ("dropped", ("superseded", "expired", "cancelled"), "Không gửi nữa"),
)
NOTICE_KINDS = {
    "planned": "báo cắt điện",
    "reminder": "nhắc trước 1 ngày",
    "moved": "đổi giờ",
    "cancelled": "hủy lịch",
    "incident": "sự cố",
    "restored": "có điện lại",
}
HEALTH_PARTS = {"rasa": "Rasa (trợ lý ảo)", "action_server": "Máy chủ hành động", "database": "Cơ sở dữ liệu"}
_SMS_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


def sms_body(body: str | None) -> str:
    """An SMS as the desk shows it: the one-time code masked. Staff never need it (nobody
    asks a customer for it), and a code on a screen is a code someone else can read."""
    return _SMS_CODE.sub("••••••", body or "")


def sms_state(message: Any, now: datetime | None = None) -> str:
    """waiting (for the SMS gateway), sent, or expired (the code can no longer be used)."""
    if message.sent_at is not None:
        return "sent"
    expires = message.expires_at
    if expires is not None and expires <= (now or clock.now()):
        return "expired"
    return "waiting"


def notice_count(counts: dict[str, int], statuses: tuple[str, ...]) -> int:
    return sum(counts.get(status, 0) for status in statuses)


def when(moment: datetime | str | None) -> str:
    if moment is None:
        return "–"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(clock.VN_TZ)
    return f"{local:%H:%M} {format_date(local.date())}"


def hm(moment: datetime | None) -> str:
    return moment.astimezone(clock.VN_TZ).strftime("%H:%M") if moment else "–"


def day(value: date | None) -> str:
    return format_date(value) if value else "–"


def duration(span: timedelta | None) -> str:
    if span is None:
        return "–"
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "dưới 1 phút"
    if minutes < 60:
        return f"{minutes} phút"
    return f"{minutes // 60} giờ {minutes % 60:02d} phút"


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def install(env: jinja2.Environment) -> None:
    env.filters.update(
        money=format_money, when=when, hm=hm, day=day, duration=duration, iso=iso, sms_body=sms_body
    )
    env.globals.update(
        ALERT_KINDS=ALERT_KINDS,
        HEALTH_PARTS=HEALTH_PARTS,
        SMS_STATES=SMS_STATES,
        NOTICE_COLUMNS=NOTICE_COLUMNS,
        NOTICE_KINDS=NOTICE_KINDS,
        notice_count=notice_count,
        sms_state=sms_state,
        REASONS=REASONS,
        PRIORITIES=PRIORITIES,
        CHANNELS=CHANNELS,
        STATUSES=STATUSES,
        INVOICE_STATUSES=INVOICE_STATUSES,
        SUPPLY=SUPPLY,
        DELIVERY=DELIVERY,
    )
