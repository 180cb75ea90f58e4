"""Verification locks, one-time codes and rate limits, as the customer reads them.

Every text here is the same for a customer code that exists and one that does not
(codes are sequential: a different sentence would tell which codes are customers'),
so none of them says whether the code was found or has a phone registered.
"""

from __future__ import annotations

import math
from datetime import datetime

from bot import clock
from bot.services.one_time_codes import Checked, CheckOutcome, Issued, IssueState
from bot.services.rate_limits import Limited, LimitScope
from bot.services.verification import MAX_FAILURES, LockExplanation, LockReason, Status
from bot.wording.common import hotlines, moment_text

DIGITS_FORMAT = "Dạ, anh/chị nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký giúp em nha."
ONE_TIME_CODE_FORMAT = "Dạ, anh/chị nhập mã xác thực gồm 6 chữ số trong tin nhắn SMS giúp em nha."


def _hotline_help() -> str:
    return f"gọi Tổng đài {hotlines()} (24/7) để tư vấn viên hỗ trợ"


def _until(moment: datetime, now: datetime | None = None) -> str:
    return moment_text(moment, now or clock.now())


def wrong_answer_text(status: Status) -> str:
    """A wrong answer (tries left): never says whether the code or the digits were wrong."""
    return (
        "Dạ, mã khách hàng và 4 số cuối điện thoại chưa khớp với thông tin đăng ký ạ. Anh/chị kiểm tra "
        f"lại mã trên hóa đơn tiền điện rồi nhập lại giúp em nha (còn {status.remaining_tries} lần thử; "
        f"sai {MAX_FAILURES} lần thì em tạm ngưng xác thực 15 phút). Nếu số điện thoại đăng ký đã đổi, "
        f"anh/chị {_hotline_help()} nha."
    )


def lock_text(explanation: LockExplanation, code: str, now: datetime | None = None) -> str:
    """Why the requester cannot verify now, until when, and the help there is."""
    text = lock_reason_text(explanation, code, now)
    if explanation.one_time_code:
        return (
            f"{text} Nếu anh/chị là chủ hợp đồng, em có thể gửi mã xác thực 6 chữ số qua tin nhắn "
            f"SMS đến số điện thoại đã đăng ký với mã {code} để xác thực ngay, hoặc anh/chị "
            f"{_hotline_help()} nha."
        )
    return f"{text} Anh/chị vui lòng thử lại sau thời gian này, hoặc {_hotline_help()} nha."


def lock_reason_text(explanation: LockExplanation, code: str, now: datetime | None = None) -> str:
    """Why the requester cannot verify now and until when (no help offered yet)."""
    until = _until(explanation.until, now)
    if explanation.reason is LockReason.REQUESTER:
        text = (
            f"Dạ, thông tin xác thực mã {code} đã được nhập chưa đúng {MAX_FAILURES} lần, nên để bảo vệ "
            f"thông tin khách hàng em tạm ngưng xác thực mã này trong cuộc trò chuyện đến {until}."
        )
    elif explanation.reason is LockReason.CODE:
        text = (
            f"Dạ, mã {code} đang tạm khóa xác thực qua tin nhắn đến {until} vì có nhiều lần nhập sai "
            "thông tin xác thực, để bảo vệ thông tin khách hàng."
        )
    elif explanation.reason is LockReason.GLOBAL:
        text = (
            "Dạ, để bảo vệ thông tin khách hàng, hệ thống đang tạm ngưng xác thực qua tin nhắn một lát, "
            f"đến {until}."
        )
    else:  # SENDER, NETWORK: this person (or network) failed too often
        text = (
            "Dạ, thông tin xác thực đã được nhập chưa đúng nhiều lần, nên để bảo vệ thông tin khách hàng "
            f"em tạm ngưng xác thực đến {until}."
        )
    return text


def one_time_code_choice_text() -> str:
    """After :func:`lock_text` offered the code: the choice between the SMS and a person."""
    return (
        'Anh/chị chọn "Gửi mã qua SMS" để em gửi mã, hoặc "Gặp tư vấn viên" để tư vấn viên hỗ trợ '
        "xác thực ngay trong cuộc trò chuyện này nha."
    )


def lock_handoff_lead(explanation: LockExplanation, code: str, now: datetime | None = None) -> str:
    """The lock, then a person: what comes before the handoff's queue or callback text."""
    return (
        f"{lock_reason_text(explanation, code, now)} Để anh/chị không phải chờ, em nhờ tư vấn viên "
        "hỗ trợ anh/chị xác thực."
    )


def one_time_code_waiting_text(code: str) -> str:
    """The code is awaited and the message held none (a reminder, no try lost)."""
    return (
        f"Dạ, em đang chờ mã xác thực 6 chữ số vừa gửi qua tin nhắn SMS đến số điện thoại đã đăng ký "
        f'với mã {code}. Anh/chị nhập mã vào đây giúp em; chưa nhận được tin nhắn thì nhắn "gửi lại mã", '
        'không muốn tiếp tục thì nhắn "thôi" nha.'
    )


def one_time_code_offer_text(code: str) -> str:
    """The question that goes with a "send the code" quick reply."""
    return (
        f"Dạ, anh/chị có muốn em gửi mã xác thực 6 chữ số qua tin nhắn SMS đến số điện thoại đã đăng ký "
        f"với mã {code} không ạ?"
    )


def one_time_code_sent_text(issued: Issued, now: datetime | None = None) -> str:
    if issued.state is IssueState.SENT:
        return (
            f"Dạ, em đã gửi mã xác thực 6 chữ số qua tin nhắn SMS đến số điện thoại đã đăng ký với mã "
            f"{issued.code} (nếu mã có đăng ký số điện thoại). Mã có hiệu lực {issued.minutes} phút; "
            "anh/chị nhập mã vào đây giúp em nha. Điện lực không bao giờ hỏi mã này qua điện thoại, "
            "anh/chị đừng cung cấp cho người khác ạ."
        )
    if issued.state is IssueState.LIMITED and issued.retry_at is not None:
        return (
            "Dạ, em đã gửi mã xác thực nhiều lần rồi ạ. Để tránh làm phiền chủ số điện thoại, anh/chị "
            f"vui lòng thử lại sau {_until(issued.retry_at, now)}, hoặc {_hotline_help()} nha."
        )
    return f"Dạ, em chưa gửi được mã xác thực cho yêu cầu này. Anh/chị vui lòng {_hotline_help()} nha."


def one_time_code_expired_text() -> str:
    """The code typed back expired or was burned, and no new one may be sent now."""
    return "Dạ, mã xác thực này đã hết hạn hoặc đã nhập sai quá số lần cho phép ạ."


def one_time_code_checked_text(checked: Checked, now: datetime | None = None) -> str:
    """What to say after a typed one-time code was checked (not when it verified: the
    caller then says the verified text and answers the question)."""
    if checked.outcome is CheckOutcome.WRONG:
        return (
            f"Dạ, mã xác thực chưa đúng ạ. Anh/chị xem lại tin nhắn SMS và nhập lại giúp em nha "
            f"(còn {checked.remaining_tries} lần thử)."
        )
    if checked.outcome is CheckOutcome.NO_CODE:
        return (
            "Dạ, mã xác thực này đã hết hạn hoặc đã nhập sai quá số lần cho phép ạ. Anh/chị muốn em "
            "gửi mã mới không ạ?"
        )
    if checked.outcome is CheckOutcome.NOT_A_CODE:
        return ONE_TIME_CODE_FORMAT
    if checked.outcome is CheckOutcome.LIMITED and checked.status.locked_until is not None:
        return (
            "Dạ, thông tin xác thực đã được nhập chưa đúng nhiều lần, nên em tạm ngưng xác thực đến "
            f"{_until(checked.status.locked_until, now)}. Anh/chị vui lòng thử lại sau, hoặc "
            f"{_hotline_help()} nha."
        )
    return ""


def rate_limited_text(limited: Limited, now: datetime | None = None) -> str:
    """The one answer to a message over the requester's message rate."""
    now = now or clock.now()
    if limited.scope is LimitScope.MESSAGES:
        seconds = max(5, math.ceil((limited.retry_at - now).total_seconds()))
        wait = f"khoảng {seconds} giây" if seconds < 90 else f"khoảng {math.ceil(seconds / 60)} phút"
        return (
            "Dạ, anh/chị nhắn hơi nhanh nên em chưa kịp trả lời hết ạ. Anh/chị đợi "
            f"{wait} rồi nhắn lại giúp em nha. Cần hỗ trợ gấp, anh/chị gọi Tổng đài {hotlines()} (24/7) ạ."
        )
    reason = LockReason(limited.scope.value)
    return lock_text(LockExplanation(reason, limited.retry_at, one_time_code=False), "", now)
