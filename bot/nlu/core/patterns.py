"""Spans built from digits: customer codes, phones, money, dates, months, times.

All functions read the normalised text stripped of diacritics (same length as the
normalised text, so offsets are shared) and return ``Span`` objects with a value in
the formats documented in docs/nlu.md. Detection order matters: codes, then phones,
dates, months, times and money; a later kind never overlaps an earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.core.coverage import Coverage

CODE = "customer_code"
MALFORMED_CODE = "malformed_customer_code"
PHONE = "phone"
MONEY = "money"
DATE = "date"
PERIOD = "period"
TIME = "time"
NUMBER = "number"


@dataclass(frozen=True)
class Span:
    kind: str
    start: int  # offsets in the normalised text
    end: int
    value: str


# --- customer codes ---------------------------------------------------------------

_CODE_RUN_RE = re.compile(r"(?<![a-z0-9])(p[a-z])[ \-.:]{0,3}(\d+(?:[ \-.]\d+){0,15})(?![a-z0-9])")


def find_codes(plain: str, prefixes: frozenset[str], length: int = 11) -> list[Span]:
    """Well-formed codes and, separately, code-like strings of the wrong length."""
    spans = []
    for match in _CODE_RUN_RE.finditer(plain):
        prefix = match.group(1).upper()
        groups = list(re.finditer(r"\d+", match.group(2)))
        total, end = 0, match.end(1)
        for group in groups:
            total += len(group.group())
            end = match.start(2) + group.end()
            if total >= length:
                break
        digits = re.sub(r"\D", "", plain[match.start(2) : end])
        if total == length and prefix in prefixes:
            spans.append(Span(CODE, match.start(), end, prefix + digits))
        elif total >= 6:
            spans.append(Span(MALFORMED_CODE, match.start(), end, prefix + digits))
    return spans


# --- phones -------------------------------------------------------------------------

_PHONE_RE = re.compile(r"(?<![\d+])(?:\+?84[ .\-]?|0)([35789](?:[ .\-]?\d){8})(?![ .\-]?\d)")


def find_phones(plain: str) -> list[Span]:
    return [
        Span(PHONE, m.start(), m.end(), "0" + re.sub(r"\D", "", m.group(1)))
        for m in _PHONE_RE.finditer(plain)
    ]


# --- money --------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+){0,4}"
_MILLION = r"(?:trieu|tr|cu)"
_THOUSAND = r"(?:nghin|ngan|ngin|k)"
_HALF = r"(?:ruoi|ruou)"
_MONEY_RES = [
    # 1tr2, 1 triệu 2, 1 củ 2, 1 triệu rưỡi, 1 triệu 200 ngàn, 1,2 triệu
    re.compile(
        rf"(?<![\w.,])(?P<n>{_NUM}) ?(?P<u>{_MILLION})"
        rf"(?: ?(?P<half>{_HALF})| ?(?P<rest>\d{{1,3}})(?: ?(?P<restk>{_THOUSAND}))?)?"
        rf"(?: ?(?:dong|d|vnd))?(?!\w)"
    ),
    # 6 lít, 1 lít rưỡi, 2 xị (100.000 each)
    re.compile(rf"(?<![\w.,])(?P<n>\d+) ?(?P<u>lit|xi)(?: ?(?P<half>{_HALF}))?(?!\w)"),
    # 2 trăm ngàn, 2 trăm rưỡi ngàn
    re.compile(rf"(?<![\w.,])(?P<n>\d+) ?(?P<u>tram) ?(?P<half>{_HALF})? ?{_THOUSAND}(?!\w)"),
    # 600k, 600 ngàn, 600 nghìn đồng, 1,5k
    re.compile(rf"(?<![\w.,])(?P<n>{_NUM}) ?(?P<u>{_THOUSAND})(?: ?(?:dong|d|vnd))?(?!\w)"),
    # 600.000đ, 600000 đồng, 600.000 vnd
    re.compile(rf"(?<![\w.,])(?P<n>{_NUM}) ?(?P<u>dong|d|vnd)(?!\w)(?! ho\b)"),
    # 1.200.000 (two or more thousands groups)
    re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:\.\d{3}){2,})(?![\w.,]\d|\w)"),
]
_UNIT = {"trieu": 1_000_000, "tr": 1_000_000, "cu": 1_000_000, "lit": 100_000,
         "xi": 100_000, "tram": 100_000, "nghin": 1000, "ngan": 1000, "ngin": 1000,
         "k": 1000, "dong": 1, "d": 1, "vnd": 1}


def _number(text: str, unit: int) -> float | None:
    """A typed number: dots/commas are thousands separators unless a decimal part."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text) and unit <= 1000:
        return float(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return float(text.replace(".", ""))
    return None


def _money_value(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    unit = _UNIT.get(groups.get("u") or "", 1)
    number = _number(groups["n"], unit)
    if number is None:
        return None
    if groups.get("u") == "tram":  # "2 trăm ngàn" = 200 x 1000
        unit = 100_000
    value = number * unit
    if groups.get("half"):
        value += unit / 2
    rest = groups.get("rest")
    if rest:
        if groups.get("restk"):  # 1 triệu 200 ngàn
            value += int(rest) * 1000
        else:  # 1tr2 = 1.2 million, 1tr25 = 1.25 million, 1tr200 = 1.2 million
            value += int(rest) * unit / 10 ** len(rest)
    return int(round(value)) if value > 0 else None


def find_money(plain: str) -> list[Span]:
    found: list[Span] = []
    taken = Coverage(len(plain))
    for regex in _MONEY_RES:
        for match in regex.finditer(plain):
            if taken.overlaps(match.start(), match.end()):
                continue
            value = _money_value(match)
            if value is not None:
                found.append(Span(MONEY, match.start(), match.end(), str(value)))
                taken.add(match.start(), match.end())
    return sorted(found, key=lambda s: s.start)


# --- dates and months ---------------------------------------------------------------

_MONTH_YEAR_RE = re.compile(
    r"(?<![\w/.\-])(?:(?:thang|thg|t) ?)?(\d{1,2}) ?[/\-] ?(20\d{2})(?![\w/])"
    r"|(?<![\w/.\-])(?:thang|thg) ?(\d{1,2}) (?:nam|/) ?(20\d{2})(?![\w/])"
)
# not "2 tháng 1 lần" (once every two months)
_MONTH_RE = re.compile(
    r"(?<![\w/])(?:thang|thg) ?(\d{1,2})(?![\w/]|[.,]\d)(?! lan\b)|(?<![\w/])t(\d{1,2})(?![\w/.,])"
)
# "tháng 6 năm ngoái" / "t6 năm rồi" / "tháng 6 năm nay": a month of a year counted
# from this one (after a month number, "nam ngoai" can only be "năm ngoái").
_MONTH_OF_YEAR_RE = re.compile(
    r"(?<![\w/])(?:(?:thang|thg) ?|t)(\d{1,2}) (?:cua )?nam (ngoai|truoc|roi|nay|sau|toi)(?!\w)"
)
_YEAR_OFFSETS = {"ngoai": -1, "truoc": -1, "roi": -1, "nay": 0, "sau": 1, "toi": 1}
_DAY_MONTH_RE = re.compile(
    r"(?<![\w/.\-])(?:ngay ?)?(\d{1,2})[/\-](\d{1,2})(?:[/\-](20\d{2}|\d{2}))?(?![\w/]|[.,]\d)"
)
_DAY_WORDS_RE = re.compile(
    r"(?<![\w/])(?:ngay )?(\d{1,2}) thang (\d{1,2})(?: (?:nam )?(20\d{2}))?(?![\w/]|[.,]\d)(?! lan\b)"
)  # not "2 tháng 1 lần" (once every two months)
_DAY_RE = re.compile(r"(?<![\w/])ngay (\d{1,2})(?![\w/]|[.,]\d)(?! ?(?:thang|/))")


def find_periods(plain: str) -> list[Span]:
    found = []
    taken = Coverage(len(plain))
    for m in _MONTH_YEAR_RE.finditer(plain):
        month = int(m.group(1) or m.group(3))
        year = int(m.group(2) or m.group(4))
        if 1 <= month <= 12:
            found.append(Span(PERIOD, m.start(), m.end(), f"{year:04d}-{month:02d}"))
            taken.add(m.start(), m.end())
    for m in _MONTH_OF_YEAR_RE.finditer(plain):
        month = int(m.group(1))
        if 1 <= month <= 12 and not taken.overlaps(m.start(), m.end()):
            year = f"{_YEAR_OFFSETS[m.group(2)]:+d}".replace("+0", "0")
            found.append(Span(PERIOD, m.start(), m.end(), f"month:{month};year:{year}"))
            taken.add(m.start(), m.end())
    for m in _MONTH_RE.finditer(plain):
        month = int(m.group(1) or m.group(2))
        if 1 <= month <= 12 and not taken.overlaps(m.start(), m.end()):
            found.append(Span(PERIOD, m.start(), m.end(), f"month:{month}"))
    return sorted(found, key=lambda s: s.start)


def find_dates(plain: str) -> list[Span]:
    found = []
    taken = Coverage(len(plain))
    for m in _DAY_MONTH_RE.finditer(plain):
        if m.group() == "24/7":  # "trực 24/7": round the clock
            continue
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year = m.group(3)
        if year:
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            value = f"day:{day}/{month}/{full_year}"
        else:
            value = f"day:{day}/{month}"
        found.append(Span(DATE, m.start(), m.end(), value))
        taken.add(m.start(), m.end())
    for m in _DAY_WORDS_RE.finditer(plain):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12 and not taken.overlaps(m.start(), m.end()):
            year = f"/{m.group(3)}" if m.group(3) else ""
            found.append(Span(DATE, m.start(), m.end(), f"day:{day}/{month}{year}"))
            taken.add(m.start(), m.end())
    for m in _DAY_RE.finditer(plain):
        day = int(m.group(1))
        if 1 <= day <= 31 and not taken.overlaps(m.start(), m.end()):
            found.append(Span(DATE, m.start(), m.end(), f"day:{day}"))
    return sorted(found, key=lambda s: s.start)


# --- times --------------------------------------------------------------------------

_PARTS = r"(?:sang|trua|chieu|toi|dem|khuya)"
_TIME_RE = re.compile(
    r"(?<![\w.,/])(?P<h>\d{1,2}) ?(?:h|gio|g(?= ?\d)|:)"
    r"(?: ?(?P<m>\d{1,2})(?: ?(?:p|phut))?| ?(?P<half>ruoi))?"
    rf"(?: ?(?P<part>{_PARTS}))?(?!\w)"
)


def _hour_24(hour: int, part: str | None) -> int:
    if part in ("chieu", "toi") and hour < 12:
        return hour + 12
    if part == "trua" and hour < 6:
        return hour + 12
    if part in ("dem", "khuya") and 6 <= hour < 12:
        return hour + 12
    if part == "sang" and hour == 12:
        return 0
    return hour


def find_times(plain: str) -> list[Span]:
    found = []
    for m in _TIME_RE.finditer(plain):
        hour = int(m.group("h"))
        minute = 30 if m.group("half") else int(m.group("m") or 0)
        part = m.group("part")
        if hour > 24 or minute > 59:
            continue
        hour = _hour_24(hour, part) % 24
        found.append(Span(TIME, m.start(), m.end(), f"{hour:02d}:{minute:02d}"))
    return found


# --- plain numbers --------------------------------------------------------------------

_NUMBER_RE = re.compile(r"(?<!\w)\d+(?:[.,]\d+){0,6}(?!\w)")


def find_numbers(plain: str) -> list[Span]:
    return [Span(NUMBER, m.start(), m.end(), m.group()) for m in _NUMBER_RE.finditer(plain)]


# --- all together ---------------------------------------------------------------------


def find_all(plain: str, code_prefixes: frozenset[str], code_length: int = 11) -> list[Span]:
    """Every numeric span, earlier kinds winning overlaps, sorted by position."""
    chosen: list[Span] = []
    taken = Coverage(len(plain))
    for finder in (
        lambda t: find_codes(t, code_prefixes, code_length),
        find_phones,
        find_dates,
        find_periods,
        find_times,
        find_money,
        find_numbers,
    ):
        for span in finder(plain):
            if not taken.overlaps(span.start, span.end):
                chosen.append(span)
                taken.add(span.start, span.end)
    return sorted(chosen, key=lambda s: s.start)
