"""Find known phrases among the words of a normalised text, with or without diacritics.

A phrase matches a run of words syllable by syllable: each typed word is the
phrase's syllable, or that syllable typed without diacritics (unless the phrase is
``strict``). Used for the compound lexicon, the hazard wording, time expressions
and place names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from bot.nlu.core.diacritics import strip_diacritics, syllable_matches
from bot.nlu.core.text import TOKEN_RE, canonical


@dataclass(frozen=True)
class Word:
    text: str  # normalised (lower case, with the diacritics typed)
    start: int  # offsets in the normalised text
    end: int

    @property
    def plain(self) -> str:
        return strip_diacritics(self.text)


@dataclass(frozen=True)
class PhraseMatch:
    first: int  # index of the first word
    last: int  # index of the last word (inclusive)
    start: int  # offsets in the normalised text
    end: int
    phrase: str  # canonical form
    payload: Any


def words_of(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


@dataclass(frozen=True)
class _Entry:
    syllables: tuple[str, ...]
    strict: bool
    payload: Any


class PhraseTable:
    """A set of phrases, matched longest first, left to right."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[_Entry]] = {}
        self.max_length = 0

    def add(self, phrase: str, payload: Any = None, strict: bool = False) -> None:
        syllables = tuple(canonical(phrase).split())
        if not syllables:
            return
        entry = _Entry(syllables, strict, payload)
        bucket = self._by_first.setdefault(strip_diacritics(syllables[0]), [])
        bucket.append(entry)
        bucket.sort(key=lambda e: len(e.syllables), reverse=True)
        self.max_length = max(self.max_length, len(syllables))

    def add_all(self, phrases: Iterable[str], payload: Any = None, strict: bool = False) -> None:
        for phrase in phrases:
            self.add(phrase, payload if payload is not None else phrase, strict)

    def match_at(self, words: list[Word], index: int) -> PhraseMatch | None:
        """The longest phrase starting at ``words[index]``, if any."""
        return next(iter(self.matches_at(words, index)), None)

    def matches_at(self, words: list[Word], index: int) -> list[PhraseMatch]:
        """Every phrase starting at ``words[index]``, longest first."""
        found = []
        for entry in self._by_first.get(words[index].plain, ()):
            n = len(entry.syllables)
            if index + n > len(words):
                continue
            run = words[index : index + n]
            if all(
                syllable_matches(word.text, syllable, entry.strict)
                for word, syllable in zip(run, entry.syllables, strict=True)
            ) and _contiguous(run):
                found.append(
                    PhraseMatch(
                        index, index + n - 1, run[0].start, run[-1].end,
                        " ".join(entry.syllables), entry.payload,
                    )
                )
        return found

    def find_all(self, words: list[Word]) -> list[PhraseMatch]:
        """Non-overlapping matches, longest first at each position, left to right."""
        matches = []
        i = 0
        while i < len(words):
            found = self.match_at(words, i)
            if found:
                matches.append(found)
                i = found.last + 1
            else:
                i += 1
        return matches

    def find_overlapping(self, words: list[Word]) -> list[PhraseMatch]:
        """Every match at every position (they may overlap)."""
        return [m for i in range(len(words)) if (m := self.match_at(words, i))]


def _contiguous(run: list[Word]) -> bool:
    """Words of a phrase are separated by spaces only (not a comma or a full stop)."""
    return all(b.start - a.end <= 1 for a, b in pairwise(run))
