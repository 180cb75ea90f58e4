"""Outage notices and the replies to subscribing, as customers read them.

Notices are formal ("Quý khách", DOMAIN.md); replies in the conversation speak to
"anh/chị". Dates ``dd/mm/yyyy``, times ``07:30–16:00``. A notice's text depends only
on the notice (no "today"/"tomorrow"): it reads the same whenever it is sent, and a
notice sent again after an interruption can be recognised by its text.
"""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.domain.formatting import format_date
from bot.domain.notices import NoticeKind
from bot.services.notice_delivery import ClaimedNotice
from bot.services.notices import (
    ChannelLimit,
    SubscribeStatus,
    SubscriptionResult,
    SubscriptionView,
    UnsubscribeStatus,
    UnsubscriptionResult,
)
from bot.services.outage import OutageItem
from bot.wording.common import hhmm, hotlines, time_span, utility_name, weekday_name
from bot.wording.customers import code_problem_text
from bot.wording.security import lock_text

Button = dict[str, str]

UNSUBSCRIBE_PAYLOAD = "/unsubscribe_alerts"
SUBSCRIBE_PAYLOAD = "/subscribe_alerts"


# --------------------------------------------------------------------------- pieces


def _local(moment: datetime) -> datetime:
    return moment.astimezone(clock.VN_TZ)


def when(starts_at: datetime, ends_at: datetime) -> str:
    """``"07:30–16:00, thứ Năm 03/12/2026"``; across midnight
    ``"22:00 03/12/2026 – 05:00 04/12/2026"``."""
    start, end = _local(starts_at), _local(ends_at)
    if start.date() == end.date():
        return f"{time_span(start, end)}, {weekday_name(start.date())} {format_date(start.date())}"
    return time_span(start, end)


def at(moment: datetime) -> str:
    """``"10:45 ngày 27/11/2026"``."""
    moment = _local(moment)
    return f"{hhmm(moment)} ngày {format_date(moment.date())}"


def _reason(reason: str | None) -> str:
    return (reason or "").strip().rstrip(".")


def _lowered(text: str) -> str:
    """First letter in lower case, for a reason inside a sentence ("Bảo trì" -> "bảo trì")."""
    return text[:1].lower() + text[1:]


def _footer(code: str) -> str:
    return (
        f"(Quý khách nhận tin này vì đã đăng ký nhận thông báo cúp điện cho mã khách hàng {code}. "
        'Nhắn "ngừng nhận thông báo" nếu không muốn nhận tiếp.)'
    )


# -------------------------------------------------------------------------- notices


def _planned(n: ClaimedNotice) -> str:
    lines = [
        f"Dạ, {utility_name()} trân trọng thông báo lịch tạm ngừng cung cấp điện:",
        f"• Khu vực: {n.area}",
        f"• Thời gian: {when(n.starts_at, n.ends_at)}",
    ]
    if _reason(n.reason):
        lines.append(f"• Lý do: {_reason(n.reason)}")
    lines.append(
        "Quý khách vui lòng chủ động sắp xếp sinh hoạt và công việc. Điện lực thành thật xin lỗi "
        "vì sự bất tiện này."
    )
    return "\n".join(lines)


def _reminder(n: ClaimedNotice) -> str:
    start = _local(n.starts_at)
    text = (
        f"Dạ, {utility_name()} xin nhắc Quý khách: khu vực {n.area} sẽ tạm ngừng cung cấp điện "
        f"vào {weekday_name(start.date())} {format_date(start.date())}, "
    )
    if start.date() == _local(n.ends_at).date():
        text += f"từ {hhmm(start)} đến {hhmm(_local(n.ends_at))}"
    else:
        text += f"từ {hhmm(start)} đến {at(n.ends_at)}"
    if _reason(n.reason):
        text += f" ({_lowered(_reason(n.reason))})"
    return text + ". Quý khách vui lòng chuẩn bị trước ạ."


def _moved(n: ClaimedNotice) -> str:
    lines = [
        f"Dạ, {utility_name()} xin thông báo thay đổi lịch tạm ngừng cung cấp điện tại khu vực {n.area}:",
        f"• Lịch đã báo: {when(n.previous_starts_at, n.previous_ends_at)}",
        f"• Lịch mới: {when(n.starts_at, n.ends_at)}",
    ]
    if _reason(n.reason):
        lines.append(f"• Lý do ngừng cấp điện: {_reason(n.reason)}")
    lines.append("Mong Quý khách thông cảm và sắp xếp theo lịch mới ạ.")
    return "\n".join(lines)


def _cancelled(n: ClaimedNotice) -> str:
    old = when(n.previous_starts_at, n.previous_ends_at)
    if n.starts_at is None:
        news = f"lịch tạm ngừng cung cấp điện {old} tại khu vực {n.area} đã được hủy"
    else:
        news = (
            f"lịch tạm ngừng cung cấp điện {old} đã báo trước đây không còn ảnh hưởng đến khu vực "
            "của Quý khách"
        )
    return (
        f"Dạ, {utility_name()} xin thông báo: {news}. Quý khách vẫn được cấp điện bình thường "
        "trong thời gian này ạ."
    )


def _incident(n: ClaimedNotice) -> str:
    cause = f" do {_lowered(_reason(n.reason))}" if _reason(n.reason) else " do sự cố"
    since = f" từ {at(n.starts_at)}" if n.starts_at else ""
    text = f"Dạ, {utility_name()} xin thông báo: khu vực {n.area} đang mất điện{cause}{since}. "
    if n.ends_at:
        text += f"Nhân viên đang khẩn trương xử lý, dự kiến có điện lại lúc {at(n.ends_at)}. "
    else:
        text += "Nhân viên đang khẩn trương xử lý; Điện lực sẽ nhắn ngay khi có điện lại. "
    return text + (
        "Quý khách không cần báo lại sự cố này. Nếu thấy dây điện đứt, tóe lửa, xin tránh xa và gọi "
        f"ngay Tổng đài {hotlines()}."
    )


def _restored(n: ClaimedNotice) -> str:
    back = f" lúc {at(n.ends_at)}" if n.ends_at else ""
    return (
        f"Dạ, {utility_name()} xin thông báo: điện đã được cấp lại cho khu vực {n.area}{back}. "
        "Nếu nhà Quý khách vẫn chưa có điện, Quý khách vui lòng nhắn cho Điện lực hoặc gọi "
        f"Tổng đài {hotlines()} để được hỗ trợ. Cảm ơn Quý khách đã thông cảm."
    )


_NOTICES = {
    NoticeKind.PLANNED: _planned,
    NoticeKind.REMINDER: _reminder,
    NoticeKind.MOVED: _moved,
    NoticeKind.CANCELLED: _cancelled,
    NoticeKind.INCIDENT: _incident,
    NoticeKind.RESTORED: _restored,
}


def notice_text(notice: ClaimedNotice) -> str:
    """The whole message of one notice (the same text for the same notice, always)."""
    return f"{_NOTICES[notice.kind](notice)}\n{_footer(notice.customer_code)}"


def notice_buttons() -> list[Button]:
    return [{"title": "Ngừng nhận thông báo", "payload": UNSUBSCRIBE_PAYLOAD}]


# ------------------------------------------------------------ subscription replies


def _area_label(result: SubscriptionResult) -> str:
    area = result.area
    if area is None:
        return ""
    return f"{area.ward}, {area.province}"


def _upcoming(items: tuple[OutageItem, ...]) -> str:
    if not items:
        return ""
    lines = ["Hiện khu vực mình đang có lịch tạm ngừng cung cấp điện:"]
    for item in items[:5]:
        reason = f" ({_reason(item.reason)})" if _reason(item.reason) else ""
        lines.append(f"• {when(item.starts_at, item.ends_at)}{reason}")
    lines.append("Em sẽ nhắn nhắc lại anh/chị trước 1 ngày nha.")
    return "\n".join(lines)


def _limit(result: SubscriptionResult) -> str:
    if result.limit is ChannelLimit.ZALO_WINDOW:
        return (
            f"Lưu ý: theo quy định của Zalo, Điện lực chỉ nhắn được cho anh/chị trong vòng "
            f"{result.limit_hours} giờ sau lần gần nhất anh/chị nhắn cho Điện lực; anh/chị thỉnh thoảng "
            "nhắn em một tin để không bị lỡ thông báo nha."
        )
    if result.limit is ChannelLimit.FACEBOOK_WINDOW:
        return (
            f"Lưu ý: theo quy định của Messenger, Điện lực chỉ nhắn được cho anh/chị trong vòng "
            f"{result.limit_hours} giờ sau lần gần nhất anh/chị nhắn cho Điện lực; anh/chị thỉnh thoảng "
            "nhắn em một tin để không bị lỡ thông báo nha."
        )
    return ""


def _verification_text(result: SubscriptionResult) -> str:
    if result.lock is not None:
        return lock_text(result.lock, result.customer_code or "")
    return (
        f"Dạ, để nhận thông báo cúp điện cho mã {result.customer_code}, anh/chị vui lòng nhập 4 số cuối "
        "của số điện thoại đã đăng ký với mã này để em xác thực nha."
    )


def subscribe_text(result: SubscriptionResult) -> str:
    """The reply to "đăng ký nhận thông báo cúp điện"."""
    status = result.status
    if status is SubscribeStatus.CHANNEL_NOT_SUPPORTED:
        return (
            "Dạ, kênh chat này chưa nhận được tin nhắn chủ động nên em chưa đăng ký thông báo được. "
            "Anh/chị đăng ký qua Zalo OA, Facebook Messenger của Điện lực hoặc khung chat trên trang "
            "web nha."
        )
    if status is SubscribeStatus.NEEDS_CODE:
        if result.known_codes:
            return "Dạ, anh/chị muốn nhận thông báo cúp điện cho mã khách hàng nào ạ?"
        return (
            "Dạ, để nhận thông báo cúp điện, anh/chị cho em xin mã khách hàng (13 ký tự, in trên hóa "
            "đơn tiền điện, ví dụ PB05010000001) nha."
        )
    if status is SubscribeStatus.BAD_CODE:
        return code_problem_text(result.code_problem)
    if status is SubscribeStatus.NEEDS_VERIFICATION:
        return _verification_text(result)
    if status is SubscribeStatus.ALREADY_SUBSCRIBED:
        head = (
            f"Dạ, anh/chị đã đăng ký nhận thông báo cúp điện cho mã {result.customer_code} "
            f"({_area_label(result)}) rồi ạ."
        )
    else:
        head = (
            f"Dạ, em đã đăng ký cho anh/chị nhận thông báo cúp điện của khu vực {_area_label(result)} "
            f"(mã khách hàng {result.customer_code}) rồi ạ. Khi có lịch tạm ngừng cung cấp điện, Điện "
            "lực sẽ nhắn trước ít nhất 5 ngày và nhắc lại trước 1 ngày; khi có sự cố mất điện hoặc "
            "khi có điện lại, em cũng sẽ báo anh/chị."
        )
    parts = [head, _upcoming(result.upcoming), _limit(result)]
    return "\n".join(part for part in parts if part)


def subscribe_buttons(result: SubscriptionResult) -> list[Button]:
    if result.status is SubscribeStatus.NEEDS_CODE:
        return [{"title": code, "payload": code} for code in result.known_codes[:5]]
    return []


def unsubscribe_text(result: UnsubscriptionResult) -> str:
    """The reply to "ngừng nhận thông báo"."""
    if result.status is UnsubscribeStatus.NOT_SUBSCRIBED:
        return "Dạ, hiện anh/chị chưa đăng ký nhận thông báo cúp điện nào nên không có gì cần hủy ạ."
    text = (
        f"Dạ, em đã ngừng gửi thông báo cúp điện cho mã {', '.join(result.customer_codes)} rồi ạ. "
        'Khi cần, anh/chị nhắn "đăng ký nhận thông báo cúp điện" để nhận lại nha.'
    )
    if result.remaining:
        text += f" Anh/chị vẫn nhận thông báo cho mã {', '.join(result.remaining)}."
    return text


def subscriptions_text(views: tuple[SubscriptionView, ...]) -> str:
    if not views:
        return "Dạ, hiện anh/chị chưa đăng ký nhận thông báo cúp điện nào ạ."
    codes = ", ".join(view.customer_code for view in views)
    return f"Dạ, anh/chị đang nhận thông báo cúp điện cho mã {codes} ạ."
