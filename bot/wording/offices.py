"""Customer offices: address, opening hours, open or closed now (:mod:`bot.services.offices`)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.hours import OpeningHours, OpenStatus, Span
from bot.services.offices import OfficeAnswer, OfficeInfo
from bot.wording.common import WEEKDAY_NAMES, hhmm, hotlines, moment_text


def _spans(spans: tuple[Span, ...]) -> str:
    return ", ".join(f"{s.start:%H:%M}–{s.end:%H:%M}" for s in spans)


def hours_text(hours: OpeningHours) -> str:
    """``"thứ Hai–thứ Sáu 07:00–11:30, 13:00–17:00; thứ Bảy 07:00–11:30"``."""
    parts = []
    for days, spans in hours.groups():
        first, last = WEEKDAY_NAMES[days[0]], WEEKDAY_NAMES[days[-1]]
        when = first if len(days) == 1 else f"{first}–{last}"
        parts.append(f"{when} {_spans(spans)}")
    return "; ".join(parts)


def now_text(status: OpenStatus | None, now: datetime) -> str:
    if status is None:
        return ""
    if status.open and status.closes_at is not None:
        return f"Bây giờ đang mở cửa, đến {hhmm(status.closes_at)}."
    if status.opens_at is not None:
        return f"Bây giờ đang đóng cửa, mở lại lúc {moment_text(status.opens_at, now)}."
    return "Bây giờ đang đóng cửa."


def _office(office: OfficeInfo, now: datetime) -> str:
    hours = f" Giờ làm việc: {hours_text(office.hours)}." if office.hours is not None else ""
    return f"{office.name}, {office.address}.{hours} {now_text(office.now, now)}".strip()


def offices_text(answer: OfficeAnswer) -> str:
    now = answer.checked_at
    if not answer.offices:
        return (
            f"Dạ, em chưa có thông tin phòng giao dịch ở {answer.where} ạ. Anh/chị gọi Tổng đài "
            f"{hotlines()} (24/7) để được chỉ nơi gần nhất nha."
        )
    lead = (
        f"Dạ, em chưa có phòng giao dịch ngay tại {answer.where}; gần nhất trong tỉnh là"
        if answer.by_province
        else f"Dạ, phòng giao dịch của {answer.where} là"
    )
    if len(answer.offices) == 1:
        return f"{lead} {_office(answer.offices[0], now)}"
    listed = "\n".join(f"- {_office(office, now)}" for office in answer.offices)
    lead = lead.replace(" là", ":").replace("gần nhất trong tỉnh:", "các phòng giao dịch trong tỉnh:")
    return f"{lead}\n{listed}"


def ask_where() -> str:
    return (
        "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001) hoặc tên phường/xã và "
        "tỉnh/thành phố để em tìm phòng giao dịch gần nhất nha."
    )
