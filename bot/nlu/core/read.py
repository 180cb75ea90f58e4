"""What the dialogue layer reads from a customer's free text: one entry point.

Pure functions (no Rasa): the same rules as the NLU's entity extractor, for text the
NLU did not see as an entity (an answer typed after a question, a ticket number in a
sentence). Values use the entity formats of docs/nlu.md.

    from bot.nlu.core import read
    read.quote("2 hộ xài chung 450 số")   # QuoteDetails(kwh=450, households=2, business=False)
    read.address("45 Nguyễn Trãi p An Khánh Ninh Kiều")   # Address(street=..., area=...)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.core.address import Address, parse_address
from bot.nlu.core.analysis import Analyzer, Entity, get_analyzer
from bot.nlu.core.answers import (
    Breaker,
    Scope,
    breaker_stayed_on,
    parse_breaker,
    parse_scope,
    says_no_code,
    wants_to_stop,
)
from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.hazard import asks_for_advice
from bot.nlu.core.resources import DEFAULT_RESOURCES_DIR
from bot.nlu.core.service_kinds import service_kind
from bot.nlu.core.start_time import StartTime, parse_start_time

__all__ = [
    "Address", "Breaker", "QuoteDetails", "Scope", "StartTime", "address", "asks_for_advice",
    "breaker", "breaker_stayed_on", "code_like", "customer_code", "entities", "hazard_kinds",
    "payment_channel", "period", "quote", "says_no_code", "scope", "service_kind", "start_time",
    "ticket_number", "wants_to_stop",
]

MAX_TEXT_CHARS = 2000
_BUSINESS_RE = re.compile(r"\b(kinh doanh|san xuat|hanh chinh su nghiep|buon ban|cua hang|nha may|xuong)\b")
# Two letters and digits, or a long run of digits: what a customer types when asked for
# a customer code (even a wrong one), to explain the expected format.
_CODE_LIKE_RE = re.compile(r"(?<!\w)[A-Za-z]{2}[\s.:-]*\d[\d\s.-]{3,}\d(?!\w)|(?<!\d)\d{6,}(?!\d)")


@dataclass(frozen=True)
class QuoteDetails:
    kwh: int | None  # None: no amount of kWh in the message
    households: int = 1
    business: bool = False  # the customer asks about business / production prices


def _analyzer() -> Analyzer:
    return get_analyzer(DEFAULT_RESOURCES_DIR)


def entities(text: str | None) -> list[Entity]:
    """Every entity of ``text`` (offsets into ``text``), as the NLU extracts them."""
    found, _ = _analyzer().entities((text or "")[:MAX_TEXT_CHARS])
    return found


def _first(text: str | None, kind: str) -> str | None:
    return next((e.value for e in entities(text) if e.entity == kind), None)


def customer_code(text: str | None) -> str | None:
    """``"mã pb 0501 000 0001"`` -> ``"PB05010000001"``."""
    return _first(text, "customer_code")


def code_like(text: str | None) -> str | None:
    """Whatever looks like a customer code, well-formed or not (``"PB0501"``,
    ``"0912345678"``), upper case without separators; None when nothing does."""
    match = _CODE_LIKE_RE.search((text or "")[:500])
    return re.sub(r"[\s.:-]", "", match.group()).upper() if match else None


def ticket_number(text: str | None) -> str | None:
    """``"phiếu sc k7q4 m2xp sao rồi"`` -> ``"SC-K7Q4-M2XP"``; numbers handed out before:
    ``"sc 2611270001"`` -> ``"SC2611270001"``."""
    return _first(text, "ticket_number")


def period(text: str | None) -> str | None:
    """The first billing month named (``month:9``, ``relative:-1``, ``month:6;year:-1``...)."""
    return _first(text, "period")


def payment_channel(text: str | None) -> str | None:
    """``momo``, ``zalopay``, ``vnpay``, ``bank_app``, ``evn_app``, ``store``, ``counter``
    or ``auto_debit``; None when the message names no channel."""
    return _first(text, "payment_channel")


def hazard_kinds(text: str | None) -> list[str]:
    """The kinds of danger named, most urgent first (``["person_shocked", "fallen_wire"]``)."""
    from bot.nlu.core.hazard import HAZARD_KINDS

    present = {e.value for e in entities(text) if e.entity == "hazard_kind"}
    return [kind for kind in HAZARD_KINDS if kind in present]


def quote(text: str | None) -> QuoteDetails:
    """kWh (``300 số``, ``450 kWh``, ``200 ký``) and households (``2 hộ``) of a price question."""
    found = entities(text)
    kwh = next((int(e.value) for e in found if e.entity == "kwh"), None)
    households = next((int(e.value) for e in found if e.entity == "households"), 1)
    plain = strip_diacritics((text or "")[:MAX_TEXT_CHARS].lower())
    return QuoteDetails(kwh=kwh, households=households, business=bool(_BUSINESS_RE.search(plain)))


def scope(text: str | None) -> Scope | None:
    """Only this house (``Scope.HOUSE``) or the neighbourhood too (``Scope.AREA``)."""
    return parse_scope(text)


def breaker(text: str | None, intent: str | None = None, explicit_only: bool = False) -> Breaker | None:
    """After checking the breaker: ``Breaker.STILL_DARK`` or ``Breaker.BACK``."""
    return parse_breaker(text, intent, explicit_only)


def start_time(text: str | None) -> StartTime | None:
    """Since when the power is out; None when the message says no time."""
    return parse_start_time(text, _analyzer())


def address(text: str | None) -> Address | None:
    """Street, place and landmark of a typed address; None when nothing reads as one."""
    return parse_address(text, _analyzer())
