"""One object that knows the resources and answers the components' questions.

Everything returned points into the original text (what the customer typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.core import patterns
from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.coverage import Coverage
from bot.nlu.core.details import find_details
from bot.nlu.core.diacritics import has_diacritics, strip_diacritics
from bot.nlu.core.hazard import HAZARD_KINDS, HazardMatch, load_hazards
from bot.nlu.core.normalise import load_teencode, normalise
from bot.nlu.core.patterns import Span
from bot.nlu.core.phrases import words_of
from bot.nlu.core.places import load_gazetteer
from bot.nlu.core.resources import (
    CODES_FILE,
    HAZARDS_FILE,
    LEXICON_FILE,
    PLACE_ALIASES_FILE,
    TEENCODE_FILE,
    load_yaml,
)
from bot.nlu.core.segment import Segmenter, load_lexicon, underthesea_word_tokenize
from bot.nlu.core.when import find_when

NORMALISER_FILES = (TEENCODE_FILE,)
TOKENIZER_FILES = (TEENCODE_FILE, LEXICON_FILE, CODES_FILE, PLACE_ALIASES_FILE)
EXTRACTOR_FILES = (TEENCODE_FILE, CODES_FILE, PLACE_ALIASES_FILE, HAZARDS_FILE)
HAZARD_FILES = (TEENCODE_FILE, HAZARDS_FILE)

AREA = "area"
HAZARD_KIND = "hazard_kind"
WHEN = "when"
ENTITY_KINDS = {
    patterns.CODE: "customer_code",
    patterns.PHONE: "phone",
    patterns.MONEY: "money",
    patterns.DATE: "date",
    patterns.PERIOD: "period",
    patterns.TIME: "time",
}
# A 4-digit number followed by one of these is a quantity, not a verification answer.
_UNIT_AFTER_RE = re.compile(
    r" ?(so|ky|kwh|kw|ki|dong|d|k|nghin|ngan|trieu|tr|gio|h|phut|ngay|thang|nam|lan|ho|nguoi|m|met|w|v)\b"
)
_YEAR_BEFORE_RE = re.compile(r"(\bnam|/|-)\s?$")


@dataclass(frozen=True)
class Entity:
    entity: str
    start: int  # offsets in the original text
    end: int
    value: str


class Analyzer:
    def __init__(
        self, directory: Path, use_underthesea: bool = True, when_placeholders: bool = True
    ) -> None:
        self.directory = directory
        self._teencode = load_teencode(directory)
        codes = load_yaml(directory, CODES_FILE)
        self._code_prefixes = frozenset(str(p).upper() for p in codes.get("prefixes") or ())
        self._code_length = int(codes.get("digits", 11))
        self._segmenter: Segmenter | None = None
        self._use_underthesea = use_underthesea
        self._when_placeholders = when_placeholders

    # --- normalisation ------------------------------------------------------------

    def normalise(self, text: str) -> AlignedText:
        return normalise(text, self._teencode)

    def spans(self, norm: AlignedText) -> list[Span]:
        plain = strip_diacritics(norm.text)
        return patterns.find_all(plain, self._code_prefixes, self._code_length)

    # --- tokens ---------------------------------------------------------------------

    def tokens(self, text: str, norm: AlignedText | None = None) -> list[tuple[int, int, str]]:
        """(start, end, lemma) of each token, offsets in ``text``."""
        norm = norm if norm is not None else self.normalise(text)
        if self._segmenter is None:
            model = underthesea_word_tokenize if self._use_underthesea else None
            self._segmenter = Segmenter(load_lexicon(self.directory), word_tokenize=model)
        spans = self.spans(norm)
        protected = self._area_spans(norm, spans)
        if self._when_placeholders:
            protected += self._when_spans(norm, spans + protected)
        covered = Coverage(len(norm.text), ((p.start, p.end) for p in protected))
        spans = [s for s in spans if not covered.overlaps(s.start, s.end)] + protected
        segments = self._segmenter.segment(norm.text, spans, has_diacritics(text))
        result = []
        for segment in segments:
            start, end = norm.original_span(segment.start, segment.end)
            result.append((start, end, segment.lemma))
        if not result and text.strip():
            stripped = text.strip()
            start = text.index(stripped)
            result.append((start, start + len(stripped), stripped.lower()))
        return result

    def _area_spans(self, norm: AlignedText, taken: list[Span]) -> list[Span]:
        """Place names as protected spans: one ``__area__`` token each."""
        gazetteer = load_gazetteer(self.directory)
        numeric = [(s.start, s.end) for s in taken if s.kind != patterns.NUMBER]
        return [
            Span(AREA, start, end, value)
            for start, end, value in gazetteer.find(words_of(norm.text), norm.text, numeric)
        ]

    def _when_spans(self, norm: AlignedText, taken: list[Span]) -> list[Span]:
        """Time words as protected spans whose placeholder keeps the direction in time
        (``hôm qua`` -> ``__past_day__``, ``thứ 7`` -> ``__future_day__``)."""
        numeric = [s for s in taken if s.kind != patterns.NUMBER]
        found = find_when(words_of(norm.text), strip_diacritics(norm.text), numeric)
        return [Span(WHEN, s.start, s.end, when_placeholder(s)) for s in found]

    # --- entities -------------------------------------------------------------------

    def entities(self, text: str, norm: AlignedText | None = None) -> tuple[list[Entity], list[str]]:
        """The entities, and the values of code-like strings of the wrong length."""
        norm = norm if norm is not None else self.normalise(text)
        plain = strip_diacritics(norm.text)
        spans = self.spans(norm)
        words = words_of(norm.text)
        found: list[tuple[str, int, int, str]] = []
        malformed = []
        for span in spans:
            if span.kind == patterns.MALFORMED_CODE:
                malformed.append(span.value)
            elif span.kind in ENTITY_KINDS:
                found.append((ENTITY_KINDS[span.kind], span.start, span.end, span.value))
            elif span.kind == patterns.NUMBER and self._is_digits_answer(span, plain):
                found.append(("digits", span.start, span.end, span.value))
        numeric = [s for s in spans if s.kind != patterns.NUMBER]
        for span in find_when(words, plain, numeric):
            found.append((span.kind, span.start, span.end, span.value))
        taken = [(s.start, s.end) for s in spans if s.kind != patterns.NUMBER] + [(f[1], f[2]) for f in found]
        for span in find_details(norm.text, plain, taken):
            found.append((span.kind, span.start, span.end, span.value))
        taken = [(s.start, s.end) for s in spans] + [(f[1], f[2]) for f in found]
        for start, end, value in load_gazetteer(self.directory).find(words, norm.text, taken):
            found.append((AREA, start, end, value))
        for match in merged_hazards(load_hazards(self.directory).find(words)):
            found.append((HAZARD_KIND, match.start, match.end, match.kind))
        entities = []
        for kind, start, end, value in sorted(found, key=lambda f: f[1]):
            original_start, original_end = norm.original_span(start, end)
            entities.append(Entity(kind, original_start, original_end, value))
        return entities, malformed

    @staticmethod
    def _is_digits_answer(span: Span, plain: str) -> bool:
        if not (len(span.value) == 4 and span.value.isdecimal()):
            return False
        if _UNIT_AFTER_RE.match(plain, span.end):
            return False
        return not _YEAR_BEFORE_RE.search(plain[max(0, span.start - 6) : span.start])

    # --- hazard ---------------------------------------------------------------------

    def hazards(self, text: str, norm: AlignedText | None = None) -> list[HazardMatch]:
        """Wording of danger, offsets in the normalised text (one match per stretch)."""
        norm = norm if norm is not None else self.normalise(text)
        return merged_hazards(load_hazards(self.directory).find(words_of(norm.text)))


def merged_hazards(matches: list[HazardMatch]) -> list[HazardMatch]:
    """Overlapping matches as one: the widest stretch, the most urgent kind."""
    merged: list[HazardMatch] = []
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        last = merged[-1] if merged else None
        if last is not None and match.start < last.end:
            kind = min((last.kind, match.kind), key=HAZARD_KINDS.index)
            end = max(last.end, match.end)
            phrase = last.phrase if last.end >= match.end else match.phrase
            merged[-1] = HazardMatch(last.first, max(last.last, match.last), last.start, end, phrase, kind)
        else:
            merged.append(match)
    return merged


def when_placeholder(span: Span) -> str:
    """The token lemma of a time expression: its kind and its direction in time."""
    value = span.value
    if span.kind == patterns.TIME:
        return "__time__"
    if value.startswith(("relative:", "relative_day:", "week:")):
        sign = value.split(":", 1)[1].split(",")[0]
        unit = "month" if span.kind == patterns.PERIOD else "day"
        if sign.startswith("-"):
            return f"__past_{unit}__"
        if sign.startswith("+"):
            return f"__next_{unit}__"
        return f"__this_{unit}__"
    if value.startswith("weekday:"):
        return "__next_day__"
    return "__month__" if span.kind == patterns.PERIOD else "__date__"


_ANALYZERS: dict[tuple[str, bool, bool], Analyzer] = {}


def get_analyzer(
    directory: Path, use_underthesea: bool = True, when_placeholders: bool = True
) -> Analyzer:
    """A shared analyzer per resources directory and options (tables read once)."""
    key = (str(directory), use_underthesea, when_placeholders)
    if key not in _ANALYZERS:
        _ANALYZERS[key] = Analyzer(directory, use_underthesea, when_placeholders)
    return _ANALYZERS[key]
