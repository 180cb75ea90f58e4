"""What every topic's wording shares: the hotline, the one apology when the data is
unavailable, times as customers read them; and the conversation's own sentences
(greetings that fit the time of day, endings, the fallback, menus)."""

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


def hotline() -> str:
    """The configured hotline alone (HOTLINE)."""
    return load_settings().hotline


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


# ------------------------------------------------------------------ time of day


def part_of_day(moment: datetime) -> str:
    """morning 04–10, noon 11–12, afternoon 13–17, evening 18–21, night 22–03."""
    hour = moment.hour
    if 4 <= hour < 11:
        return "morning"
    if 11 <= hour < 13:
        return "noon"
    if 13 <= hour < 18:
        return "afternoon"
    if 18 <= hour < 22:
        return "evening"
    return "night"


_GREETING_WISH = {
    "morning": " Chúc anh/chị buổi sáng vui vẻ.",
    "noon": " Chúc anh/chị buổi trưa vui vẻ.",
    "afternoon": " Chúc anh/chị buổi chiều vui vẻ.",
    "evening": " Chúc anh/chị buổi tối vui vẻ.",
    "night": "",
}
_GOODBYE_WISH = {
    "morning": "Chúc anh/chị một ngày tốt lành nha!",
    "noon": "Chúc anh/chị một ngày tốt lành nha!",
    "afternoon": "Chúc anh/chị buổi chiều vui vẻ nha!",
    "evening": "Chúc anh/chị buổi tối vui vẻ nha!",
    "night": "Chúc anh/chị ngủ ngon nha!",
}

CAPABILITIES = (
    "Em có thể giúp anh/chị xem hóa đơn và tiền điện, giải thích vì sao hóa đơn tăng, tra chỉ số "
    "công tơ và ngày ghi chỉ số, tra lịch cúp điện, báo mất điện và hỏi giờ có điện lại."
)


def greeting(moment: datetime, short: bool = False) -> str:
    """A greeting that fits the time of day; ``short`` when a question follows."""
    wish = _GREETING_WISH[part_of_day(moment)]
    if short:
        return "Dạ, em chào anh/chị!"
    return (
        f"Dạ, em chào anh/chị!{wish} Em là trợ lý ảo chăm sóc khách hàng của Tổng công ty Điện lực "
        f"miền Nam. {CAPABILITIES} Anh/chị cần em hỗ trợ gì ạ?"
    )


def goodbye(moment: datetime) -> str:
    return f"Dạ, em cảm ơn anh/chị đã liên hệ. {_GOODBYE_WISH[part_of_day(moment)]}"


def thanks() -> str:
    return "Dạ, không có gì ạ. Anh/chị cần gì thêm cứ nhắn em nha!"


def bot_challenge() -> str:
    return (
        "Dạ, em là trợ lý ảo của Điện lực miền Nam, không phải người thật ạ. Khi cần, em chuyển "
        "anh/chị sang tư vấn viên."
    )


def contact() -> str:
    return (
        f"Dạ, anh/chị gọi Tổng đài chăm sóc khách hàng {hotlines()}, miễn phí cước và phục vụ 24/7, "
        "hoặc đến phòng giao dịch của Điện lực nơi mình ở ạ."
    )


def human_by_phone() -> str:
    """Until the chat handoff to an agent exists: the hotline."""
    return (
        "Dạ, hiện em chưa chuyển được cuộc trò chuyện sang tư vấn viên qua kênh chat. Anh/chị gọi "
        f"Tổng đài {hotlines()}, miễn phí và 24/7, để gặp tư vấn viên ngay nha."
    )


def stopped_here() -> str:
    """After "thôi", "hủy", "khỏi": whatever was asked is dropped (never "Dạ vâng ạ",
    which reads as a yes to a question)."""
    return "Dạ, em dừng ở đây nha. Khi cần, anh/chị nhắn em bất cứ lúc nào ạ."


def what_else() -> str:
    return "Dạ, anh/chị cần em hỗ trợ gì thêm ạ? Anh/chị chọn bên dưới hoặc nhắn cho em nha."


def how_can_i_help() -> str:
    return "Dạ, anh/chị cần em hỗ trợ gì ạ? Anh/chị chọn bên dưới hoặc nhắn cho em nha."


def fine_then() -> str:
    return "Dạ, vậy khi cần gì thêm anh/chị cứ nhắn em nha."


def which_detail() -> str:
    return "Dạ, anh/chị muốn em nói rõ hơn về việc nào ạ?"


def unexplained_digits() -> str:
    return (
        "Dạ, em chưa rõ dãy số này dùng cho việc gì ạ. Anh/chị nhắn giúp em việc cần làm, ví dụ "
        '"xem hóa đơn" hay "lịch cúp điện", em hỗ trợ ngay nha.'
    )


# ---------------------------------------------------------------- misunderstanding

LABELS = {
    "ask_bill": "Xem hóa đơn tiền điện",
    "ask_bill_high": "Vì sao tiền điện cao",
    "ask_debt": "Kiểm tra nợ tiền điện",
    "ask_payment_methods": "Cách thanh toán",
    "ask_tariff": "Giá điện bậc thang",
    "ask_meter_reading": "Chỉ số công tơ",
    "ask_reading_date": "Ngày ghi chỉ số",
    "ask_bill_detail": "Chi tiết hóa đơn",
    "request_recheck": "Yêu cầu phúc tra",
    "request_service": "Thủ tục lắp điện, sang tên...",
    "ask_outage_schedule": "Lịch cúp điện",
    "report_outage": "Báo mất điện",
    "ask_restore_time": "Khi nào có điện lại",
    "report_hazard": "Báo sự cố nguy hiểm",
    "subscribe_alerts": "Nhận thông báo cúp điện",
    "ask_contact": "Số tổng đài",
    "request_human": "Gặp tư vấn viên",
    "ask_supply_status": "Nhà có bị cắt điện không",
}
MENU = ("ask_bill", "ask_debt", "ask_outage_schedule", "report_outage", "request_service", "ask_contact")


def clarify_one(label: str) -> str:
    return (
        f"Dạ, có phải anh/chị muốn hỏi về {label.lower()} không ạ? Nếu không phải, anh/chị nói rõ "
        "hơn giúp em nha."
    )


def clarify_many() -> str:
    return (
        "Dạ, em chưa hiểu rõ ý anh/chị. Anh/chị muốn hỏi việc nào dưới đây ạ? Nếu không phải, "
        "anh/chị nói rõ hơn giúp em nha."
    )


def out_of_scope() -> str:
    return "Dạ, việc này em chưa hỗ trợ được ạ. Em giúp được anh/chị những việc dưới đây:"


def pick_from_menu() -> str:
    return "Dạ, anh/chị bấm chọn một mục bên dưới hoặc nhắn cụ thể việc cần hỗ trợ giúp em nha."


def still_not_understood() -> str:
    """The second misunderstanding in a row: a person helps (the hotline until the chat
    handoff exists)."""
    return (
        "Dạ, em xin lỗi vì chưa hiểu được ý anh/chị. Anh/chị gọi Tổng đài "
        f"{hotlines()}, phục vụ 24/7, để tư vấn viên hỗ trợ trực tiếp nha."
    )


def not_understood_again(question: str) -> str:
    rest = question.removeprefix("Dạ, ")
    return f"Dạ, em chưa hiểu ý anh/chị ạ. {rest[:1].upper()}{rest[1:]}"


def hotline_hint() -> str:
    return f"Cần hỗ trợ trực tiếp, anh/chị gọi Tổng đài {hotlines()} nha."


def without_nested_brackets(text: str) -> str:
    """Brackets inside brackets (a data value such as an incident cause written with its
    own brackets, inside a template's) become commas: "(mã X, nguyên nhân: sự cố (cây
    ngã))" -> "(mã X, nguyên nhân: sự cố, cây ngã)"."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > 1:
                while out and out[-1] == " ":
                    out.pop()
                out.append(", ")
                continue
        elif char == ")" and depth > 0:
            depth -= 1
            if depth >= 1:
                continue
        out.append(char)
    return "".join(out)
