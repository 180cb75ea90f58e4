"""Why a customer code is refused, as the customer reads it."""

from __future__ import annotations

from bot.domain.codes import CodeProblem
from bot.wording.common import utility_name

_CODE_PROBLEMS = {
    CodeProblem.EMPTY: "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, in trên hóa đơn tiền điện) nha.",
    CodeProblem.BAD_FORMAT: (
        "Dạ, mã khách hàng gồm 13 ký tự: 2 chữ cái và 11 chữ số, ví dụ PB05010000001 "
        "(in trên hóa đơn hoặc tin nhắn báo tiền điện). Anh/chị kiểm tra và gửi lại giúp em nha."
    ),
    CodeProblem.UNKNOWN_PREFIX: (
        "Dạ, mã khách hàng của {utility} bắt đầu bằng PB hoặc PK (TP.HCM là PE). "
        "Anh/chị kiểm tra lại mã trên hóa đơn giúp em nha."
    ),
    CodeProblem.NOT_FOUND: (
        "Dạ, em không tìm thấy mã khách hàng này trong hệ thống. "
        "Anh/chị kiểm tra lại mã trên hóa đơn tiền điện giúp em nha."
    ),
}


def code_problem_text(problem: CodeProblem | None) -> str:
    """What to tell the customer when the code is not acceptable ("" when it is)."""
    return _CODE_PROBLEMS[problem].format(utility=utility_name()) if problem else ""
