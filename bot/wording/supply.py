"""Whether a connection or a place has power (:mod:`bot.services.supply`).

A suspension for debt is told only in a verified answer; an unverified one says the
area's status, word for word the same whether or not the connection is suspended.
"""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.domain.formatting import format_date, format_money
from bot.services.outage_results import IncidentInfo, PlannedInfo
from bot.services.rules import Delay
from bot.services.supply import Supply, SupplyAnswer, SupplyHistory
from bot.wording.common import hotlines, moment_text, time_span
from bot.wording.payments import delay_text

REPORT_HINT = 'Nếu nhà mình đang mất điện, anh/chị bấm "Báo mất điện" để em kiểm tra và tạo phiếu nha.'


def _planned(info: PlannedInfo, now: datetime) -> str:
    return (
        f"đang ngừng cấp điện theo kế hoạch để {info.reason.rstrip('.')}, "
        f"{time_span(info.starts_at, info.ends_at)}; điện dự kiến có lại lúc {moment_text(info.ends_at, now)}"
    )


def _incident(info: IncidentInfo, now: datetime) -> str:
    cause = f", {info.cause.rstrip('.')}" if info.cause and not info.from_reports else ""
    expected = (
        f"; điện dự kiến có lại lúc {moment_text(info.expected_restoration_at, now)}"
        if info.expected_restoration_at
        else "; Điện lực đang khắc phục, chưa có giờ có điện lại"
    )
    return f"đang mất điện do sự cố (mã {info.code}{cause}){expected}"


def _place(answer: SupplyAnswer) -> str:
    return f"khu vực mã {answer.code} ({answer.where})" if answer.code else answer.where


def supply_text(
    answer: SupplyAnswer, now: datetime | None = None, connected_delay: Delay | None = None
) -> str:
    now = now or clock.now()
    if answer.state is Supply.SUSPENDED:
        return suspended_text(answer, connected_delay)
    place = _place(answer)
    mine = " (công tơ nhà mình không bị tạm ngừng)" if answer.verified else ""
    if answer.state is Supply.PLANNED and answer.planned is not None:
        return f"Dạ, {place} {_planned(answer.planned, now)}{mine} ạ."
    if answer.state is Supply.INCIDENT and answer.incident is not None:
        return f"Dạ, {place} {_incident(answer.incident, now)}{mine} ạ."
    if answer.state is Supply.RESTORED and answer.incident is not None:
        at = f" lúc {moment_text(answer.restored_at, now)}" if answer.restored_at else ""
        return (
            f"Dạ, sự cố ở {place} (mã {answer.incident.code}) đã khắc phục xong, điện đã có lại{at} ạ. "
            "Nhà mình vẫn chưa có điện thì anh/chị kiểm tra cầu dao (CB) trong nhà, hoặc bấm "
            '"Báo mất điện" để em tạo phiếu nha.'
        )
    if answer.verified:
        text = (
            f"Dạ, điện của mã {answer.code} đang được cấp bình thường, không bị tạm ngừng, và khu vực "
            f"{answer.where} không có lịch cắt điện hay sự cố nào lúc này ạ."
        )
        debt = answer.debt
        if debt is not None and debt.overdue:
            text += (
                f" Lưu ý: mã này còn {debt.bills} hóa đơn chưa thanh toán, tổng "
                f"{format_money(debt.total)}; sau {answer.notices_before_suspension} lần thông báo mà chưa "
                "thanh toán, điện có thể bị tạm ngừng (báo trước ít nhất "
                f"{answer.suspension_warning_hours} giờ)."
            )
        return text
    return f"Dạ, {place} hiện không có lịch cắt điện hay sự cố nào, điện đang được cấp bình thường ạ."


def suspended_text(answer: SupplyAnswer, connected_delay: Delay | None = None) -> str:
    """Verified only: suspended for debt, what to pay, and how long reconnection takes."""
    since = f" từ {moment_text(answer.suspended_at)}" if answer.suspended_at else ""
    debt = answer.debt
    owed = f": còn {debt.bills} hóa đơn, tổng {format_money(debt.total)}" if debt is not None else ""
    posting = (
        f" Thanh toán tại quầy hoặc điểm thu hộ được ghi nhận ngay; qua ví điện tử hay ứng dụng ngân hàng "
        f"thường {delay_text(connected_delay)}."
        if connected_delay is not None
        else ""
    )
    return (
        f"Dạ, điện của mã {answer.code} đang tạm ngừng cung cấp{since} do tiền điện chưa được "
        f"thanh toán{owed}. "
        f"Sau khi anh/chị thanh toán hết, Điện lực đóng điện lại trong vòng {answer.reconnection_hours} giờ "
        f"kể từ khi ghi nhận thanh toán.{posting}"
    )


def verify_for_own_supply() -> str:
    return (
        "Để em kiểm tra riêng công tơ nhà mình có đang được cấp điện hay không, em cần xác thực "
        "trước nha."
    )


def own_supply_by_phone() -> str:
    return f"Để kiểm tra riêng công tơ nhà mình, anh/chị gọi Tổng đài {hotlines()} (24/7) nha."


def ask_where() -> str:
    return (
        "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001) để em kiểm tra điện của "
        "nhà mình, hoặc tên phường/xã và tỉnh/thành phố để em xem khu vực nha."
    )


def area_hint() -> str:
    return "Muốn em kiểm tra riêng nhà mình, anh/chị nhắn mã khách hàng nha."


# --------------------------------------------------------------------- history


def _at(moment: datetime, same_day_as: datetime | None = None) -> str:
    """``"16:10"`` on the day of ``same_day_as``, else ``"16:10 21/10/2026"``."""
    moment = moment.astimezone(clock.VN_TZ)
    if same_day_as is not None and moment.date() == same_day_as.astimezone(clock.VN_TZ).date():
        return f"{moment:%H:%M}"
    return f"{moment:%H:%M} {format_date(moment.date())}"


def history_text(history: SupplyHistory) -> str:
    month = history.month.label
    lines = []
    for outage in history.outages:
        start, end = outage.starts_at, outage.ends_at
        if outage.kind == "planned" and start and end:
            reason = outage.reason.rstrip(".")
            lines.append(f"- {format_date(start.date())} {time_span(start, end)}: lịch cắt điện để {reason}")
        elif start:
            back = f", có điện lại {_at(end, start)}" if end else ""
            cause = f" ({outage.reason.rstrip('.')})" if outage.reason else ""
            lines.append(f"- {format_date(start.date())} {start:%H:%M}: sự cố{cause}{back}")
    suspension = ""
    if history.suspended_at is not None:
        back = f" đến {_at(history.restored_at)}" if history.restored_at else ""
        suspension = (
            f"\nMã {history.code} bị tạm ngừng cấp điện do nợ tiền điện từ {_at(history.suspended_at)}{back}."
        )
    if not lines:
        return (
            f"Dạ, trong tháng {month}, khu vực mã {history.code} ({history.where}) không có lịch cắt điện "
            f"hay sự cố nào ạ.{suspension}"
        )
    return (
        f"Dạ, trong tháng {month}, khu vực mã {history.code} ({history.where}) có {len(lines)} lần ngừng "
        f"cấp điện:\n" + "\n".join(lines) + suspension
    )
