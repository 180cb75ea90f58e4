"""Outage schedules and the "customer code or place" questions, as the customer reads them.

Plain functions from service results (:mod:`bot.services.outage`, the places lookup) to
text and quick-reply buttons (``{"title", "payload"}`` dicts). Dates ``dd/mm/yyyy``,
times ``07:30–16:00``. Customers are named by their code only.
"""

from __future__ import annotations

from datetime import date

from bot import clock
from bot.domain import places
from bot.domain.formatting import format_date
from bot.services.outage import DateRange, RangeKind, Schedule
from bot.wording.common import inform_payload, time_span, utility_name, weekday_name

Button = dict[str, str]

MAX_SCHEDULE_ITEMS = 8
MAX_PLACE_BUTTONS = 8
MAX_GROUP_BUTTONS = 13  # Messenger shows at most 13 quick replies

_RELATIVE_DAYS = {0: "hôm nay", 1: "ngày mai", 2: "ngày mốt", -1: "hôm qua", -2: "hôm kia"}
_WEEKS = {0: "tuần này", 1: "tuần sau", -1: "tuần trước"}
_MONTHS = {0: "tháng này", 1: "tháng sau"}


def _day_title(day: date) -> str:
    name = weekday_name(day)
    return f"{name[0].upper()}{name[1:]}, {format_date(day)}"


# ---------------------------------------------------------------------- date ranges


def range_name(dates: DateRange) -> str:
    """How the range was asked: "7 ngày tới", "ngày mai", "tuần này", "thứ Bảy",
    "tháng 12/2026"; "" for plain dates."""
    month_label = f"tháng {dates.end.month:02d}/{dates.end.year}"
    if dates.kind is RangeKind.NEXT_DAYS:
        return f"{dates.offset} ngày tới"
    if dates.kind is RangeKind.RELATIVE_DAY:
        return _RELATIVE_DAYS.get(dates.offset, "")
    if dates.kind is RangeKind.WEEK:
        return _WEEKS.get(dates.offset, "")
    if dates.kind is RangeKind.WEEKDAY:
        return weekday_name(dates.start)
    if dates.kind is RangeKind.RELATIVE_MONTH:
        return _MONTHS.get(dates.offset, month_label)
    if dates.kind is RangeKind.MONTH:
        return month_label
    return ""


def describe_range(dates: DateRange) -> str:
    """``"7 ngày tới (27/11/2026–03/12/2026)"``, ``"ngày mai (28/11/2026)"``, ``"ngày 05/12/2026"``."""
    one_day = dates.start == dates.end
    span = format_date(dates.start) if one_day else f"{format_date(dates.start)}–{format_date(dates.end)}"
    name = range_name(dates)
    if not name:
        return f"ngày {span}" if one_day else f"từ {span.replace('–', ' đến ')}"
    return f"{name} ({span})"


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
        "(ví dụ SC-K7Q4-M2XP) hoặc tên phường/xã và tỉnh/thành phố để em kiểm tra giờ có điện lại nha."
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
        f'Dạ, em chưa tìm thấy địa danh "{shown}" trong khu vực {utility_name()} phục vụ ạ. '
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


def schedule_place(schedule: Schedule) -> str:
    """``"khu vực mã khách hàng PB11020000002"`` or the place's name."""
    if schedule.customer_code:
        return f"khu vực mã khách hàng {schedule.customer_code}"
    return schedule.area_label or "khu vực của anh/chị"


def schedule_reply(schedule: Schedule) -> str:
    dates = describe_range(schedule.range)
    where = schedule_place(schedule)
    if not schedule.items:
        return (
            f"Dạ, {dates}, {where} không có lịch ngừng cung cấp điện nào ạ. "
            "Nếu có lịch mới, Điện lực sẽ thông báo trước ít nhất 5 ngày nha."
        )
    lines = [f"Dạ, lịch ngừng cung cấp điện {dates} của {where}:"]
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
