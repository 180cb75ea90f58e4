"""Greetings, thanks, goodbyes, contact, the apology when a service is down, menus."""

from __future__ import annotations

from datetime import datetime

from bot.config import load_settings

OTHER_HOTLINE = "19009000"


def hotline() -> str:
    return load_settings().hotline


def hotlines() -> str:
    """``"19001006 hoặc 19009000"``: the configured hotline and the corporation's other one."""
    primary = hotline()
    other = OTHER_HOTLINE if primary != OTHER_HOTLINE else "19001006"
    return f"{primary} hoặc {other}"


def unavailable() -> str:
    """The one apology when the database (or a service) cannot be reached."""
    return (
        "Dạ, em xin lỗi, hệ thống tra cứu đang tạm gián đoạn nên em chưa lấy được thông tin cho "
        f"anh/chị. Anh/chị thử lại sau ít phút hoặc gọi Tổng đài {hotlines()}, phục vụ 24/7 nha."
    )


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


def alerts_not_available() -> str:
    return (
        "Dạ, hiện em chưa gửi được thông báo lịch cúp điện tự động qua kênh chat này. Anh/chị cứ nhắn "
        'em "lịch cúp điện" bất cứ lúc nào để xem lịch sắp tới của khu vực mình; lịch có kế hoạch luôn '
        "được Điện lực thông báo trước ít nhất 5 ngày ạ."
    )


def alerts_none_to_stop() -> str:
    return (
        "Dạ, hiện em không gửi thông báo tự động nào qua kênh chat này, nên anh/chị sẽ không nhận tin "
        "nhắn thông báo từ em ạ."
    )


def stopped() -> str:
    """After "thôi", "hủy", "khỏi": whatever was asked is dropped."""
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
