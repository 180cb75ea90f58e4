"""What every topic's wording shares: the hotline, the one apology when the data is
unavailable, and times as customers read them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from bot import clock
from bot.config import load_settings
from bot.domain.formatting import format_date

TIME_DASH = "–"
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def hotlines() -> str:
    """``"19001006 hoặc 19009000"``: the configured hotline (HOTLINE), and the second
    one (HOTLINE_ALT) when there is one."""
    settings = load_settings()
    other = settings.hotline_alt if settings.hotline_alt != settings.hotline else ""
    return f"{settings.hotline} hoặc {other}" if other else settings.hotline


def utility_name() -> str:
    """``"Điện lực miền Nam"`` (UTILITY_NAME)."""
    return load_settings().utility_name


def office_name() -> str:
    """``"phòng giao dịch Điện lực"`` (OFFICE_NAME): where customers go in person."""
    return load_settings().office_name


def database_unavailable() -> str:
    """The one apology for data that cannot be reached (database down or locked)."""
    return (
        "Dạ, em xin lỗi, hệ thống tra cứu của Điện lực đang tạm gián đoạn nên em chưa kiểm tra được. "
        f"Anh/chị vui lòng thử lại sau ít phút hoặc gọi Tổng đài {hotlines()} (24/7) để được hỗ trợ ngay nha."
    )


def stopped() -> str:
    return "Dạ vâng ạ. Khi cần, anh/chị nhắn em bất cứ lúc nào nha."


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


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def inform_payload(entity: str, value: str) -> str:
    """A quick-reply payload that sets an entity without going through the NLU."""
    return "/inform" + json.dumps({entity: value}, ensure_ascii=False)
