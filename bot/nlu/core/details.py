"""The details a question carries beside dates and places: kWh, households, tier,
the previous tariff, a payment channel, a ticket number.

Each finder reads the normalised text (``norm``, with the diacritics typed) and the
same text stripped of diacritics (``plain``, same length, so offsets are shared) and
returns ``Span`` objects whose values are documented in docs/nlu.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.domain import ticket_numbers
from bot.nlu.core.coverage import Coverage
from bot.nlu.core.patterns import Span
from bot.nlu.core.phrases import PhraseTable, words_of

KWH = "kwh"
HOUSEHOLDS = "households"
TIER = "tier"
TARIFF_WHEN = "tariff_when"
PAYMENT_CHANNEL = "payment_channel"
TICKET = "ticket_number"

MAX_KWH = 100_000
MAX_HOUSEHOLDS = 20
MAX_TIER = 9

_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6}
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+|\d+"

# "300 số", "450 kwh", "200 ký", "150 kw", "120 chữ"; not "4 số cuối" (the digits asked
# for verification) nor "2 kỳ" (two billing periods: "ky" typed bare only from 10 up).
_KWH_RE = re.compile(
    rf"(?<![\w.,])(?P<n>{_NUMBER}) ?(?P<u>kwh|kw|k w h|kw/h|so dien|so|ky|ki|chu)(?!\w)(?! cuoi)"
)
_KWH_WITH_MARKS = {"ky": ("ký",), "ki": ("kí",), "so": ("số",), "so dien": ("số điện",), "chu": ("chữ",)}

# "2 hộ", "hai hộ", "3 gia đình"; "hộ" typed bare as "ho" too (never "hồ", "họ").
_HOUSEHOLDS_RE = re.compile(
    rf"(?<![\w.,])(?P<n>\d{{1,2}}|{'|'.join(_WORD_NUMBERS)}) ?(?P<u>ho|gia dinh)(?!\w)"
)

# "bậc 4", "bac 4", "bậc thứ 4", "bậc bốn" (a number word only with diacritics: bare
# "bac hai" is also "bác Hai", a person).
_TIER_RE = re.compile(r"(?<!\w)bac (?:thu )?(?P<n>\d)(?!\w|[.,]\d)")
_TIER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6}
_TIER_WORD_RE = re.compile(rf"(?<!\w)bậc (?:thứ )?(?P<w>{'|'.join(_TIER_WORDS)})(?!\w)")

_PREVIOUS_TARIFF = (
    "giá cũ", "giá điện cũ", "bảng giá cũ", "biểu giá cũ", "giá trước", "giá trước đây",
    "giá lần trước", "giá đợt trước", "giá điện đợt trước", "giá điện trước đây",
    "trước khi tăng giá", "trước khi tăng", "trước đợt tăng giá", "trước đợt tăng",
    "lúc chưa tăng giá", "hồi chưa tăng giá", "khi chưa tăng giá", "giá năm ngoái",
    "giá điện năm ngoái",
)
# Only as typed with diacritics ("quay" is also "quay": "quạt quay không nổi").
_STRICT_CHANNELS = {"counter": ("quầy",)}
_CHANNELS: dict[str, tuple[str, ...]] = {
    "momo": ("momo", "mo mo", "ví momo"),
    "zalopay": ("zalopay", "zalo pay", "ví zalo", "zalo pây"),
    "vnpay": ("vnpay", "vn pay", "vnpay qr"),
    "bank_app": (
        "app ngân hàng", "ứng dụng ngân hàng", "internet banking", "mobile banking", "banking",
        "chuyển khoản", "thẻ ngân hàng", "thẻ atm", "ngân hàng", "atm",
    ),
    "evn_app": (
        "app evn", "ứng dụng evn", "evnspc cskh", "evn cskh", "app cskh", "app điện lực",
        "ứng dụng điện lực", "app chăm sóc khách hàng", "evnspc", "app evnspc",
    ),
    "store": (
        "cửa hàng tiện lợi", "circle k", "bách hóa xanh", "ministop", "family mart", "familymart",
        "winmart", "vinmart", "bưu điện", "thế giới di động", "điện máy xanh",
    ),
    # a place becomes a channel only with the payment ("đóng tại phòng giao dịch")
    "counter": (
        "tại quầy", "quầy thu", "tiền mặt", "đóng tại phòng giao dịch", "đóng ở phòng giao dịch",
        "nộp tại phòng giao dịch", "đóng tại điện lực", "đóng ở điện lực", "ra điện lực đóng",
    ),
    "auto_debit": (
        "trích nợ tự động", "tự động trừ", "tự trừ", "thanh toán tự động", "ủy nhiệm thu",
        "trừ tự động",
    ),
}


def _to_int(text: str) -> int | None:
    if text in _WORD_NUMBERS:
        return _WORD_NUMBERS[text]
    digits = re.sub(r"[.,]", "", text)
    return int(digits) if digits.isdecimal() and len(digits) <= 9 else None


def find_kwh(norm: str, plain: str) -> list[Span]:
    """``300 số`` -> ``300``. ``1 số`` / ``1 kwh`` (the unit price) is no amount."""
    found = []
    for m in _KWH_RE.finditer(plain):
        unit = m.group("u")
        typed = norm[m.start("u") : m.end("u")]
        marked = _KWH_WITH_MARKS.get(unit)
        if marked and typed != unit and typed not in marked:
            continue  # "kỳ", "sở", "chú": another word with marks
        value = _to_int(m.group("n"))
        if value is None or not 1 < value <= MAX_KWH:
            continue
        if unit in ("ky", "ki") and typed == unit and value < 10:
            continue  # "2 ky" is two billing periods more often than 2 kWh
        found.append(Span(KWH, m.start(), m.end(), str(value)))
    return found


def find_households(norm: str, plain: str) -> list[Span]:
    """``2 hộ`` -> ``2`` (1 to 20)."""
    found = []
    for m in _HOUSEHOLDS_RE.finditer(plain):
        typed = norm[m.start("u") : m.end("u")]
        if m.group("u") == "ho" and typed not in ("ho", "hộ"):
            continue
        number = norm[m.start("n") : m.end("n")]
        if m.group("n") in ("ba", "nam") and number not in ("ba", "năm"):
            continue  # "bà hộ", "nằm hộ"
        value = _to_int(m.group("n"))
        if value is not None and 1 <= value <= MAX_HOUSEHOLDS:
            found.append(Span(HOUSEHOLDS, m.start(), m.end(), str(value)))
    return found


def find_tiers(norm: str, plain: str) -> list[Span]:
    """``bậc 4`` -> ``4``."""
    found = []
    for m in _TIER_RE.finditer(plain):
        if norm[m.start() : m.start() + 3] not in ("bac", "bậc"):
            continue  # "bác 4"
        value = int(m.group("n"))
        if 1 <= value <= MAX_TIER:
            found.append(Span(TIER, m.start(), m.end(), str(value)))
    for m in _TIER_WORD_RE.finditer(norm):
        found.append(Span(TIER, m.start(), m.end(), str(_TIER_WORDS[m.group("w")])))
    return found


def find_tickets(plain: str) -> list[Span]:
    """``sc-k7q4-m2xp`` -> ``SC-K7Q4-M2XP`` (checked: bot.domain.ticket_numbers); numbers
    handed out before, ``sc 2611270001`` -> ``SC2611270001``."""
    return [Span(TICKET, start, end, number) for start, end, number in ticket_numbers.spans(plain)]


@lru_cache(maxsize=1)
def _phrases() -> PhraseTable:
    table = PhraseTable()
    for phrase in _PREVIOUS_TARIFF:
        table.add(phrase, (TARIFF_WHEN, "previous"))
    for channel, phrases in _CHANNELS.items():
        for phrase in phrases:
            table.add(phrase, (PAYMENT_CHANNEL, channel))
    for channel, phrases in _STRICT_CHANNELS.items():
        for phrase in phrases:
            table.add(phrase, (PAYMENT_CHANNEL, channel), strict=True)
    return table


def find_phrases(norm: str) -> list[Span]:
    """Payment channels and the previous tariff, longest phrase first."""
    return [
        Span(kind, match.start, match.end, value)
        for match in _phrases().find_all(words_of(norm))
        for kind, value in (match.payload,)
    ]


def find_details(norm: str, plain: str, taken: list[tuple[int, int]]) -> list[Span]:
    """Every detail span not overlapping ``taken`` (codes, phones, money, dates...)."""
    covered = Coverage(len(plain), taken)
    chosen = []
    for span in (
        *find_tickets(plain),
        *find_kwh(norm, plain),
        *find_households(norm, plain),
        *find_tiers(norm, plain),
        *find_phrases(norm),
    ):
        if not covered.overlaps(span.start, span.end):
            chosen.append(span)
            covered.add(span.start, span.end)
    return sorted(chosen, key=lambda s: s.start)
