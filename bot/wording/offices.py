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


def _office(office: OfficeInfo, now: datetime, with_hours: bool = True) -> str:
    hours = f" Giờ làm việc: {hours_text(office.hours)}." if with_hours and office.hours is not None else ""
    now_said = f" {now_text(office.now, now)}" if with_hours else ""
    return f"{office.name}, {office.address}.{hours}{now_said}".rstrip()


def offices_text(answer: OfficeAnswer) -> str:
    now = answer.checked_at
    if not answer.offices:
        return (
            f"Dạ, em chưa có thông tin phòng giao dịch ở {answer.where} ạ. Anh/chị gọi Tổng đài "
            f"{hotlines()} (24/7) để được chỉ nơi gần nhất nha."
        )
    if len(answer.offices) == 1:
        lead = (
            f"Dạ, em chưa có phòng giao dịch ngay tại {answer.where}; gần nhất là"
            if answer.by_province
            else f"Dạ, phòng giao dịch của {answer.where} là"
        )
        return f"{lead} {_office(answer.offices[0], now)}"
    lead = (
        f"Dạ, em chưa có phòng giao dịch ngay tại {answer.where}; các phòng giao dịch trong tỉnh:"
        if answer.by_province
        else f"Dạ, các phòng giao dịch ở {answer.where}:"
    )
    first = answer.offices[0]
    same = all(o.hours == first.hours and o.now == first.now for o in answer.offices)
    listed = "\n".join(f"- {_office(office, now, with_hours=not same)}" for office in answer.offices)
    if same and first.hours is not None:
        listed += f"\nGiờ làm việc: {hours_text(first.hours)}. {now_text(first.now, now)}".rstrip()
    return f"{lead}\n{listed}"


def ask_where() -> str:
    return (
        "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001) hoặc tên phường/xã và "
        "tỉnh/thành phố để em tìm phòng giao dịch gần nhất nha."
    )
