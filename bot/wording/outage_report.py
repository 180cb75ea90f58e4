"""A customer's outage report: the questions, and what the checks found, as the customer
reads them (:mod:`bot.services.outage_reports`)."""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.domain.formatting import format_date
from bot.services.outage_results import IncidentInfo, Outcome, PlannedInfo, ReportResult, TicketInfo
from bot.wording.common import database_unavailable, hotlines, moment_text, time_span

# --------------------------------------------------------------------------- reports


SCOPE_QUESTION = "Dạ, chỉ nhà mình mất điện hay hàng xóm xung quanh cũng mất điện ạ?"
SCOPE_BUTTONS = [
    {"title": "Chỉ nhà tôi", "payload": "chỉ nhà tôi mất điện"},
    {"title": "Hàng xóm cũng mất", "payload": "cả xóm cũng mất điện"},
]
BREAKER_QUESTION = (
    "Dạ, anh/chị kiểm tra giúp em cầu dao (CB/aptomat) trong nhà: nếu cầu dao bị nhảy thì gạt lên lại. "
    "Nếu thấy ẩm ướt, có mùi khét hay tia lửa thì đừng chạm vào nha. "
    "Sau khi kiểm tra, nhà mình có điện lại chưa ạ?"
)
BREAKER_BUTTONS = [
    {"title": "Có điện lại rồi", "payload": "có điện lại rồi"},
    {"title": "Vẫn mất điện", "payload": "vẫn mất điện"},
]
SINCE_QUESTION = 'Dạ, nhà mình mất điện từ lúc nào ạ? (ví dụ: "từ 7h sáng", "khoảng 30 phút trước")'
SINCE_AGAIN = (
    'Dạ, anh/chị nhớ khoảng mấy giờ bắt đầu mất điện không ạ? Ví dụ "từ 2 giờ chiều", "khoảng 30 phút '
    'trước"; không nhớ thì nhắn "không nhớ", em vẫn tạo phiếu nha.'
)
SINCE_BUTTONS = [
    {"title": "Vừa mới mất", "payload": "vừa mới mất điện"},
    {"title": "Từ sáng nay", "payload": "từ sáng nay"},
    {"title": "Từ tối qua", "payload": "từ tối qua"},
]
REPORT_BUTTON = {"title": "Báo mất điện", "payload": "/report_outage"}
RESTORE_BUTTON = {"title": "Khi nào có điện lại?", "payload": "/ask_restore_time"}


def answer_not_understood(question: str) -> str:
    return f"Dạ, em chưa hiểu ý anh/chị ạ. {question.removeprefix('Dạ, ')}"


def suspended_reply(code: str, suspended_at: datetime | None, verified: bool = False) -> str:
    """The customer's own supply is suspended. The reason (unpaid bills) and the date are
    account data: said outright only to a requester verified for the code."""
    restore = (
        "Sau khi thanh toán (qua ngân hàng, ví điện tử MoMo/ZaloPay/VNPay…, điểm thu hộ hoặc quầy "
        "giao dịch), "
        "Điện lực sẽ đóng điện lại cho nhà mình, thường trong ngày."
    )
    if verified:
        since = f" từ {format_date(suspended_at.astimezone(clock.VN_TZ).date())}" if suspended_at else ""
        return (
            f"Dạ, em kiểm tra thấy điện của mã khách hàng {code} đang tạm ngừng cung cấp{since} do tiền điện "
            f'chưa được thanh toán, nên nhà mình không có điện ạ. {restore} Anh/chị nhắn "tiền điện còn nợ" '
            f"để em xem số tiền cần thanh toán, hoặc gọi Tổng đài {hotlines()} nha."
        )
    return (
        f"Dạ, em kiểm tra thấy điện của mã khách hàng {code} đang được tạm ngừng cung cấp theo quy định "
        "(không phải do sự cố hay lịch cúp điện) ạ. Trường hợp này thường do tiền điện chưa được thanh toán "
        f'sau hai lần thông báo. {restore} Anh/chị nhắn "tiền điện còn nợ" để em xác thực và xem số tiền '
        f"cần thanh toán, hoặc gọi Tổng đài {hotlines()} nha."
    )


def planned_reply(planned: PlannedInfo, now: datetime | None = None) -> str:
    return (
        f"Dạ, khu vực của anh/chị đang trong lịch ngừng cung cấp điện có kế hoạch ({planned.reason}), "
        f"{time_span(planned.starts_at, planned.ends_at)} ngày {format_date(planned.starts_at.date())}. "
        f"Điện dự kiến có lại lúc {moment_text(planned.ends_at, now)}, có thể sớm hơn nếu công "
        "việc xong sớm ạ. "
        "Nếu quá giờ này mà vẫn chưa có điện, anh/chị báo lại em nha."
    )


def expected_text(incident: IncidentInfo, now: datetime | None) -> str:
    now = now or clock.now()
    expected = incident.expected_restoration_at
    if expected is None:
        return (
            'Hiện Điện lực chưa có giờ có điện lại dự kiến; anh/chị nhắn "khi nào có điện" để em xem '
            "cập nhật mới nhất nha."
        )
    if expected <= now:
        return (
            f"Giờ có điện lại dự kiến ban đầu là {moment_text(expected, now)} nhưng sự cố chưa "
            "khắc phục xong; "
            "Điện lực đang khẩn trương xử lý, mong anh/chị thông cảm ạ."
        )
    return f"Thời gian có điện lại dự kiến: {moment_text(expected, now)}."


def incident_known_text(incident: IncidentInfo) -> str:
    if incident.from_reports:
        return (
            "Dạ, Điện lực đã ghi nhận mất điện ở khu vực của anh/chị (nhiều khách hàng cùng báo, "
            f"mã sự cố {incident.code}) và đang cử người kiểm tra."
        )
    cause = f", nguyên nhân: {incident.cause}" if incident.cause else ""
    return (
        f"Dạ, Điện lực đã biết sự cố mất điện ở khu vực của anh/chị (mã sự cố {incident.code}{cause}) "
        "và đang khắc phục."
    )


def report_reply(
    result: ReportResult,
    customer_code: str | None = None,
    now: datetime | None = None,
    verified: bool = False,
) -> str:
    assessment = result.assessment
    if result.outcome == Outcome.SUSPENDED:
        return suspended_reply(customer_code or "", assessment.suspended_at, verified)
    if result.outcome == Outcome.PLANNED and assessment.planned is not None:
        return planned_reply(assessment.planned, now)
    if result.outcome in (Outcome.INCIDENT, Outcome.GROUPED) and result.incident is not None:
        if result.already_linked:
            linked = (
                "Em đã ghi nhận báo mất điện của anh/chị vào sự cố này từ trước rồi, "
                "anh/chị không cần báo lại ạ."
            )
        else:
            linked = "Em đã ghi nhận báo mất điện của anh/chị vào sự cố này, anh/chị không cần báo lại nha."
        return f"{incident_known_text(result.incident)} {expected_text(result.incident, now)} {linked}"
    if result.outcome == Outcome.REPORTED and result.ticket is not None:
        return (
            f"Dạ, anh/chị đã báo mất điện lúc {moment_text(result.ticket.created_at, now)}, số phiếu "
            f"{result.ticket.number}, và phiếu đang được xử lý ạ. Em không tạo phiếu mới để "
            "anh/chị khỏi phải "
            f"báo nhiều lần. Anh/chị cần gấp thì gọi Tổng đài {hotlines()} và đọc số phiếu này nha."
        )
    if result.outcome == Outcome.BREAKER_OK:
        return (
            "Dạ, tốt quá! Vậy là do cầu dao trong nhà bị nhảy ạ. Nếu cầu dao nhảy lại nhiều lần, anh/chị nên "
            "bớt dùng cùng lúc các thiết bị công suất lớn (máy lạnh, bếp điện, máy nước nóng…) và "
            "nhờ thợ điện "
            "kiểm tra đường dây trong nhà nha."
        )
    if result.outcome == Outcome.TICKET and result.ticket is not None:
        return ticket_opened_reply(result.ticket)
    return database_unavailable()


def ticket_opened_reply(ticket: TicketInfo) -> str:
    return (
        f"Dạ, em đã tạo phiếu báo mất điện số {ticket.number} và chuyển ngay cho Điện lực khu vực "
        "để cử người "
        'kiểm tra ạ. Anh/chị lưu lại số phiếu này để hỏi tiến độ (nhắn "khi nào có điện" cho em, hoặc gọi '
        f"Tổng đài {hotlines()} và đọc số phiếu) nha."
    )
