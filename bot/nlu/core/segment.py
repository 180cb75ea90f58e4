"""Word segmentation of a normalised message.

Order: protected spans (codes, phones, money, dates, months, times, numbers, place
names) become
one token each with a placeholder lemma; then our compound lexicon, matched with or
without diacritics; then underthesea's ``word_tokenize`` on the remaining runs of
words when the customer typed diacritics (on diacritic-free text it glues unrelated
syllables, so there each syllable stays a token). Emoji are tokens too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.core.coverage import Coverage
from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.patterns import Span
from bot.nlu.core.phrases import PhraseTable, Word, words_of
from bot.nlu.core.resources import LEXICON_FILE, load_yaml

PLACEHOLDERS = {
    "customer_code": "__code__",
    "malformed_customer_code": "__code__",
    "phone": "__phone__",
    "money": "__money__",
    "date": "__date__",
    "period": "__month__",
    "time": "__time__",
    "number": "__num__",
    "area": "__area__",
}
MAX_UNDERTHESEA_CHARS = 2000  # longer runs are split syllable by syllable


@dataclass(frozen=True)
class Segment:
    start: int  # offsets in the normalised text
    end: int
    lemma: str


WordTokenizer = Callable[[str], list[str]]


def underthesea_word_tokenize(text: str) -> list[str]:
    from underthesea import word_tokenize

    return word_tokenize(text)


def load_lexicon(directory: Path) -> PhraseTable:
    table = PhraseTable()
    for compound in load_yaml(directory, LEXICON_FILE).get("compounds") or []:
        table.add(str(compound), "_".join(str(compound).split()))
    return table


class Segmenter:
    def __init__(self, lexicon: PhraseTable, word_tokenize: WordTokenizer | None = underthesea_word_tokenize):
        self._lexicon = lexicon
        self._word_tokenize = word_tokenize

    def segment(self, text: str, spans: list[Span], use_model: bool) -> list[Segment]:
        words = words_of(text)
        segments: list[Segment] = [
            Segment(s.start, s.end, PLACEHOLDERS.get(s.kind, s.value)) for s in spans
            if s.end > s.start
        ]
        run: list[Word] = []
        protected = Coverage(len(text), ((s.start, s.end) for s in spans))
        i = 0
        while i < len(words):
            word = words[i]
            if protected.overlaps(word.start, word.end):
                segments.extend(self._run(run, text, use_model))
                run = []
                i += 1
                continue
            compound = self._lexicon.match_at(words, i)
            if compound is not None:
                segments.extend(self._run(run, text, use_model))
                run = []
                segments.append(Segment(compound.start, compound.end, compound.payload))
                i = compound.last + 1
                continue
            if run and text[run[-1].end : word.start] != " ":
                segments.extend(self._run(run, text, use_model))
                run = []
            run.append(word)
            i += 1
        segments.extend(self._run(run, text, use_model))
        segments.extend(_symbols(text, segments))
        return sorted(segments, key=lambda s: s.start)

    def _run(self, run: list[Word], text: str, use_model: bool) -> list[Segment]:
        if not run:
            return []
        singles = [Segment(w.start, w.end, w.text) for w in run]
        if len(run) == 1 or not use_model or self._word_tokenize is None:
            return singles
        chunk = text[run[0].start : run[-1].end]
        if len(chunk) > MAX_UNDERTHESEA_CHARS:
            return singles
        try:
            pieces = self._word_tokenize(chunk)
        except Exception:  # the model must never break a message
            return singles
        return _align(pieces, run) or singles


def _align(pieces: list[str], run: list[Word]) -> list[Segment] | None:
    """Map underthesea's words back onto our words; None when they disagree."""
    segments = []
    k = 0
    for piece in pieces:
        syllables = piece.split()
        if not syllables or not any(c.isalnum() for c in piece):
            continue
        group = run[k : k + len(syllables)]
        if len(group) != len(syllables) or any(
            strip_diacritics(w.text) != strip_diacritics(s.lower())
            for w, s in zip(group, syllables, strict=True)
        ):
            return None
        segments.append(Segment(group[0].start, group[-1].end, "_".join(w.text for w in group)))
        k += len(syllables)
    return segments if k == len(run) else None


def _symbols(text: str, segments: list[Segment]) -> list[Segment]:
    """Emoji and other pictographs, one token each (👍 is an answer)."""
    taken = Coverage(len(text), ((s.start, s.end) for s in segments))
    return [
        Segment(i, i + 1, char)
        for i, char in enumerate(text)
        if not char.isalnum()
        and not char.isspace()
        and unicodedata.category(char) == "So"
        and not taken.overlaps(i, i + 1)
    ]
