"""What the customer reads in the outage conversations, in polite southern Vietnamese.

Plain functions from service results to text (and quick-reply buttons as
``{"title", "payload"}`` dicts), so every wording is tested without Rasa. Dates
``dd/mm/yyyy``, times ``07:30–16:00``. Never a customer's name or phone: customers are
named by their code only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from bot import clock
from bot.config import load_settings
from bot.domain import places
from bot.services.formatting import format_date
from bot.services.outage import Schedule, weekday_name
from bot.services.outage_reports import IncidentInfo, Outcome, PlannedInfo, ReportResult, TicketInfo
from bot.services.restore import RestoreStatus, Status

Button = dict[str, str]

OTHER_HOTLINE = "19009000"
MAX_SCHEDULE_ITEMS = 8
MAX_PLACE_BUTTONS = 8
MAX_GROUP_BUTTONS = 13  # Messenger shows at most 13 quick replies
TIME_DASH = "–"


# ---------------------------------------------------------------------- basics


def hotlines() -> str:
    """``"19001006 hoặc 19009000"`` (the first is configurable: HOTLINE)."""
    primary = load_settings().hotline
    other = OTHER_HOTLINE if primary != OTHER_HOTLINE else "19001006"
    return f"{primary} hoặc {other}"


def database_unavailable() -> str:
    return (
        "Dạ, em xin lỗi, hệ thống tra cứu của Điện lực đang tạm gián đoạn nên em chưa kiểm tra được. "
        f"Anh/chị vui lòng thử lại sau ít phút hoặc gọi Tổng đài {hotlines()} (24/7) để được hỗ trợ ngay nha."
    )


def hhmm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def moment_text(moment: datetime, now: datetime | None = None) -> str:
    """``"10:25 hôm nay (27/11/2026)"``, ``"16:00 ngày mai (28/11/2026)"``, ``"07:30 ngày 03/12/2026"``."""
    now = now or clock.now()
    moment = moment.astimezone(clock.VN_TZ)
    day = moment.date()
    named = {
        now.date(): "hôm nay",
        now.date() + timedelta(days=1): "ngày mai",
        now.date() - timedelta(days=1): "hôm qua",
    }.get(day)
    if named:
        return f"{hhmm(moment)} {named} ({format_date(day)})"
    return f"{hhmm(moment)} ngày {format_date(day)}"


def time_span(start: datetime, end: datetime) -> str:
    """``"07:30–16:00"`` on one day, ``"22:00 03/12/2026 – 05:00 04/12/2026"`` across days."""
    start, end = start.astimezone(clock.VN_TZ), end.astimezone(clock.VN_TZ)
    if start.date() == end.date():
        return f"{hhmm(start)}{TIME_DASH}{hhmm(end)}"
    return f"{hhmm(start)} {format_date(start.date())} {TIME_DASH} {hhmm(end)} {format_date(end.date())}"


def _day_title(day: date) -> str:
    name = weekday_name(day)
    return f"{name[0].upper()}{name[1:]}, {format_date(day)}"


def inform_payload(entity: str, value: str) -> str:
    """A quick-reply payload that sets an entity without going through the NLU."""
    return "/inform" + json.dumps({entity: value}, ensure_ascii=False)


# --------------------------------------------------------------- asking for a place


ASK_LOCATION = {
    "schedule": (
        "Dạ, để tra lịch cúp điện, anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001, "
        "in trên hóa đơn tiền điện) hoặc tên phường/xã và tỉnh/thành phố nơi mình ở nha."
    ),
    "report": (
        "Dạ, em rất tiếc vì nhà mình đang bị mất điện. Anh/chị cho em xin mã khách hàng (13 ký tự, "
        "ví dụ PB05010000001, in trên hóa đơn tiền điện) hoặc địa chỉ phường/xã và tỉnh/thành phố "
        "để em kiểm tra ngay nha."
    ),
    "restore": (
        "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001), số phiếu báo mất điện "
        "(ví dụ SC2611270001) hoặc tên phường/xã và tỉnh/thành phố để em kiểm tra giờ có điện lại nha."
    ),
}


def ask_location(flow: str) -> str:
    return ASK_LOCATION.get(flow, ASK_LOCATION["schedule"])


def no_code_ask_place() -> str:
    return (
        "Dạ không sao ạ. Anh/chị cho em xin tên phường/xã và tỉnh/thành phố nơi mình ở "
        '(tên cũ hay tên mới đều được, ví dụ "phường An Khánh, Ninh Kiều, Cần Thơ") nha.'
    )


def location_not_understood() -> str:
    return (
        "Dạ, em chưa nhận ra mã khách hàng hay địa chỉ trong tin nhắn này ạ. Mã khách hàng gồm 13 ký tự "
        "(ví dụ PB05010000001); địa chỉ thì anh/chị ghi phường/xã và tỉnh/thành phố, ví dụ "
        '"phường 5, Cà Mau" nha.'
    )


def place_not_found(query: str) -> str:
    shown = query if len(query) <= 60 else query[:57] + "..."
    return (
        f'Dạ, em chưa tìm thấy địa danh "{shown}" trong khu vực Điện lực miền Nam phục vụ ạ. '
        "Anh/chị ghi giúp em tên phường/xã kèm tỉnh/thành phố (tên cũ hay tên mới đều được), "
        "hoặc cho em xin mã khách hàng nha."
    )


def place_ambiguous(query: str, areas: tuple[places.Area, ...]) -> tuple[str, list[Button]]:
    """Ask which one, with one button per candidate (or per province for a long list)."""
    if len(areas) <= MAX_PLACE_BUTTONS:
        buttons = [{"title": a.title or a.label, "payload": inform_payload("area", a.path)} for a in areas]
        return f'Dạ, "{query}" có ở nhiều nơi ạ. Anh/chị ở nơi nào dưới đây?', buttons
    groups = places.groups(areas)
    if len(groups) <= MAX_GROUP_BUTTONS:
        buttons = [
            {"title": title, "payload": inform_payload("area", f"{query}, {path}")} for title, path in groups
        ]
        return (
            f'Dạ, "{query}" có ở nhiều nơi ({len(areas)} nơi) ạ. Anh/chị ở tỉnh/thành phố nào '
            '(theo tên cũ)? Anh/chị cũng có thể ghi thêm quận/huyện, ví dụ "phường 1, TP Tây Ninh".',
            buttons,
        )
    return (
        f'Dạ, "{query}" có ở nhiều nơi ({len(areas)} nơi) ạ. Anh/chị ghi thêm quận/huyện hoặc '
        'tỉnh/thành phố giúp em nha, ví dụ "phường 1, TP Tây Ninh".',
        [],
    )


def place_too_broad(area: places.Area) -> tuple[str, list[Button]]:
    """A report needs one ward: ask which ward of a district or province."""
    text = (
        f"Dạ, {area.label} gồm nhiều phường/xã ạ. Để kiểm tra đúng chỗ mất điện, anh/chị cho em xin "
        "tên phường/xã (hoặc mã khách hàng) nha."
    )
    if len(area.wards) <= MAX_PLACE_BUTTONS:
        buttons = [
            {"title": " ".join(w.split()), "payload": inform_payload("area", f"{w}, {area.province}")}
            for w in area.wards
        ]
        return text, buttons
    return text, []


# ------------------------------------------------------------------------ schedules


def schedule_reply(schedule: Schedule) -> str:
    dates = schedule.range.describe()
    if not schedule.items:
        return (
            f"Dạ, {dates}, {schedule.where} không có lịch ngừng cung cấp điện nào ạ. "
            "Nếu có lịch mới, Điện lực sẽ thông báo trước ít nhất 5 ngày nha."
        )
    lines = [f"Dạ, lịch ngừng cung cấp điện {dates} của {schedule.where}:"]
    for number, item in enumerate(schedule.items[:MAX_SCHEDULE_ITEMS], start=1):
        start = item.starts_at.astimezone(clock.VN_TZ)
        end = item.ends_at.astimezone(clock.VN_TZ)
        when = f"{_day_title(start.date())}: {time_span(start, end)}"
        if start.date() != end.date():
            when = time_span(start, end)
        if item.under_way:
            when += " (đang diễn ra)"
        lines.append(f"{number}. {when}")
        if item.area:
            lines.append(f"   • Khu vực: {item.area}")
        lines.append(f"   • Lý do: {item.reason}")
    hidden = len(schedule.items) - MAX_SCHEDULE_ITEMS
    if hidden > 0:
        lines.append(
            f"… và {hidden} lịch khác. Anh/chị cho em xin tên phường/xã hoặc mã khách hàng để em "
            "lọc đúng khu vực nha."
        )
    lines.append("Thời gian có điện lại có thể sớm hơn dự kiến. Anh/chị sắp xếp công việc giúp em nha.")
    return "\n".join(lines)


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


def _expected(incident: IncidentInfo, now: datetime | None) -> str:
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


def _incident_known(incident: IncidentInfo) -> str:
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
        return f"{_incident_known(result.incident)} {_expected(result.incident, now)} {linked}"
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


# --------------------------------------------------------------------------- restore


_TICKET_STATES = {
    "open": "đã tiếp nhận",
    "in_progress": "đang xử lý",
    "resolved": "đã xử lý xong",
    "closed": "đã đóng",
}


def restore_reply(
    status: RestoreStatus,
    customer_code: str | None = None,
    ticket_number: str | None = None,
    now: datetime | None = None,
    verified: bool = False,
) -> str:
    now = now or clock.now()
    where = status.where or "khu vực của anh/chị"
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
            f"{_incident_known(status.incident).replace('khu vực của anh/chị', where)}{ticket} "
            f"{_expected(status.incident, now)}"
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
            f"Dạ, em không tìm thấy phiếu số {ticket_number or ''}. Anh/chị kiểm tra lại số phiếu "
            "(SC và 10 chữ số, "
            "ví dụ SC2611270001) hoặc cho em xin mã khách hàng nha."
        ).replace("phiếu số .", "phiếu này.")
    return (
        f"Dạ, hiện em chưa thấy sự cố hay lịch cúp điện nào ở {where} ạ. Nếu nhà mình đang mất điện, "
        'anh/chị bấm "Báo mất điện" để em ghi nhận và tạo phiếu nha.'
    )


# ---------------------------------------------------------------------------- hazard


HAZARD_PLACE_QUESTION = (
    "Dạ, anh/chị nhắn giúp em địa chỉ chỗ nguy hiểm (số nhà, tên đường, phường/xã, tỉnh) để đội xử lý "
    "tìm đến nhanh nhất nha."
)


def hazard_ticket_reply(number: str, added: bool) -> str:
    if added:
        return f"Dạ, em đã bổ sung thông tin vào phiếu KHẨN số {number} ạ."
    return (
        f"Dạ, em đã tạo phiếu KHẨN số {number} và chuyển ngay lên đầu hàng chờ của Điện lực để cử "
        "người xử lý. "
        f"Trong lúc chờ, anh/chị gọi Tổng đài {hotlines()} (24/7) để được hỗ trợ trực tiếp nha."
    )


def hazard_place_added(number: str) -> str:
    return (
        f"Dạ, em đã bổ sung địa chỉ vào phiếu KHẨN số {number}. Anh/chị nhớ tránh xa chỗ nguy hiểm và gọi "
        f"Tổng đài {hotlines()} nếu tình hình nguy hiểm hơn nha."
    )


def hazard_place_skipped() -> str:
    return f"Dạ vâng ạ. Anh/chị nhớ tránh xa chỗ nguy hiểm và gọi Tổng đài {hotlines()} nha."


def hazard_ticket_failed() -> str:
    return (
        "Dạ, hệ thống tạo phiếu đang gián đoạn, anh/chị gọi ngay Tổng đài "
        f"{hotlines()} (24/7) để báo sự cố khẩn này nha."
    )


def stopped() -> str:
    return "Dạ vâng ạ. Khi cần, anh/chị nhắn em bất cứ lúc nào nha."
