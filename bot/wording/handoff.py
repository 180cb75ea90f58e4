"""What the customer reads about a handoff: their place and wait, a callback offer, the
callback arranged, the bot coming back, the rating. Renders the results of
:mod:`bot.services.handoff`; the hotline comes from configuration."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from bot.domain.formatting import format_date
from bot.services.handoff import (
    ActiveHandoff,
    CallbackReason,
    CallbackRecorded,
    ClosingNotice,
    HandoffOpened,
    HandoffStatus,
)
from bot.wording.common import hotlines

RATING_BUTTONS = [{"title": f"{n} ⭐", "payload": str(n)} for n in range(5, 0, -1)]


def _minutes(wait: timedelta | None) -> str:
    minutes = max(1, math.ceil((wait or timedelta(minutes=1)).total_seconds() / 60))
    if minutes < 60:
        return f"khoảng {minutes} phút"
    hours, rest = divmod(minutes, 60)
    return f"khoảng {hours} giờ" + (f" {rest} phút" if rest else "")


def _moment(moment: datetime) -> str:
    return f"{moment:%H:%M} ngày {format_date(moment.date())}"


def _window(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"từ {start:%H:%M} đến {end:%H:%M} ngày {format_date(start.date())}"
    return f"từ {_moment(start)} đến {_moment(end)}"


def _place(position: int | None, wait: timedelta | None) -> str:
    if position == 1:
        return f"Anh/chị là người tiếp theo, thời gian chờ dự kiến {_minutes(wait)}."
    return f"Anh/chị đang ở vị trí số {position}, thời gian chờ dự kiến {_minutes(wait)}."


RULE_LEAD = "Dạ, yêu cầu này được tư vấn viên hỗ trợ trực tiếp ạ."


def queued_text(opened: HandoffOpened) -> str:
    """Placed in the queue (or already there)."""
    if opened.already_open:
        return (
            "Dạ yêu cầu gặp tư vấn viên của anh/chị vẫn đang được xử lý. "
            f"{_place(opened.position, opened.estimated_wait)}"
        )
    if opened.urgent:
        return (
            "Dạ em đã báo ngay cho tư vấn viên trực, kèm nội dung anh/chị vừa trao đổi, để xử lý gấp. "
            f"{_place(opened.position, opened.estimated_wait)}\n\n"
            "Trong lúc chờ, anh/chị và mọi người tránh xa chỗ nguy hiểm, không chạm vào dây điện hay "
            f"thiết bị. Nếu khẩn cấp, anh/chị gọi ngay Tổng đài {hotlines()} (24/7)."
        )
    return (
        "Dạ em đã chuyển cuộc trò chuyện cho tư vấn viên, kèm nội dung anh/chị đã trao đổi nên "
        f"anh/chị không cần nhắc lại ạ. {_place(opened.position, opened.estimated_wait)}\n\n"
        "Trong lúc chờ anh/chị cứ nhắn thêm, tư vấn viên sẽ đọc được. "
        'Nếu không muốn chờ nữa, anh/chị nhắn "hủy" nha.'
    )


def callback_offer_text(opened: HandoffOpened) -> str:
    """Why nobody can chat now, what we offer instead, and the hotline."""
    hotline = hotlines()
    if opened.callback is not None:
        return (
            "Dạ anh/chị đã có lịch hẹn tư vấn viên gọi lại "
            f"{_window(opened.callback.window_start, opened.callback.window_end)} "
            f"(số đuôi {opened.callback.phone_tail}). Nếu cần gấp, anh/chị gọi Tổng đài {hotline} (24/7) nha."
        )
    reason = opened.callback_reason
    if reason is CallbackReason.OUT_OF_HOURS:
        when = f", từ {_moment(opened.opens_at)}" if opened.opens_at else ""
        why = f"Dạ hiện đã ngoài giờ làm việc của tư vấn viên qua kênh chat ({opened.hours})."
        offer = f"Em ghi nhận để tư vấn viên gọi lại cho anh/chị trong giờ làm việc{when} nha."
    elif reason is CallbackReason.LONG_WAIT:
        why = "Dạ hiện có nhiều khách hàng đang chờ tư vấn viên nên anh/chị sẽ phải chờ khá lâu."
        offer = "Để anh/chị không phải chờ, em ghi nhận để tư vấn viên gọi lại cho anh/chị nha."
    elif reason is CallbackReason.CHANNEL:
        why = "Dạ kênh này chưa nhận được tin nhắn trực tiếp từ tư vấn viên."
        offer = "Em ghi nhận để tư vấn viên gọi điện lại cho anh/chị nha."
    else:
        why = "Dạ hiện các tư vấn viên đều đang bận."
        offer = "Em ghi nhận để tư vấn viên gọi lại cho anh/chị ngay khi có người rảnh nha."
    return f"{why} {offer}\n\nNếu cần gấp, anh/chị gọi Tổng đài {hotline} (miễn phí, 24/7)."


def ask_phone_text(registered_tail: str | None) -> str:
    if registered_tail:
        return (
            f"Dạ, tư vấn viên gọi số điện thoại đã đăng ký (đuôi {registered_tail}) được không ạ? "
            'Anh/chị nhắn "được", hoặc cho em số khác.'
        )
    return "Anh/chị cho em xin số điện thoại để tư vấn viên gọi lại nha."


PHONE_FORMAT_TEXT = "Dạ số điện thoại gồm 10 số, ví dụ 0908 111 321, anh/chị nhắn lại giúp em nha."


def ask_window_text(phone_shown: str, hours: str) -> str:
    return (
        f"Dạ em ghi {phone_shown}. Anh/chị muốn tư vấn viên gọi lại lúc nào ạ? "
        f'Ví dụ "sáng mai", "14h-16h chiều mai" (giờ làm việc: {hours}).'
    )


def callback_recorded_text(recorded: CallbackRecorded, moved: bool) -> str:
    note = " (em đã dời vào giờ làm việc)" if moved else ""
    return (
        f"Dạ em đã ghi nhận: tư vấn viên sẽ gọi {recorded.phone_display} "
        f"{_window(recorded.window_start, recorded.window_end)}{note}. "
        f"Nếu cần gấp, anh/chị gọi Tổng đài {hotlines()} (24/7) nha."
    )


CANCELLED_TEXT = "Dạ em đã hủy yêu cầu gặp tư vấn viên. Anh/chị cần em hỗ trợ gì cứ nhắn em nha."


def closing_text(notice: ClosingNotice) -> str:
    if notice.status is HandoffStatus.CANCELLED:
        return CANCELLED_TEXT
    who = f"Tư vấn viên {notice.agent_name}" if notice.agent_name else "Tư vấn viên"
    text = f"Dạ {who} đã kết thúc cuộc trò chuyện. Em là trợ lý ảo, em tiếp tục hỗ trợ anh/chị ạ."
    if notice.ask_rating:
        text += (
            "\n\nAnh/chị chấm giúp em mức độ hài lòng với tư vấn viên, "
            "từ 1 (chưa hài lòng) đến 5 (rất hài lòng) nha."
        )
    return text


def rating_text(score: int) -> str:
    if score <= 2:
        return (
            f"Dạ em ghi nhận đánh giá {score}/5 và thành thật xin lỗi vì anh/chị chưa hài lòng. "
            f"Nếu cần hỗ trợ thêm, anh/chị cứ nhắn em hoặc gọi Tổng đài {hotlines()} nha."
        )
    return f"Dạ em cảm ơn anh/chị đã đánh giá {score}/5 ạ. Anh/chị cần gì thêm cứ nhắn em nha."


NO_RATING_TEXT = "Dạ vâng ạ. Anh/chị cần em hỗ trợ gì thêm cứ nhắn em nha."


def still_waiting_text(active: ActiveHandoff) -> str:
    if active.status is HandoffStatus.ACTIVE:
        return f"Dạ tư vấn viên {active.agent_name or ''} đang hỗ trợ anh/chị ạ.".replace("  ", " ")
    return f"Dạ anh/chị đang ở vị trí số {active.position} trong hàng chờ tư vấn viên ạ."
