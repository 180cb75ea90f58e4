"""Answers about the outage the customer was just shown, and the supply status.

The other outage sentences are in :mod:`.outage` (schedules, places),
:mod:`.outage_report` and :mod:`.restore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import clock
from bot.domain.formatting import format_date
from bot.wording.common import hotlines, moment_text, time_span


def _at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.VN_TZ)


def _day(moment: datetime) -> str:
    return format_date(moment.astimezone(clock.VN_TZ).date())


def planned_restore(starts_at: str | None, ends_at: str | None, now: datetime) -> str | None:
    """One planned outage: when power comes back."""
    start, end = _at(starts_at), _at(ends_at)
    if start is None or end is None:
        return None
    if end <= now:
        return f"lịch ngày {_day(start)} đã kết thúc, điện đã có lại từ {moment_text(end, now)}"
    if start <= now:
        return f"lịch đang diễn ra, điện dự kiến có lại lúc {moment_text(end, now)}"
    return (
        f"điện ngừng {time_span(start, end)} ngày {_day(start)} và dự kiến có lại lúc "
        f"{moment_text(end, now)}"
    )


def shown_restore(items: Sequence[tuple[str | None, str | None]], now: datetime) -> str:
    """When power comes back, for the planned outages just listed."""
    lines = [planned_restore(start, end, now) for start, end in items]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        return f"Dạ, theo lịch vừa rồi, {lines[0]}, có thể sớm hơn nếu công việc xong sớm ạ."
    listed = "\n".join(f"- Lịch {n}: {line}." for n, line in enumerate(lines, start=1))
    return f"Dạ, theo các lịch vừa rồi:\n{listed}\nĐiện có thể có lại sớm hơn nếu công việc xong sớm ạ."


def shown_reasons(items: Sequence[tuple[str, str, str | None]]) -> str:
    """Why the outages just shown happen: (kind, reason, start)."""
    lines = []
    for kind, reason, start in items:
        moment = _at(start)
        when = f" ngày {_day(moment)}" if moment is not None else ""
        if kind == "planned":
            lines.append(f"lịch cắt điện{when} để {reason.rstrip('.')}" if reason else f"lịch cắt điện{when}")
        elif reason:
            lines.append(f"sự cố{when}: {reason.rstrip('.')}")
        else:
            lines.append(f"sự cố{when}: Điện lực đang kiểm tra nguyên nhân")
    if len(lines) == 1:
        return (
            f"Dạ, {lines[0]} ạ. Lịch cắt điện có kế hoạch được thông báo trước ít nhất 5 ngày để "
            "anh/chị chủ động sắp xếp nha."
            if items[0][0] == "planned"
            else f"Dạ, {lines[0]} ạ. Điện lực đang khẩn trương khắc phục, mong anh/chị thông cảm."
        )
    return "Dạ, lý do:\n" + "\n".join(f"- {line[0].upper()}{line[1:]}." for line in lines)


def supply_normal(where: str) -> str:
    return (
        f"Dạ, em kiểm tra thấy điện ở {where} đang được cung cấp bình thường: không có lịch cắt điện, "
        'sự cố hay tạm ngừng cấp điện nào ạ. Nếu nhà mình đang mất điện, anh/chị bấm "Báo mất điện" '
        "để em kiểm tra và tạo phiếu nha."
    )


def no_outage_to_explain(where: str) -> str:
    return (
        f"Dạ, hiện em chưa thấy lịch cắt điện hay sự cố nào ở {where} ạ. Nếu nhà mình đang mất điện, "
        'anh/chị bấm "Báo mất điện" để em ghi nhận và tạo phiếu nha.'
    )


def next_steps(number: str, kind: str) -> str:
    """After a ticket: what happens next."""
    if kind == "hazard":
        return (
            f"Dạ, phiếu KHẨN số {number} đã ở đầu hàng chờ, đội xử lý sự cố sẽ đến sớm nhất có thể. "
            f"Trong lúc chờ, anh/chị tránh xa chỗ nguy hiểm; tình hình nguy hiểm hơn thì gọi ngay Tổng "
            f"đài {hotlines()} nha."
        )
    if kind == "outage":
        return (
            f"Dạ, phiếu số {number} đã chuyển cho Điện lực khu vực; nhân viên sẽ đến kiểm tra và khắc "
            'phục sớm nhất, thường trong vài giờ. Anh/chị nhắn "khi nào có điện" để em xem cập nhật '
            f"mới nhất, hoặc gọi Tổng đài {hotlines()} và đọc số phiếu nha."
        )
    return (
        f"Dạ, yêu cầu số {number} đã được chuyển cho Điện lực; nhân viên sẽ liên hệ anh/chị trong giờ "
        f"làm việc. Cần gấp, anh/chị gọi Tổng đài {hotlines()} và đọc số yêu cầu này nha."
    )


def no_ticket_yet() -> str:
    return (
        "Dạ, trong cuộc trò chuyện này em chưa tạo phiếu nào cho anh/chị ạ. Nếu nhà mình đang mất điện, "
        'anh/chị bấm "Báo mất điện" để em kiểm tra và tạo phiếu nha.'
    )


def report_not_recorded() -> str:
    """The report's questions went unanswered twice: the hotline takes it."""
    return (
        "Dạ, em chưa ghi nhận được báo mất điện qua tin nhắn. Nếu nhà mình vẫn mất điện, anh/chị gọi "
        f"Tổng đài {hotlines()} để báo trực tiếp nha."
    )
