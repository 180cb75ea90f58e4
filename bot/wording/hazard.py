"""Safety hazards: the advice to give at once, and the urgent ticket, as the customer
reads them (:mod:`bot.services.hazard`)."""

from __future__ import annotations

from bot.wording.common import hotlines


def safety_advice(people_at_risk: bool = False) -> str:
    """The advice to give at once, in this order (DOMAIN.md "Safety"); when people are
    at risk (:func:`bot.services.hazard.people_at_risk`) the emergency numbers first."""
    emergency = (
        "Nếu có cháy hoặc có người bị điện giật, bị thương: gọi ngay 114 (cứu hỏa) hoặc 115 (cấp cứu)."
    )
    lines = [
        "Dạ, anh/chị giữ an toàn trước hết nha:",
        "• Tránh xa chỗ dây điện đứt, tia lửa hoặc trụ điện nghiêng ít nhất vài mét, và nhắc mọi người "
        "(nhất là trẻ nhỏ) tránh xa.",
        "• Tuyệt đối không chạm vào dây điện, và không chạm tay trần vào người bị điện giật; "
        "dùng vật khô, không dẫn điện (gậy gỗ, ống nhựa) để tách người ra khỏi nguồn điện.",
        "• Chỉ ngắt cầu dao (CB/aptomat) nhà mình nếu làm được an toàn, không đứng chỗ ẩm ướt.",
        f"• {emergency}",
        f"• Gọi ngay Tổng đài điện lực {hotlines()} (24/7) để được cắt điện khu vực và xử lý khẩn.",
    ]
    if people_at_risk:
        lines.insert(0, f"⚠️ {emergency}")
        lines.pop(5)  # the same line further down
    return "\n".join(lines)


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
