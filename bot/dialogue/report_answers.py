"""What a report's answers say (topics/report_form.py asks; this reads): a place as the
customer wrote it (an answer to "where", or the place a report message names besides the
outage or the danger), a mobile number, "không có", and the other details a report takes
from any message (only this house, the breaker, since when).

Pure reading over the turn (``ctx.turn``, ``ctx.details``) and the NLU's readers
(``bot.nlu.core.read``); nothing is asked or said here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.dialogue.context import Context
from bot.dialogue.state import ReportDraft
from bot.dialogue.text import fold, plain
from bot.domain import phones, places
from bot.nlu.core import read as reader

MAX_PLACE_CHARS = 200

# Nouns of places customers give as landmarks or parts of an address (plain text).
_PLACE_WORDS = re.compile(
    r"\b(?:cho|truong|cay xang|benh vien|tram y te|nha tho|chua|thanh that|dinh|mieu|cau|nga ba|nga tu|"
    r"nga nam|vong xoay|cong vien|sieu thi|ubnd|uy ban|khu pho|kp|ap|khom|to|hem|kiet|ngo|ngach|duong|"
    r"quoc lo|ql|tinh lo|chung cu|toa nha|cong ty|xuong|buu dien|ben xe|ben pha|nha van hoa|tiem|"
    r"quan|cua hang|khu cong nghiep|kcn|khu dan cu|kdc|so nha|lo|block|thon|xom)\b"
)
# Words that say where without saying where ("trước nhà tui", "ở đây").
_TRIVIAL_WORDS = frozenset(
    "nha tui toi minh em anh chi o day do truoc sau gan ben canh trong ngoai cua khu xom hem duong cho "
    "nay kia la a nhe ne va voi thi dau cuoi phia mat tai chung quanh xung quanh".split()
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:da|vang|ok|dia chi|dc|la|nha (?:tui|toi|minh|em|anh|chi)|tui|toi|minh|em|o|tai|cho em|"
    r"cho anh|cho chi|anh oi|chi oi|em oi|ad oi)\b[\s,:.-]*)+"
)
_TRAILING_FILLER = re.compile(r"[\s,.;:!-]*(?:\b(?:a|nha|nhe|ak|ah|ne|nghen|nha em|em nhe)\b[\s,.!]*)*$")
_PHONE_LEAD = re.compile(
    r"[\s,;.-]*(?:\b(?:sdt|so dt|so dien thoai|dien thoai|dt|goi|lien he|so)\b[\s:.]*)?$"
)
_NO_PHONE = re.compile(
    r"\b(?:khong|ko|k|hong|hok|chua) (?:co|tien|muon|can|cho|de lai)"
    r"(?: so| sdt| dien thoai| so dien thoai)?\b"
    r"|^(?:khong|ko|k|hong|khoi|thoi khoi|khong can|ko can|bo qua)$|\bkhoi (?:goi|so)\b"
)
_STREET_START = re.compile(
    r"\b(?:so nha|so|hem|kiet|ngo|ngach|duong|ap|khom|to|khu pho|kp|quoc lo|ql|tinh lo|lo|block)\b|\d"
)
# "2h", "14h30", "2 giờ chiều", "14:00", "30 phút", "2 tiếng", "3 ngày" (folded text).
_TIME_OR_DURATION = re.compile(
    r"\b\d{1,2}\s*(?:h|g|gio|:)\s*(?:\d{1,2}\s*(?:p|phut)?)?(?!\w)"
    r"|\b\d{1,3}\s*(?:phut|tieng|ngay|hom|buoi)\b"
    r"|\b\d{1,2}\s*(?:sang|trua|chieu|toi|dem)\b"
)
_LANDMARK_WORD = re.compile(
    r"\b(?:gan|doi dien|ke ben|ben canh|canh|sat|sau|truoc|ngay|phia sau|phia truoc|cach|o)\s*$"
)
_DESCRIPTION = re.compile(
    r"[\s,.;-]+(?:(?:(?:bi|da|dang|con|van) )?(?:(?:mat|cup|cat|ngung|ngat) (?:dien|tu|luc|hoi)|bi)|dang)\b"
)
_CODE_RE = re.compile(r"(?i)(?:\bma(?: kh| khach hang)?[\s:]*)?\b[a-z]{2}[\s.-]*\d(?:[\s.-]?\d){9,11}\b")
_NO_ADDRESS = re.compile(r"\b(?:khong|ko|k|hong|chua) (?:biet|ro|nho)\b|\bquen\b")


@dataclass(frozen=True)
class Place:
    text: str  # as written, tidied ("123 Nguyễn Trãi, phường 2, quận 5")
    area: places.Area | None  # the one current ward the words name, if any
    ward_only: bool = False  # only a ward's name: no street, no landmark


def place_in(ctx: Context, text: str) -> Place | None:
    """An answer to "where": the address or landmark as written; None when the message
    names none (or is an answer of another kind: "cả xóm luôn", "khoảng 30 phút trước")."""
    said = _without_codes(_without_phone(" ".join((text or "").split())))
    if not said or said.startswith("/") or len(said) > MAX_PLACE_CHARS or not any(c.isalpha() for c in said):
        return None
    if no_phone(said):
        return None
    address = reader.address(said)
    area = _ward(address.area if address and address.area else ctx.details.area)
    street = _specific(address.street) if address else None
    landmark = _landmark(address.landmark) if address else None
    tidy = _cut_description(_tidy(said))
    if not tidy:
        return None
    if area is None and not landmark and _other_answer(said, street):
        return None
    if street or landmark or (_PLACE_WORDS.search(plain(tidy)) and _specific(tidy) and area is None):
        return Place(tidy, area)
    if area is not None:
        return Place(tidy, area, ward_only=True)
    return None


def place_in_report(ctx: Context, text: str) -> Place | None:
    """The place a report message names besides the danger or the outage ("dây điện đứt
    trước số 25 đường 30 tháng 4, phường Tân Ninh"): a ward, a landmark after "gần",
    "trước", "đối diện"..., or a street with a number; the description is left out."""
    said = _without_codes(_without_phone(" ".join((text or "").split())))
    address = reader.address(said) if said and not said.startswith("/") else None
    if address is None:
        return None
    area = _ward(address.area or ctx.details.area)
    landmark = _landmark(_cut_description(re.split(r"[,.;!?]", address.landmark or "")[0].strip()))
    street = _numbered_street(address.street)
    spot = _with_preposition(said, landmark) if landmark else street
    if spot is None:
        return Place(address.area, area, ward_only=True) if area is not None else None
    return Place(", ".join(part for part in (spot, address.area) if part), area)


def _numbered_street(street: str | None) -> str | None:
    """From the first number or street word on ("mất điện ở 12 Lê Lợi" -> "12 Lê Lợi"),
    when it has a number; a time or a duration ("từ 2h chiều", "30 phút") is no house
    number."""
    if not street:
        return None
    folded = _TIME_OR_DURATION.sub(lambda m: " " * len(m.group()), fold(street).lower())
    match = _STREET_START.search(folded)
    if match is None:
        return None
    found = _cut_description(street[match.start() :].strip(" ,.;:-"))
    digits = _TIME_OR_DURATION.sub("", fold(found).lower())
    return found if any(c.isdecimal() for c in digits) and _specific(found) else None


def _landmark(part: str | None) -> str | None:
    """A landmark that says where: specific words, or a place noun ("chợ" before a ward's
    name, as in "gần chợ Bến Thành")."""
    if not part:
        return None
    return part if _specific(part) or _PLACE_WORDS.search(plain(part)) else None


def _cut_description(text: str) -> str:
    """Without what follows the place ("12 Lê Lợi bị nghiêng", "hẻm 5, mất từ 2h chiều")."""
    match = _DESCRIPTION.search(fold(text).lower())
    return text[: match.start()].strip(" ,.;:-") if match and match.start() > 0 else text


def _without_codes(said: str) -> str:
    return _CODE_RE.sub(" ", said).strip()


def _with_preposition(said: str, landmark: str) -> str:
    """The landmark with the word before it ("trước số 25 ...", "gần chợ Tân An")."""
    folded, wanted = fold(said).lower(), fold(landmark).lower()
    at = folded.find(wanted)
    if at <= 0:
        return landmark
    before = _LANDMARK_WORD.search(folded[:at])
    return said[before.start() : at + len(landmark)].strip() if before else landmark


def _other_answer(said: str, street: str | None) -> bool:
    """ "cả xóm luôn", "khoảng 30 phút trước": an answer about the outage, not a place
    (unless it opens like an address: a number, "hẻm", "đường"...)."""
    if street and _STREET_START.match(fold(street).lower()):
        return False
    start = reader.start_time(said)
    return reader.scope(said) is not None or (start is not None and not start.unknown)


def phone_in(ctx: Context) -> str | None:
    """A valid mobile number in the message (the NLU's ``phone`` entity, or the text)."""
    for value in ctx.turn.values("phone"):
        if found := phones.mobile(value):
            return found
    return phones.find_mobile(ctx.turn.text)


def no_code(text: str) -> bool:
    return reader.says_no_code(text) and bool(re.search(r"\b(?:ma|hoa don|hop dong)\b", plain(text)))


def no_phone(text: str) -> bool:
    return bool(_NO_PHONE.search(plain(text)))


def _ward(name: str | None) -> places.Area | None:
    if not name:
        return None
    found = places.resolve(name).found
    return found if found is not None and found.single_ward is not None else None


def _specific(part: str | None) -> str | None:
    """``part`` unless it only says "here" ("trước nhà tui", "ở đây")."""
    if not part:
        return None
    words = plain(part).split()
    if any(w.isdecimal() or any(c.isdecimal() for c in w) for w in words):
        return part
    return part if [w for w in words if w not in _TRIVIAL_WORDS] else None


def _tidy(said: str) -> str:
    """Without the opening fillers ("nhà tui ở", "địa chỉ là") and trailing particles."""
    folded = fold(said).lower()
    start = _LEADING_FILLER.match(folded)
    begin = start.end() if start else 0
    tail = _TRAILING_FILLER.search(folded, begin)
    end = tail.start() if tail and tail.start() > begin else len(said)
    return said[begin:end].strip(" ,.;:-")


def _without_phone(said: str) -> str:
    """The message without a phone number and the words that announce it."""
    match = re.search(r"(?:\+\s?)?\d(?:[ .\-]?\d){8,12}", said)
    if match is None or phones.find_mobile(match.group()) is None:
        return said
    head = said[: match.start()]
    lead = _PHONE_LEAD.search(fold(head).lower())
    head = head[: lead.start()] if lead else head
    return f"{head} {said[match.end():]}".strip(" ,.;:-")


def with_details(ctx: Context, draft: ReportDraft, text: str, place_given: bool = False) -> ReportDraft:
    """What else a report message says: only this house or the street, the breaker
    (when named), since when, a number. From a message that gave a place, since when is
    taken only as an hour or "x minutes ago" ("đường 30 tháng 4" is no date of the outage)."""
    scope = reader.scope(text) if draft.scope is None else None
    breaker = reader.breaker(text, explicit_only=True) if draft.breaker is None else None
    since = draft.since
    if since is None:
        start = reader.start_time(text)
        if start is not None and not start.unknown:
            precise = start.time or start.minutes_ago is not None or start.recent
            since = start.said if precise or not place_given else None
    phone = draft.phone or phone_in(ctx)
    return replace(
        draft,
        scope=draft.scope or (scope.value if scope else None),
        breaker=draft.breaker or (breaker.value if breaker else None),
        since=since,
        phone=phone,
    )


def with_place(draft: ReportDraft, place: Place) -> ReportDraft:
    area = place.area.path if place.area is not None else draft.area
    if place.ward_only:
        return replace(draft, area=area)
    return replace(draft, location=place.text, area=area)


def says_no_address(text: str) -> bool:
    return bool(_NO_ADDRESS.search(plain(text)))
