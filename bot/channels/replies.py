"""What a channel itself answers, before (or instead of) the dialogue: polite Vietnamese."""

from __future__ import annotations


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def empty_text() -> str:
    return (
        "Dạ, em chưa nhận được nội dung tin nhắn của anh/chị. Anh/chị nhập câu hỏi giúp em nha, "
        "ví dụ: “tiền điện tháng này bao nhiêu” hoặc “lịch cúp điện phường Tân An”."
    )


def too_long(max_chars: int) -> str:
    return (
        "Dạ, tin nhắn của anh/chị dài quá nên em chưa đọc được ạ. Anh/chị gửi ngắn gọn giúp em "
        f"(dưới {_thousands(max_chars)} ký tự), hoặc tách thành vài tin nhắn nhỏ nha."
    )


def text_only() -> str:
    return (
        "Dạ, hiện em chỉ đọc được tin nhắn chữ thôi ạ. Anh/chị nhập nội dung cần hỗ trợ bằng chữ "
        "giúp em nha, ví dụ: “tiền điện tháng này bao nhiêu” hoặc “nhà tôi bị mất điện”."
    )


def system_busy(hotline: str) -> str:
    return (
        "Dạ, em xin lỗi, hệ thống đang bận nên em chưa trả lời được. Anh/chị thử lại sau ít phút "
        f"hoặc gọi Tổng đài {hotline} (24/7) nha."
    )


def session_required() -> str:
    return "Dạ, phiên trò chuyện đã hết hạn. Anh/chị tải lại trang giúp em rồi nhắn lại nha."
