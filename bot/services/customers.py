"""Customer codes: format rules and lookup, shared by every conversation.

A customer code (mã khách hàng) is 13 characters: 2 letters and 11 digits
(``PB05010000001``). Customers type it in lower case, with spaces or dashes; the NLU
normalises well-formed codes, and this module is the one place that decides whether a
code is acceptable and says why not, in Vietnamese.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db import queries
from bot.db.models import Customer

CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{11}$")
KNOWN_PREFIXES = ("PB", "PK", "PE")


class CodeProblem(enum.Enum):
    EMPTY = "empty"
    BAD_FORMAT = "bad_format"
    UNKNOWN_PREFIX = "unknown_prefix"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CodeCheck:
    code: str
    problem: CodeProblem | None
    customer: Customer | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def reason_vi(self) -> str:
        """What to tell the customer when the code is not acceptable."""
        return REASONS_VI[self.problem] if self.problem else ""


REASONS_VI = {
    CodeProblem.EMPTY: "Dạ, anh/chị cho em xin mã khách hàng (13 ký tự, in trên hóa đơn tiền điện) nha.",
    CodeProblem.BAD_FORMAT: (
        "Dạ, mã khách hàng gồm 13 ký tự: 2 chữ cái và 11 chữ số, ví dụ PB05010000001 "
        "(in trên hóa đơn hoặc tin nhắn báo tiền điện). Anh/chị kiểm tra và gửi lại giúp em nha."
    ),
    CodeProblem.UNKNOWN_PREFIX: (
        "Dạ, mã khách hàng của Điện lực miền Nam bắt đầu bằng PB hoặc PK (TP.HCM là PE). "
        "Anh/chị kiểm tra lại mã trên hóa đơn giúp em nha."
    ),
    CodeProblem.NOT_FOUND: (
        "Dạ, em không tìm thấy mã khách hàng này trong hệ thống. "
        "Anh/chị kiểm tra lại mã trên hóa đơn tiền điện giúp em nha."
    ),
}


def check_format(raw: str | None) -> CodeCheck:
    code = queries.normalize_code(raw or "")
    if not code:
        return CodeCheck(code, CodeProblem.EMPTY)
    if not CODE_PATTERN.match(code):
        return CodeCheck(code, CodeProblem.BAD_FORMAT)
    if code[:2] not in KNOWN_PREFIXES:
        return CodeCheck(code, CodeProblem.UNKNOWN_PREFIX)
    return CodeCheck(code, None)


def check_code(session: Session, raw: str | None) -> CodeCheck:
    """Format first, then existence; the customer is attached when found."""
    formatted = check_format(raw)
    if not formatted.ok:
        return formatted
    customer = queries.get_customer(session, formatted.code)
    if customer is None:
        return CodeCheck(formatted.code, CodeProblem.NOT_FOUND)
    return CodeCheck(formatted.code, None, customer)
