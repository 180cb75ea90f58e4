"""Time expressions in words: billing periods, relative days, weekdays, parts of day.

Values stay relative (``relative:-1``, ``relative_day:+1``, ``weekday:6``): the
services resolve them with the clock (bot.clock), so stories never depend on today.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.nlu.core.coverage import Coverage
from bot.nlu.core.patterns import DATE, PERIOD, TIME, Span
from bot.nlu.core.phrases import PhraseTable, Word

# (entity, value, first word, last word) relative to the phrase's first word.
Part = tuple[str, str, int, int]

_PERIODS = {
    "relative:0": ["tháng này", "tháng nay", "kỳ này", "kì này", "tháng hiện tại", "kỳ hiện tại"],
    "relative:-1": ["tháng trước", "tháng rồi", "tháng vừa rồi", "tháng vừa qua", "tháng qua",
                    "kỳ trước", "kì trước", "kỳ rồi", "kì rồi", "kỳ vừa rồi"],
    "relative:-2": ["tháng trước nữa", "kỳ trước nữa"],
    "relative:+1": ["tháng sau", "tháng tới", "kỳ sau", "kỳ tới", "kì tới", "kì sau"],
    # the same month a year back
    "relative:-12": ["cùng kỳ năm ngoái", "cùng kì năm ngoái", "cùng kỳ năm trước", "cùng kỳ năm rồi",
                     "cùng kỳ", "cùng kì", "tháng này năm ngoái", "tháng này năm trước",
                     "tháng này năm rồi", "kỳ này năm ngoái", "kỳ này năm trước"],
}
# Alone, "năm ngoái" means the same month last year only as typed ("nam ngoai" is
# also "nằm ngoài", "nam truoc" in "miền nam trước giờ").
_STRICT_PERIODS = {"relative:-12": ["năm ngoái", "năm trước", "năm rồi", "năm vừa rồi"]}
_DAYS = {
    "relative_day:0": ["hôm nay", "bữa nay", "ngày hôm nay"],
    "relative_day:+1": ["ngày mai", "mai", "bữa mai"],
    "relative_day:+2": ["ngày kia"],
    "relative_day:-1": ["hôm qua", "bữa qua", "ngày hôm qua"],
    "relative_day:-2": ["hôm kia", "bữa kia"],
    "week:0": ["tuần này", "tuần nay"],
    "week:+1": ["tuần sau", "tuần tới"],
    "week:-1": ["tuần trước", "tuần rồi"],
}
_STRICT_DAYS = {"relative_day:+2": ["mốt", "ngày mốt"]}  # "ngày một tăng"
_WEEKDAYS = {
    1: ["thứ 2", "thứ hai"], 2: ["thứ 3", "thứ ba"], 3: ["thứ 4", "thứ tư"],
    4: ["thứ 5", "thứ năm"], 5: ["thứ 6", "thứ sáu"], 6: ["thứ 7", "thứ bảy", "thứ bẩy"],
    7: ["chủ nhật", "cn"],
}
_PARTS_OF_DAY = {
    "part:morning": ("sáng", True), "part:noon": ("trưa", False),
    "part:afternoon": ("chiều", False), "part:evening": ("tối", True),
    "part:night": ("đêm", True), "part:late_night": ("khuya", False),
}
_DAY_WORDS = {"nay": "relative_day:0", "qua": "relative_day:-1", "mai": "relative_day:+1"}
_LENIENT_COMBOS = {"sáng nay", "tối nay", "đêm nay"}
_N_MONTHS_AGO_RE = re.compile(
    r"(?<!\w)(?<!gap )(\d{1,2}|hai|ba|bon) (?:thang|ky|ki) (?:truoc|roi|qua)(?!\w)"
)
# Bare "mai" is the roof (mái) next to these words; bare "mot" at the start is "mốt"
# only before these.
_ROOF_NEIGHBOURS = {"ap", "sat", "tren", "duoi", "lop", "len", "nha", "ton", "ngoi", "hien"}
_MOT_BEFORE = {"co", "cup", "cat", "mat", "bi", "ngung", "dien"}
_WORD_NUMBERS = {"hai": 2, "ba": 3, "bon": 4}


@lru_cache(maxsize=1)
def _table() -> PhraseTable:
    table = PhraseTable()
    for value, phrases in _PERIODS.items():
        for phrase in phrases:
            table.add(phrase, ((PERIOD, value, 0, len(phrase.split()) - 1),))
    for value, phrases in _STRICT_PERIODS.items():
        for phrase in phrases:
            table.add(phrase, ((PERIOD, value, 0, len(phrase.split()) - 1),), strict=True)
    for value, phrases in _DAYS.items():
        for phrase in phrases:
            strict = phrase == "mai"  # bare "mai" only as typed (not "mái", "mãi")
            table.add(phrase, ((DATE, value, 0, len(phrase.split()) - 1),), strict=strict)
    for value, phrases in _STRICT_DAYS.items():
        for phrase in phrases:
            table.add(phrase, ((DATE, value, 0, 0),), strict=True)
    for day, phrases in _WEEKDAYS.items():
        for phrase in phrases:
            table.add(phrase, ((DATE, f"weekday:{day}", 0, len(phrase.split()) - 1),),
                      strict=phrase == "cn")
    for value, (word, strict) in _PARTS_OF_DAY.items():
        table.add(word, ((TIME, value, 0, 0),), strict=strict)
        table.add(f"buổi {word}", ((TIME, value, 0, 1),))
        table.add(f"hồi {word}", ((TIME, value, 0, 1),), strict=word == "tối")  # hỏi tôi
        for day_word, day_value in _DAY_WORDS.items():
            combo = f"{word} {day_word}"
            table.add(combo, ((TIME, value, 0, 0), (DATE, day_value, 1, 1)),
                      strict=strict and combo not in _LENIENT_COMBOS)
    table.add("mai mốt", ())  # "some day": no date
    for vague in ("mấy bữa nay", "mấy hôm nay", "mấy ngày nay", "mấy bữa rồi", "mấy hôm rồi",
                  "mấy tháng nay", "mấy tháng rồi", "mấy tháng trước", "mấy kỳ nay", "mấy kỳ rồi",
                  "mấy kỳ trước", "mấy kì rồi"):
        table.add(vague, ())  # "these few days/months": no date
    # after "từ" (since), "tối"/"hồi tối" cannot be "tôi" (I)
    table.add("từ tối", ((TIME, "part:evening", 1, 1),))
    table.add("từ hồi tối", ((TIME, "part:evening", 1, 2),))
    table.add("từ tối qua", ((TIME, "part:evening", 1, 1), (DATE, "relative_day:-1", 2, 2)))
    table.add("từ tối hôm qua", ((TIME, "part:evening", 1, 1), (DATE, "relative_day:-1", 2, 3)))
    return table


def find_when(words: list[Word], plain: str, taken: list[Span]) -> list[Span]:
    """Period, date and time spans in words, skipping words inside ``taken`` spans."""
    found: list[Span] = []
    before = Coverage(len(plain), ((s.start, s.end) for s in taken))  # spans given
    used = Coverage(len(plain), ((s.start, s.end) for s in taken))  # given and found
    for m in _N_MONTHS_AGO_RE.finditer(plain):
        n = _WORD_NUMBERS.get(m.group(1)) or int(m.group(1))
        if not before.overlaps(m.start(), m.end()):
            found.append(Span(PERIOD, m.start(), m.end(), f"relative:-{n}"))
            used.add(m.start(), m.end())
    if words and words[0].text == "nay" and not used.overlaps(words[0].start, words[0].end):
        found.append(Span(DATE, words[0].start, words[0].end, "relative_day:0"))  # "nay có điện ko"
    if len(words) > 1 and words[0].text == "mot" and words[1].plain in _MOT_BEFORE:
        found.append(Span(DATE, words[0].start, words[0].end, "relative_day:+2"))  # "mot co cup ko"
    for span in found:
        used.add(span.start, span.end)
    table = _table()
    i = 0
    while i < len(words):
        if used.overlaps(words[i].start, words[i].end):
            i += 1
            continue
        match = table.match_at(words, i)
        if match is None:
            i += 1
            continue
        run = words[match.first : match.last + 1]
        if before.overlaps(run[0].start, run[-1].end) or _is_roof(words, match.first, match.last):
            i += 1
            continue
        for entity, value, first, last in match.payload:
            found.append(Span(entity, run[first].start, run[last].end, value))
            used.add(run[first].start, run[last].end)
        i = match.last + 1
    return _merge_weekday_and_week(sorted(found, key=lambda s: s.start), plain)


def _is_roof(words: list[Word], first: int, last: int) -> bool:
    """Bare ``mai`` next to ``áp``/``nhà``... is ``mái`` (roof), not tomorrow."""
    if first != last or words[first].text != "mai":
        return False
    before = words[first - 1].plain if first > 0 else ""
    after = words[last + 1].plain if last + 1 < len(words) else ""
    return before in _ROOF_NEIGHBOURS or after in _ROOF_NEIGHBOURS


def _merge_weekday_and_week(spans: list[Span], plain: str) -> list[Span]:
    """``thứ 7 tuần sau`` is one date: ``weekday:6,week:+1``."""
    merged: list[Span] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.value.startswith("weekday:")
            and span.value.startswith("week:")
            and plain[previous.end : span.start].strip() == ""
        ):
            merged[-1] = Span(DATE, previous.start, span.end, f"{previous.value},{span.value}")
        else:
            merged.append(span)
    return merged

