"""Where, and whom to call back: what makes an outage or hazard ticket one a crew can act
on (issue 11). Shared by topics/report.py (outages) and topics/hazard.py (dangers).

Without a customer code the customer is verified for, a report asks for an address or
a landmark and a number to call back, in one question (``AWAIT_REPORT_PLACE``). The next
message is read as the place whatever the NLU made of it ("123 Nguyễn Trãi, phường 2,
quận 5", "gan cho Ben Thanh"): the street and landmark as written, the ward when the
words name one (old or new names: the checks of known outages use it). A message that
is no place is asked again with what would do (never "em chưa hiểu"); one that asks
something else moves on. A number is then asked if the place came without one
(``AWAIT_REPORT_PHONE``): a Vietnamese mobile number (bot.domain.phones), repeated
masked; "không có" goes on without. A verified code needs neither: the registered
address and mobile are used. Any answer may also carry since when, or a customer code.

The draft (bot.dialogue.state.ReportDraft) travels in the awaited answer; the module of
its kind goes on (:func:`resume`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.dialogue.context import Asked, Context
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_HAZARD_PLACE,
    AWAIT_REPORT_PHONE,
    AWAIT_REPORT_PLACE,
    AWAIT_SCOPE,
    AWAIT_SINCE,
    Awaiting,
    Question,
    ReportDraft,
)
from bot.dialogue.text import fold, plain
from bot.domain import phones, places
from bot.nlu.core import read as reader
from bot.wording import reports as wording
from bot.wording.customers import code_problem_text

OUTAGE, HAZARD = wording.OUTAGE, wording.HAZARD
NO_PHONE = "none"  # ReportDraft.phone: the customer gave no number (asked once)
REPORT_AWAITS = frozenset(
    {AWAIT_REPORT_PLACE, AWAIT_REPORT_PHONE, AWAIT_SCOPE, AWAIT_BREAKER, AWAIT_SINCE, AWAIT_HAZARD_PLACE}
)
# Answers that are no place before giving up (an outage: the hotline takes it; a danger:
# a person, sooner).
MAX_PLACE_TRIES = {OUTAGE: 3, HAZARD: 2}
MAX_PHONE_TRIES = 2
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
_LANDMARK_WORD = re.compile(
    r"\b(?:gan|doi dien|ke ben|ben canh|canh|sat|sau|truoc|ngay|phia sau|phia truoc|cach|o)\s*$"
)
_DESCRIPTION = re.compile(
    r"[\s,.;-]+(?:(?:bi|da|dang|con|van) )?(?:(?:mat|cup|cat|ngung|ngat) (?:dien|tu|luc|hoi)|bi)\b"
)
_CODE_RE = re.compile(r"(?i)(?:\bma(?: kh| khach hang)?[\s:]*)?\b[a-z]{2}[\s.-]*\d(?:[\s.-]?\d){9,11}\b")
_NO_ADDRESS = re.compile(r"\b(?:khong|ko|k|hong|chua) (?:biet|ro|nho)\b|\bquen\b")
# Intents a place or a number may be taken for by the NLU: they never end the wait.
_MAY_BE_AN_ANSWER = frozenset(
    {"", "inform", "nlu_fallback", "out_of_scope", "affirm", "deny", "report_outage", "report_hazard",
     "ask_outage_schedule", "ask_office", "ask_outage_reason", "ask_supply_status", "ask_restore_time",
     "complain", "change_customer_code", "unsubscribe_alerts", "subscribe_alerts", "ask_contact",
     "ask_next_steps", "cancel", "greet", "thank"}
)  # fmt: skip
SURE = 0.8


@dataclass(frozen=True)
class Place:
    text: str  # as written, tidied ("123 Nguyễn Trãi, phường 2, quận 5")
    area: places.Area | None  # the one current ward the words name, if any
    ward_only: bool = False  # only a ward's name: no street, no landmark


# ------------------------------------------------------------------ reading answers


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
    landmark = _landmark(address.landmark)
    street = _numbered_street(address.street)
    spot = _with_preposition(said, landmark) if landmark else street
    if spot is None:
        return Place(address.area, area, ward_only=True) if area is not None else None
    return Place(", ".join(part for part in (spot, address.area) if part), area)


def _numbered_street(street: str | None) -> str | None:
    """From the first number or street word on ("mất điện ở 12 Lê Lợi" -> "12 Lê Lợi"),
    when it has a number."""
    if not street:
        return None
    match = _STREET_START.search(fold(street).lower())
    if match is None:
        return None
    found = _cut_description(street[match.start() :].strip(" ,.;:-"))
    return found if any(c.isdigit() for c in found) and _specific(found) else None


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


def _no_code(text: str) -> bool:
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
    if any(w.isdigit() or any(c.isdigit() for c in w) for w in words):
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


# --------------------------------------------------------------------- questions


def kind_of(draft: ReportDraft | None) -> str:
    return HAZARD if draft is not None and draft.kind == HAZARD else OUTAGE


def ask_place(
    ctx: Context,
    draft: ReportDraft,
    question: Question,
    lead: str = "",
    failures: int = 0,
    code_noted: bool = False,
) -> Asked:
    """Where (an address or a landmark) and a number, in one question. ``code_noted``: the
    customer just gave a code that is not theirs to use (not verified)."""
    kind = kind_of(draft)
    area = _area_label(draft) if not draft.location else None
    if failures:
        text = wording.place_again(kind, area)
    elif code_noted and draft.code:
        text = wording.code_noted_ask_place(kind, draft.code)
    else:
        text = wording.ask_place(kind, with_code=kind == OUTAGE and not draft.code, lead=lead, area=area)
    return ctx.ask(Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=failures), text)


def ask_phone(
    ctx: Context, draft: ReportDraft, question: Question, failures: int = 0, lead: str = ""
) -> Asked:
    """A number to call back (the place just given is repeated, so a mistake shows)."""
    noted = location_label(draft) if not draft.ticket else None
    text = wording.phone_invalid() if failures else wording.ask_phone(kind_of(draft), noted)
    return ctx.ask(
        Awaiting(AWAIT_REPORT_PHONE, (question,), draft=draft, failures=failures), f"{lead} {text}".strip()
    )


def location_label(draft: ReportDraft) -> str | None:
    """The place as written, with the current ward when the words name an old one or
    leave it out ("123 Nguyễn Trãi, phường 2, quận 5 (Phường Chợ Quán, Thành phố Hồ Chí Minh)")."""
    if not draft.location:
        return None
    found = places.resolve(draft.area).found if draft.area else None
    if found is None or found.single_ward is None:
        return draft.location
    if plain(found.single_ward) in plain(draft.location):
        return draft.location
    return f"{draft.location} ({found.single_ward}, {found.province})"


def _area_label(draft: ReportDraft) -> str | None:
    found = places.resolve(draft.area).found if draft.area else None
    return found.label if found is not None else None


def remind(ctx: Context, awaiting: Awaiting) -> None:
    """The pending question again, short (after an empty message or a safety question)."""
    draft = awaiting.draft or ReportDraft()
    if awaiting.kind == AWAIT_REPORT_PHONE:
        ctx.say(wording.ask_phone(kind_of(draft)))
    else:
        ctx.say(wording.place_again(kind_of(draft), _area_label(draft) if not draft.location else None))


# ---------------------------------------------------------------- awaited answers


def _question(awaiting: Awaiting) -> Question:
    if awaiting.questions:
        return awaiting.questions[0]
    return Question("hazard" if kind_of(awaiting.draft) == HAZARD else "outage_report")


def _asks_something_else(ctx: Context) -> bool:
    return bool(set(ctx.turn.intents) - _MAY_BE_AN_ANSWER) and ctx.turn.confidence >= SURE


def take_place(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """Where the outage or the danger is (a code, an address, a landmark; a number with
    it); None when the message asks something else."""
    if ctx.turn.is_button:
        return None
    draft = awaiting.draft or ReportDraft()
    question = _question(awaiting)
    if ctx.details.code:  # the report is about this customer now
        ctx.update(awaiting=None)
        resume(ctx, with_details(ctx, replace(draft, code=ctx.details.code), ctx.turn.text), question)
        return ()
    place = place_in(ctx, ctx.turn.text)
    if place is None and ctx.details.malformed_codes:
        problem = code_problem_text(ctx.backend.check_format(ctx.details.malformed_codes[0]).problem)
        ask_place(ctx, draft, question, lead=problem)
        return ()
    phone = phone_in(ctx)
    if place is None:
        if _no_code(ctx.turn.text) and not draft.code:  # "không nhớ mã": a place will do
            ctx.ask(
                Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=awaiting.failures),
                wording.no_code_ask_place(kind_of(draft)),
            )
            return ()
        if phone is None and _asks_something_else(ctx):
            return None
        draft = with_details(ctx, draft, ctx.turn.text)
        if phone is not None:
            ctx.ask(
                Awaiting(AWAIT_REPORT_PLACE, (question,), draft=draft, failures=awaiting.failures),
                wording.phone_noted_ask_place(kind_of(draft), phone),
            )
            return ()
        failures = awaiting.failures + 1
        if failures > MAX_PLACE_TRIES[kind_of(draft)]:
            ctx.update(awaiting=None)
            no_place(ctx, draft, question)
            return ()
        ask_place(ctx, draft, question, failures=failures)
        return ()
    draft = with_details(ctx, with_place(draft, place), ctx.turn.text, place_given=True)
    ctx.update(awaiting=None)
    resume(ctx, draft, question)
    return ()


def take_phone(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """The number to call back: a mobile number, or "không có"; None for another question."""
    if ctx.turn.is_button:
        return None
    draft = awaiting.draft or ReportDraft()
    question = _question(awaiting)
    phone = phone_in(ctx)
    if phone is None and (no_phone(ctx.turn.text) or "deny" in ctx.turn.intents):
        phone = NO_PHONE
    if phone is None:
        if ctx.details.code:
            ctx.update(awaiting=None)
            resume(ctx, replace(draft, code=ctx.details.code), question)
            return ()
        if not phones.looks_like_a_number(ctx.turn.text) and _asks_something_else(ctx):
            return None
        failures = awaiting.failures + 1
        if failures > MAX_PHONE_TRIES:
            phone = NO_PHONE  # the report goes on without a number
        else:
            ask_phone(ctx, with_details(ctx, draft, ctx.turn.text), question, failures=failures)
            return ()
    ctx.update(awaiting=None)
    resume(ctx, with_details(ctx, replace(draft, phone=phone), ctx.turn.text), question)
    return ()


def resume(ctx: Context, draft: ReportDraft, question: Question) -> Asked | None:
    """The report of the draft's kind goes on (asks what is missing, or records it)."""
    from bot.dialogue.topics import hazard, report

    if kind_of(draft) == HAZARD:
        return hazard.resume(ctx, draft, question)
    return report.resume(ctx, draft, question)


def no_place(ctx: Context, draft: ReportDraft, question: Question) -> None:
    """No address after asking again: with a ward known, the ward is the place; else the
    report's module says what now."""
    label = _area_label(draft)
    if label:
        resume(ctx, replace(draft, location=label), question)
        return
    from bot.dialogue.topics import hazard, report

    (hazard if kind_of(draft) == HAZARD else report).without_place(ctx, draft, question)


def cancelled(awaiting: Awaiting) -> str:
    """What "thôi", "hủy" get while a report is being collected: it ends, politely."""
    draft = awaiting.draft
    if awaiting.kind == AWAIT_HAZARD_PLACE:
        number = awaiting.questions[0].ticket if awaiting.questions else None
        return wording.cancelled(HAZARD, number)
    return wording.cancelled(kind_of(draft), draft.ticket if draft is not None else None)


def real_phone(draft: ReportDraft) -> str | None:
    return draft.phone if draft.phone and draft.phone != NO_PHONE else None


def says_no_address(text: str) -> bool:
    return bool(_NO_ADDRESS.search(plain(text)))
