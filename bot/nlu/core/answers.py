"""Reading the customer's short answers in an outage report, with or without diacritics.

"chỉ nhà tui thôi" / "cả xóm luôn" (scope), "vẫn mất điện" / "có lại rồi" (after
checking the breaker), "thôi khỏi" (stop), "không nhớ mã" (no customer code).
Pure functions over the typed text; the values of ``Scope`` and ``Breaker`` are the
strings the outage service uses.
"""

from __future__ import annotations

import enum
import re

from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.hazard import asks_for_advice


class Scope(enum.StrEnum):
    HOUSE = "house"  # only this house
    AREA = "area"  # the street, the neighbourhood


class Breaker(enum.StrEnum):
    STILL_DARK = "still_dark"  # breaker checked, still no power
    BACK = "back"  # power back after resetting the breaker


def _plain(text: str | None) -> str:
    """Lower case, no diacritics, no punctuation, single spaces."""
    plain = strip_diacritics((text or "").lower())
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


_WE = r"(?:tui|toi|minh|em|tao|to|anh|chi|co|chu|bac|ong|ba)"
_HOUSE = re.compile(
    r"\b(?:chi (?:co )?(?:nha|rieng nha|minh nha|can|ho)|rieng nha|mot minh nha|moi nha WE|nha WE thoi|"
    r"hang xom (?:van|con|deu|thi) (?:co|sang|binh thuong)|xung quanh (?:van|con|deu) (?:co|sang)|"
    r"ben canh (?:van|con) co|nha ben (?:van|con) co)\b".replace("WE", _WE)
)
_AREA = re.compile(
    r"\b(?:ca (?:xom|khu|khu pho|duong|hem|con hem|ap|khom|phuong|xa|day|day nha|to|vung|xu|nhom|lang|"
    r"block|chung cu|toa)|nguyen (?:xom|khu|duong|hem|ap|day)|het (?:xom|khu|duong|hem|ap)|"
    r"hang xom (?:cung|deu|thi cung) (?:mat|cup|bi|khong|ko|k|toi)|xung quanh (?:cung|deu)|"
    r"ben canh cung|khu vuc|ca khu vuc|may nha|nhieu nha|toi thui ca)\b"
)


def parse_scope(text: str | None) -> Scope | None:
    """Only this house, or the neighbourhood too; None when the answer says neither."""
    plain = _plain(text)
    if not plain:
        return None
    if _HOUSE.search(plain):
        return Scope.HOUSE
    if _AREA.search(plain):
        return Scope.AREA
    if plain in ("nha tui", "nha toi", "nha minh", "nha em", "chi nha", "mot nha", "nha"):
        return Scope.HOUSE
    return None


_STILL_DARK = re.compile(
    r"\b(?:van|con|cung) (?:mat|cup|chua|khong|ko|k|hong|hok|toi|tat)|\bchua (?:co|len|duoc|dc|sang)|"
    r"\b(?:khong|ko|k|hong|hok|chang|hem) (?:co dien|len|duoc|dc|an thua|sang)|\bchua\b|\bvan vay\b|"
    r"\bvan the\b|\bnhu cu\b|\bmat dien\b"
)
_BACK = re.compile(
    r"\b(?:co (?:dien )?(?:lai )?roi|co lai roi|co dien lai|len roi|duoc roi|dc roi|sang roi|on roi|"
    r"het mat|da co|co roi|co dien)\b"
)
_WANTS_TICKET = re.compile(
    r"\b(?:tao|lam|mo|ghi|lap) (?:phieu|yeu cau|bao cao)|\bbao (?:giup|dum|gium|ho|su co)|"
    r"\bcho (?:nguoi|tho|nhan vien|nv) (?:toi|xuong|den|qua)|\bghi nhan (?:giup|dum|gium|di)"
)
_BREAKER_WORDS = re.compile(r"\b(?:cau dao|cb|ap to mat|aptomat|at|cau chi|cong tac tong)\b")
# The breaker did not trip ("cầu dao vẫn bật", "cb không nhảy"): the power is out all the same.
_BREAKER_ON = re.compile(
    r"\b(?:cau dao|cb|ap to mat|aptomat|cong tac tong)\b(?: (?:nha|nha toi|nha tui|nha minh|nha em|tong))?"
    r"(?: (?:thi|la|no|cung|dau|ma))* (?:(?:van|dang|con) (?:bat|len|dong|binh thuong|o tren|nguyen)|"
    r"(?:khong|ko|k|hong|hok|chua|chang|dau co) (?:bi |co )?(?:nhay|sap|ngat|tat|rot|tut))\b"
)


def parse_breaker(text: str | None, intent: str | None = None, explicit_only: bool = False) -> Breaker | None:
    """After checking the breaker: still no power, or power back. ``explicit_only``: only
    when the message talks about the breaker (used on the first message of a report)."""
    plain = _plain(text)
    if explicit_only and not _BREAKER_WORDS.search(plain):
        return None
    if _STILL_DARK.search(plain):
        return Breaker.STILL_DARK
    if _BACK.search(plain):
        return Breaker.BACK
    if _BREAKER_ON.search(plain):
        return Breaker.STILL_DARK
    if explicit_only:
        return None
    if _WANTS_TICKET.search(plain):
        return Breaker.STILL_DARK  # "ok tạo phiếu giúp tôi": the power is not back
    if intent == "affirm" or plain in ("co", "co a", "da co", "roi", "roi a", "ok", "oke"):
        return Breaker.BACK  # "có điện lại chưa?" - "có"
    if intent == "deny" or plain in ("khong", "ko", "k", "hong", "hok", "chua a"):
        return Breaker.STILL_DARK
    return None


_STOP = re.compile(
    r"^(?:thoi|thoi khoi|khoi|thoi khong can|khong can|ko can|k can|huy|huy bo|dung lai|thoi bo di|"
    r"bo qua|thoi de sau|de sau|thoi nha|thoi a|thoi cam on|khoi can)(?: (?:nha|a|nhe|di|roi|cam on))*$"
)
_NO_CODE = re.compile(
    r"\b(?:khong|ko|k|hong|hok|chua|chang) (?:co|nho|biet|thay|tim thay|giu|con)(?: duoc| dc)? "
    r"(?:ma|hoa don|so hop dong|ma khach hang|ma kh)\b|\bquen (?:ma|mat ma)\b|\bmat hoa don\b|"
    r"\b(?:khong|ko|k) (?:nho|biet)\b"
)


def breaker_stayed_on(text: str | None) -> bool:
    """ "cầu dao vẫn bật", "cb không nhảy" said, not asked ("cầu dao vẫn bật có nên ngắt
    không" asks for advice): during an outage, news that the fault is not in the house."""
    plain = _plain(text)
    if "?" in (text or "") or asks_for_advice(plain):
        return False
    return bool(_BREAKER_ON.search(plain)) and parse_breaker(text) is not Breaker.BACK


def wants_to_stop(text: str | None) -> bool:
    return bool(_STOP.match(_plain(text)))


def says_no_code(text: str | None) -> bool:
    return bool(_NO_CODE.search(_plain(text)))
