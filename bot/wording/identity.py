"""Identification and verification: asking the code and the 4 digits, and why not."""

from __future__ import annotations

from bot.domain.codes import CodeProblem
from bot.services import verification
from bot.services.verification import State, Status
from bot.wording import security
from bot.wording.common import hotline
from bot.wording.customers import code_problem_text

CHANNEL_ACCOUNTS = {
    "zalo": "tài khoản Zalo của anh/chị",
    "facebook": "tài khoản Messenger của anh/chị",
    verification.WEB_CHANNEL: "tài khoản trên trang web của anh/chị",
}

PRIVACY_NOTICE = (
    "Dạ, để bảo vệ thông tin khách hàng, trước khi cung cấp thông tin tài khoản em cần xác thực "
    "anh/chị là chủ hợp đồng hoặc người nhà được phép tra cứu. Thông tin xác thực chỉ dùng cho "
    "việc tra cứu này, em không hiển thị số điện thoại và họ tên đầy đủ của khách hàng."
)


def ask_code(several: bool = False) -> str:
    if several:
        return "Dạ, anh/chị muốn tra mã khách hàng nào ạ? Anh/chị chọn bên dưới hoặc nhắn mã khác nha."
    return (
        "Dạ, anh/chị cho em xin mã khách hàng nha. Mã gồm 13 ký tự, in trên hóa đơn hoặc tin nhắn "
        "báo tiền điện, ví dụ PB05010000001."
    )


def ask_digits(code: str) -> str:
    return f"Anh/chị vui lòng nhập 4 số cuối của số điện thoại đã đăng ký với mã {code} nha."


def digits_after_no(code: str) -> str:
    """A no to the offer of a person made while the digits were awaited."""
    return f"Dạ vâng ạ. {ask_digits(code)}"


def digits_still_awaited(code: str) -> str:
    """After a mistyped other code, while the digits for ``code`` are awaited."""
    return f"Còn nếu vẫn tra mã {code}, anh/chị nhập 4 số cuối số điện thoại đã đăng ký với mã này nha."


def digits_format() -> str:
    return "Dạ, anh/chị nhập đúng 4 chữ số cuối của số điện thoại giúp em nha."


def wrong_answer(remaining: int) -> str:
    """Never says whether the code or the digits were wrong (bot.wording.security)."""
    return security.wrong_answer_text(Status(State.NEEDS_ANSWER, "", remaining_tries=remaining))


def verified(status: Status, channel: str) -> str:
    name = verification.mask_name(status.customer.name if status.customer else "")
    text = f"Dạ, em đã xác thực xong mã {status.code}, chủ hợp đồng {name}."
    if status.just_linked:
        where = CHANNEL_ACCOUNTS.get(channel, "tài khoản này")
        text += (
            f" Em đã ghi nhớ mã này cho {where}, lần sau không cần xác thực lại; muốn bỏ ghi nhớ, "
            'anh/chị nhắn "hủy liên kết" nha.'
        )
    return text


def not_verified(status: Status) -> str:
    """Why account data cannot be shown."""
    if status.state is State.LOCKED and status.locked_until is not None and status.lock is not None:
        # The one-time code offer needs the service's say (verification.explain_lock);
        # without it the hotline is the help offered.
        explanation = verification.LockExplanation(status.lock, status.locked_until, one_time_code=False)
        return security.lock_text(explanation, status.code)
    if status.state is State.NOT_FOUND:
        return code_problem_text(CodeProblem.NOT_FOUND)
    return (
        "Dạ, em cần xác thực trước khi cung cấp thông tin tài khoản. Anh/chị hỏi lại giúp em, em sẽ "
        "hướng dẫn xác thực nha."
    )


def cannot_verify_here() -> str:
    """A message without a channel identity (not from one of the chat channels)."""
    return (
        "Dạ, qua kênh này em chưa xác thực được chủ hợp đồng nên chưa cung cấp được thông tin tài khoản "
        "ạ. Anh/chị nhắn em qua Zalo, Messenger hoặc khung chat trên trang web, hoặc gọi Tổng đài "
        f"{hotline()} nha."
    )


def looks_like_phone(reason: str) -> str:
    return "Dạ, đây có vẻ là số điện thoại, em cần mã khách hàng ạ. " + reason.removeprefix("Dạ, ")


def too_many_bad_codes() -> str:
    return (
        "Dạ, em chưa tìm được mã khách hàng của anh/chị. Anh/chị xem mã trên hóa đơn hoặc tin nhắn "
        f"tiền điện rồi nhắn lại em, hoặc gọi Tổng đài {hotline()}, phục vụ 24/7, nha."
    )


def no_code_for_account() -> str:
    return (
        "Dạ không sao ạ. Mã khách hàng in trên hóa đơn tiền điện và trong tin nhắn báo tiền điện. "
        f"Khi tìm được mã, anh/chị nhắn em nha; cần gấp thì gọi Tổng đài {hotline()}, phục vụ 24/7."
    )


def identification_stopped() -> str:
    return (
        "Dạ, em dừng xác thực ở đây nha. Khi cần tra cứu, anh/chị nhắn mã khách hàng cho em. Nếu không "
        "nhớ số điện thoại đã đăng ký, anh/chị mang căn cước đến phòng giao dịch Điện lực hoặc gọi "
        f"Tổng đài {hotline()} để được hỗ trợ."
    )


def code_received(code: str) -> str:
    return f"Dạ, em đã nhận mã khách hàng {code}. Anh/chị cần em hỗ trợ gì ạ?"


def which_code_topic(code: str) -> str:
    return f"Dạ, anh/chị cần em tra cứu gì cho mã {code} ạ?"


def unlinked(codes: list[str], channel: str) -> str:
    where = CHANNEL_ACCOUNTS.get(channel, "cuộc trò chuyện này")
    return (
        f"Dạ, em đã hủy liên kết mã {', '.join(codes)} với {where}. Lần sau khi tra cứu, em sẽ hỏi lại "
        "mã khách hàng và xác thực nha."
    )


def nothing_linked() -> str:
    return "Dạ, hiện tài khoản này không liên kết với mã khách hàng nào ạ."


def code_changed() -> str:
    return "Dạ vâng, anh/chị cho em xin mã khách hàng muốn tra nha."
