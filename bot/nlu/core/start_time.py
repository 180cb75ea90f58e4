"""Since when the power is out, as the customer says it in an outage report.

"từ 7h sáng", "từ tối qua", "hồi nãy", "2 tiếng trước", "không nhớ": a ``StartTime``
with relative values (resolved later with the clock, like the ``date`` and ``time``
entities). A message that says no time ("vẫn mất điện", "ok tạo phiếu giúp tôi") is
``None``: the caller asks again rather than store it as the start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.core.analysis import Analyzer
from bot.nlu.core.diacritics import strip_diacritics

MAX_SAID_CHARS = 100

_RECENT_RE = re.compile(
    r"\b(?:hoi nay|luc nay|vua nay|ban nay|khi nay|vua moi|moi day|moi (?:cup|mat|tat)|vua (?:cup|mat|tat)|"
    r"nay gio|moi (?:xong|ne)|vua xong)\b"
)
_UNKNOWN_RE = re.compile(
    r"\b(?:khong|ko|k|hong|hok|chang|chua) (?:nho|biet|ro|de y|chu y|dem|coi gio)\b|\bquen (?:mat|roi|gio)?\b"
)
_SINCE_PART_RE = re.compile(r"\b(?:tu|hoi|luc|khoang) (sang|trua|chieu|toi|dem|khuya)\b")
_PARTS = {"sang": "part:morning", "trua": "part:noon", "chieu": "part:afternoon", "toi": "part:evening",
          "dem": "part:night", "khuya": "part:late_night"}
_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "nua": 0.5, "may": None}
_AGO_RE = re.compile(
    r"\b(?P<n>\d{1,3}|mot|hai|ba|bon|nam|sau|nua|ca) ?(?P<u>tieng|gio|h|phut|p)(?: dong ho)?"
    r" (?:truoc|roi|nay|qua|gi do)"
)


@dataclass(frozen=True)
class StartTime:
    said: str  # the message as typed (spaces tidied, at most 100 characters), for the crew
    day: str | None = None  # a ``date`` value: "relative_day:-1", "weekday:6", "day:5/12"
    time: str | None = None  # a ``time`` value: "07:00", "part:morning"
    minutes_ago: int | None = None  # "2 tiếng trước" -> 120, "nửa tiếng rồi" -> 30
    recent: bool = False  # "hồi nãy", "vừa mới": a few minutes ago
    unknown: bool = False  # "không nhớ": the customer does not know


def parse_start_time(text: str | None, analyzer: Analyzer) -> StartTime | None:
    """The start of an outage said in ``text``, or None when it says no time."""
    said = " ".join((text or "").split())[:MAX_SAID_CHARS]
    if not said or said.startswith("/"):
        return None
    norm = analyzer.normalise(said)
    plain = strip_diacritics(norm.text)
    entities, _ = analyzer.entities(said, norm)
    day = next((e.value for e in entities if e.entity == "date"), None)
    time = next((e.value for e in entities if e.entity == "time"), None)
    if time is None and (part := _SINCE_PART_RE.search(plain)):
        time = _PARTS[part.group(1)]  # "từ sang" typed bare: "từ sáng"
    minutes = _minutes_ago(plain)
    recent = bool(_RECENT_RE.search(plain))
    if day or time or minutes is not None or recent:
        return StartTime(said, day, time, minutes, recent)
    if _UNKNOWN_RE.search(plain):
        return StartTime(said, unknown=True)
    return None


def _minutes_ago(plain: str) -> int | None:
    match = _AGO_RE.search(plain)
    if match is None:
        return None
    number = match.group("n")
    if number == "ca":  # "cả tiếng rồi"
        count: float = 1
    elif number.isdecimal():
        count = int(number)
    else:
        value = _WORD_NUMBERS.get(number)
        if value is None:
            return None
        count = value
    per_unit = 60 if match.group("u") in ("tieng", "gio", "h") else 1
    return int(count * per_unit)
