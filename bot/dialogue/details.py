"""The details a message gives: codes, months, dates, places, kWh, households, tickets.

Read from the NLU's entities first. Where the NLU has no entity yet (or drops a part,
like the year of "tháng 6 năm ngoái"), the text is read defensively with a few patterns,
so a follow-up such as "còn 1 hộ thì sao" or "cùng kỳ năm ngoái" still carries its
detail. :func:`is_bare_follow_up` tells whether a message is only details and follow-up
words ("còn tháng 9 thì sao", "thế 400 số?"): then it asks the same topic again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue.text import fold, plain
from bot.dialogue.turn import Turn
from bot.nlu.core import read as reader

MAX_KWH = 100_000
MAX_HOUSEHOLDS = 20
_NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6}

_CODE_RE = re.compile(r"(?<![a-z0-9])(p[a-z])[\s.-]*((?:\d[\s.-]*){10}\d)(?![0-9])")
_KWH_RE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:kwh|kw|k w h|so dien|so|ky|ki|chu)(?![\w])"
)
_HOUSEHOLDS_RE = re.compile(r"(?<![\w.,])(\d{1,2}|mot|hai|ba|bon|nam|sau)\s?(?:ho|gia dinh)(?!\w)")
_LAST_YEAR_RE = re.compile(r"(?<!\w)(?:cung ky )?nam (?:ngoai|truoc|roi|qua)(?!\w)")
_SAME_PERIOD_RE = re.compile(r"(?<!\w)cung ky(?!\w)")
_MONTH_RE = re.compile(r"(?<!\w)(?:thang|t) ?(\d{1,2})(?!\d)")
_PERIOD_WORDS = {
    "relative:-1": re.compile(r"(?<!\w)(?:thang|ky|ki) (?:truoc|roi|vua roi|qua)(?!\w)"),
    "relative:0": re.compile(r"(?<!\w)(?:thang|ky|ki) (?:nay|hien tai)(?!\w)"),
    "relative:+1": re.compile(r"(?<!\w)(?:thang|ky|ki) (?:sau|toi)(?!\w)"),
}
_AREA_RE = re.compile(
    r"(?<!\w)(?:(?:phuong|xa|thi tran|quan|huyen|thi xa|thanh pho)(?!\w)|[pq]\.? ?(?=\d)|p\. ?(?=\w)"
    r"|tp\.? ?(?=\w))"
)
_TIER_RE = re.compile(r"(?<!\w)bac (?:thu )?([1-9])(?!\d)")
_PREVIOUS_TARIFF_RE = re.compile(r"(?<!\w)gia (?:cu|truoc|dot truoc|nam ngoai)(?!\w)|truoc khi tang gia")
_AREA_TAIL_RE = re.compile(r"\s*(?:thi sao|the nao|nua|sao|a|nha|vay|z|thi|co khong|ko|khong)?\s*[?!.]*\s*$")


@dataclass(frozen=True)
class Details:
    codes: tuple[str, ...] = ()
    malformed_codes: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()  # billing months as the NLU writes them (+ "month:6;year:-1")
    dates: tuple[str, ...] = ()  # date entity values (outage schedules)
    areas: tuple[str, ...] = ()
    kwh: int | None = None
    households: int | None = None
    ticket: str | None = None
    service: str | None = None
    tier: int | None = None  # a tariff tier ("bậc 4")
    tariff_when: str | None = None  # "previous" ("giá cũ")
    channel: str | None = None  # a payment channel (the NLU's payment_channel value)
    spans: tuple[str, ...] = ()  # the folded text of every detail found (see is_bare_follow_up)

    @property
    def code(self) -> str | None:
        return self.codes[-1] if self.codes else None

    @property
    def area(self) -> str | None:
        return self.areas[-1] if self.areas else None

    def any(self) -> bool:
        return bool(
            self.codes
            or self.periods
            or self.dates
            or self.areas
            or self.kwh is not None
            or self.households is not None
            or self.ticket
            or self.tier is not None
            or self.tariff_when
            or self.channel
        )


def read(turn: Turn) -> Details:
    """Every detail of the message: entities first, then the text's own patterns."""
    folded = plain(turn.text)
    numbers = " ".join(re.findall(r"[\w.,]+", fold(turn.text)))  # keeps "1.200"
    spans = [plain(e.typed) for e in turn.entities if e.typed]
    codes = [v.upper() for v in turn.values("customer_code")]
    if not codes and not turn.malformed_codes and (match := _CODE_RE.search(fold(turn.text))):
        codes.append(match.group(1).upper() + re.sub(r"\D", "", match.group(2)))
        spans.append(plain(match.group(0)))
    periods = _periods(turn, folded, spans)
    kwh = _int_entity(turn, "kwh")
    if kwh is None and (match := _first(_KWH_RE, numbers, lambda v: 1 < v <= MAX_KWH)):
        kwh = _number(match.group(1))
        spans.append(plain(match.group(0)))
    households = _int_entity(turn, "households")
    if households is None and (match := _HOUSEHOLDS_RE.search(numbers)):
        households = min(max(_number(match.group(1)), 1), MAX_HOUSEHOLDS)
        spans.append(match.group(0))
    ticket = turn.first("ticket_number") or reader.ticket_number(turn.text)
    if ticket:
        spans.append(plain(ticket))
    tier = _int_entity(turn, "tier")
    if tier is None and (match := _TIER_RE.search(folded)):
        tier = int(match.group(1))
        spans.append(match.group(0))
    tariff_when = turn.first("tariff_when")
    if tariff_when is None and (match := _PREVIOUS_TARIFF_RE.search(folded)):
        tariff_when = "previous"
        spans.append(match.group(0))
    areas = list(turn.values("area"))
    if not areas and not turn.is_button and (found := _area_text(turn.text)):
        areas.append(found)
        spans.append(plain(found))
    return Details(
        codes=tuple(dict.fromkeys(codes)),
        malformed_codes=tuple(turn.malformed_codes),
        periods=tuple(dict.fromkeys(periods)),
        dates=tuple(dict.fromkeys(turn.values("date"))),
        areas=tuple(dict.fromkeys(areas)),
        kwh=kwh,
        households=households,
        ticket=ticket.upper().replace(" ", "") if ticket else None,
        service=turn.first("service_kind"),
        tier=tier,
        tariff_when=tariff_when,
        channel=turn.first("payment_channel"),
        spans=tuple(s for s in spans if s),
    )


def _periods(turn: Turn, folded: str, spans: list[str]) -> list[str]:
    values = list(turn.values("period"))
    if not values:  # the NLU found none: months and relative months in the text
        for value, pattern in _PERIOD_WORDS.items():
            if match := pattern.search(folded):
                values.append(value)
                spans.append(match.group(0))
        for match in _MONTH_RE.finditer(folded):
            if 1 <= int(match.group(1)) <= 12:
                values.append(f"month:{int(match.group(1))}")
                spans.append(match.group(0))
    last_year = _LAST_YEAR_RE.search(folded)
    if last_year:
        spans.append(last_year.group(0))
        months = [v for v in values if v.startswith("month:") and ";" not in v]
        if months:  # "tháng 6 năm ngoái": June of last year
            values = [f"{v};year:-1" if v in months else v for v in values]
        elif not values:  # "năm ngoái", "cùng kỳ năm ngoái": the same month a year before
            values.append("relative:-12")
    elif not values and (same := _SAME_PERIOD_RE.search(folded)):
        values.append("relative:-12")
        spans.append(same.group(0))
    return values


def _first(pattern: re.Pattern[str], text: str, accept) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if accept(_number(m.group(1)))), None)


def _number(text: str) -> int:
    return _NUMBER_WORDS.get(text) or int(re.sub(r"[.,]", "", text))


def _int_entity(turn: Turn, name: str) -> int | None:
    for value in turn.values(name):
        digits = re.sub(r"\D", "", str(value))
        if digits and int(digits) > 0:
            return int(digits)
    return None


def _area_text(text: str) -> str | None:
    """``"còn phường An Hòa thì sao"`` -> ``"phường An Hòa"`` (resolved by the outage services)."""
    folded = fold(text)
    match = _AREA_RE.search(folded)
    if match is None:
        return None
    found = text[match.start() :]
    tail = _AREA_TAIL_RE.search(fold(found))
    found = found[: tail.start()] if tail else found
    found = found.strip(" ,.?!")
    return found if 3 <= len(found) <= 120 else None


# ----------------------------------------------------------------- follow-up shape

FOLLOW_UP_WORDS = frozenset(
    "con the vay z v roi thi sao nua a ah ha nhi nha ne nhe hen ta di oi em anh chi tui toi minh "
    "cho xem coi giup dum gium voi cua la neu nhu ntn nao bao nhieu bn ma so ky ki thang nay phieu "
    "vay thi lai sao ha duoc khong ko k hong nhieu tien het".split()
)
MAX_LEFTOVER_WORDS = 0


def is_bare_follow_up(turn: Turn, details: Details) -> bool:
    """Only details and follow-up words: "còn tháng 9 thì sao", "thế 400 số?", "tháng 6
    năm ngoái", "còn mã PB11020000002?" (then the topic on screen is asked again)."""
    if not details.any() or turn.is_button:
        return False
    text = f" {plain(turn.text)} "
    for span in sorted(details.spans, key=len, reverse=True):
        if span:
            text = text.replace(f" {span} ", " ", 1) if f" {span} " in text else text.replace(span, " ", 1)
    leftover = [w for w in text.split() if w not in FOLLOW_UP_WORDS and not w.isdecimal()]
    return len(leftover) <= MAX_LEFTOVER_WORDS
