"""A free-text address or landmark, as a customer types it for an outage or hazard report.

"123 Trần Hưng Đạo, phường An Khánh, Ninh Kiều", "hẻm 5 đường 30/4 p1 tp tây ninh",
"ấp 3 xã Tân Phú Đồng Tháp", "gần chợ Tân An": the place part is found by the area
gazetteer (old or new ward names, as the ``area`` entity), the street part before it
is kept as typed, a landmark after "gần / đối diện / kế bên" is kept too. Resolving the
place to the current ward is the gazetteer's job (``bot.domain.places.resolve``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.core.analysis import Analyzer
from bot.nlu.core.diacritics import strip_diacritics

MAX_SAID_CHARS = 300

# Words that make a piece of text a street address (read without diacritics).
_STREET_RE = re.compile(
    r"\b(?:so nha|so|duong|d|hem|kiet|ngo|ngach|hxh|ap|khom|to|khu pho|kp|khu|thon|xom|quoc lo|ql|"
    r"tinh lo|tl|huong lo|cho|chung cu|lo|block|toa|cu xa)\b|\d"
)
_LANDMARK_RE = re.compile(
    r"\b(?:gan|doi dien|ke ben|ben canh|canh|sat|sau|truoc|ngay|phia sau|phia truoc|cach) "
    r"(?=\w)"
)
# Words that open the message but are not part of the address.
_FILLER_RE = re.compile(
    r"^(?:(?:da|vang|ad|ad oi|em|anh|chi|tui|toi|minh|nha|nha tui|nha toi|nha minh|nha em|o|tai|"
    r"dia chi|dc|la|cua|khu vuc|khu nha|cho|nha o)\b[\s,:.]*)+"
)
_TRAILING_RE = re.compile(r"[\s,.;:!?-]*(?:\b(?:a|nha|nhe|ak|ah|do|ne|ha|vay|z|luon|oi|ad)\b[\s,.!?]*)*$")


@dataclass(frozen=True)
class Address:
    said: str  # the message as typed (spaces tidied, at most 300 characters)
    street: str | None  # the street part as typed: "123 Trần Hưng Đạo", "hẻm 5 đường 30/4"
    area: str | None  # the place as the ``area`` entity names it: "Phường An Khánh, Quận Ninh Kiều"
    landmark: str | None  # what it is near, as typed: "chợ Tân An", "trường tiểu học Phú Hòa"

    @property
    def has_location(self) -> bool:
        return bool(self.street or self.area or self.landmark)


def parse_address(text: str | None, analyzer: Analyzer) -> Address | None:
    """The address in ``text``, or None when nothing in it reads as a place."""
    said = " ".join((text or "").split())[:MAX_SAID_CHARS]
    if not said or said.startswith("/"):
        return None
    norm = analyzer.normalise(said)
    plain = strip_diacritics(norm.text)
    entities, _ = analyzer.entities(said, norm)
    areas = [e for e in entities if e.entity == "area"]
    area = ", ".join(e.value for e in areas) or None
    first_area = areas[0].start if areas else len(said)

    landmark = None
    head_end = first_area
    if found := _LANDMARK_RE.search(plain):
        start, _ = norm.original_span(found.end(), found.end() + 1)
        end = next((e.start for e in areas if e.start > start), len(said))
        landmark = _tidy(said[start:end]) or None
        if landmark and start < head_end:
            head_end = norm.original_span(found.start(), found.start() + 1)[0]

    street = _street(said[:head_end])
    if street is None and not areas and landmark is None:
        return None
    return Address(said, street, area, landmark)


def _street(head: str) -> str | None:
    """The street part: what precedes the place, without the opening fillers."""
    tidy = _tidy(head)
    plain = strip_diacritics(tidy.lower())
    filler = _FILLER_RE.match(plain)
    if filler:
        tidy = tidy[filler.end() :]
        plain = plain[filler.end() :]
    if not tidy or not _STREET_RE.search(plain):
        return None
    return tidy


def _tidy(text: str) -> str:
    return _TRAILING_RE.sub("", text.strip(" ,.;:-")).strip(" ,.;:-")
