"""Wording of danger in a message, and its kind (``fallen_wire``, ``fire``...).

The data file (``hazards.yml``) lists phrases per kind, bare words that are danger
only next to network equipment (``tram bien ap gan nha bi no``), context words that
make a kind more precise (sparks at the meter are ``sparking_meter``) and harmless
look-alikes (``cháy túi``, ``chạy nhanh``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlu.core.diacritics import syllable_matches
from bot.nlu.core.phrases import PhraseTable, Word
from bot.nlu.core.resources import HAZARDS_FILE, load_yaml
from bot.nlu.core.text import canonical

# Every kind the data may name, most urgent first (the order of the answer).
HAZARD_KINDS = (
    "person_shocked",
    "fire",
    "explosion",
    "fallen_wire",
    "sparking_meter",
    "sparking_wire",
    "flooded_transformer",
    "flooded_house",
    "leaning_pole",
    "leaking_appliance",
)


# A question about what to do ("có nên cúp CB không", "làm sao", "xử lý thế nào"),
# read on the normalised text without diacritics.
_ADVICE_QUESTION_RE = re.compile(
    r"\b(?:co nen|nen khong|nen ko|nen k|nen lam|nen tat|nen cup|nen ngat|nen rut|nen lai|nen dung"
    r"|lam sao|lam gi|the nao|nhu nao|ntn|ra sao|xu ly|so cuu|cuu sao|cach cuu|sao cho dung|phai lam"
    r"|cach nao|cach phong|co sao|"
    r"co nguy hiem|nguy hiem khong|nguy hiem ko|an toan|duoc khong|dc khong|dc ko|duoc ko)\b"
)


def asks_for_advice(plain: str) -> bool:
    """Does a message (normalised, without diacritics) ask what to do?"""
    return bool(_ADVICE_QUESTION_RE.search(plain))


@dataclass(frozen=True)
class HazardMatch:
    first: int  # word indices, inclusive
    last: int
    start: int  # offsets in the normalised text
    end: int
    phrase: str  # canonical wording found
    kind: str


@dataclass(frozen=True)
class _Near:
    window: int
    words: dict[str, str]  # canonical word -> kind
    equipment: PhraseTable
    unless_after: PhraseTable

    def kind_of(self, typed: str) -> str | None:
        """The kind of a typed word: the word itself, or typed bare for a marked one."""
        if typed in self.words:
            return self.words[typed]
        return next(
            (kind for word, kind in self.words.items() if syllable_matches(typed, word)), None
        )


def _near_rule(item: dict[str, Any]) -> _Near:
    equipment, unless = PhraseTable(), PhraseTable()
    equipment.add_all(item.get("equipment") or [])
    unless.add_all(item.get("unless_after") or [])
    words = {canonical(str(k)): str(v) for k, v in (item.get("words") or {}).items()}
    return _Near(int(item.get("window", 4)), words, equipment, unless)


@dataclass(frozen=True)
class _Context:
    kind: str
    sources: frozenset[str]
    words: PhraseTable
    unless: PhraseTable


class HazardDetector:
    def __init__(self, data: dict[str, Any]) -> None:
        self._hazards = PhraseTable()
        for kind, spec in (data.get("kinds") or {}).items():
            if kind not in HAZARD_KINDS:
                raise ValueError(f"unknown hazard kind {kind!r} in {HAZARDS_FILE}")
            for phrase in (spec or {}).get("phrases") or []:
                self._hazards.add(str(phrase), kind)
            for phrase in (spec or {}).get("strict") or []:
                self._hazards.add(str(phrase), kind, strict=True)
        self._harmless = PhraseTable()
        self._harmless.add_all(data.get("not_hazard") or [], strict=True)
        self._near = [_near_rule(item) for item in data.get("near") or []]
        self._contexts = []
        for item in data.get("context") or []:
            words, unless = PhraseTable(), PhraseTable()
            words.add_all(item.get("words") or [])
            unless.add_all(item.get("unless") or [])
            sources = frozenset(item.get("from") or ())
            self._contexts.append(_Context(str(item["kind"]), sources, words, unless))

    def find(self, words: list[Word]) -> list[HazardMatch]:
        """Hazard phrases found (with their kind), minus those inside a harmless phrase."""
        harmless = self._harmless.find_overlapping(words)
        found = [
            HazardMatch(m.first, m.last, m.start, m.end, m.phrase, m.payload)
            for m in self._hazards.find_overlapping(words)
        ]
        found += self._near_equipment(words, found)
        found = [
            match for match in found
            if not any(h.first <= match.last and match.first <= h.last for h in harmless)
        ]
        return [self._in_context(match, words) for match in found]

    def _near_equipment(self, words: list[Word], found: list[HazardMatch]) -> list[HazardMatch]:
        """Words that are danger a few words after equipment (``tram bien ap ... bi no``)."""
        extra: list[HazardMatch] = []
        taken = {i for m in found for i in range(m.first, m.last + 1)}
        for rule in self._near:
            equipment = [m for i in range(len(words)) if (m := rule.equipment.match_at(words, i))]
            if not equipment:
                continue
            for i, word in enumerate(words):
                if i in taken:
                    continue
                kind = rule.kind_of(word.text)
                if kind is None:
                    continue
                if i + 1 < len(words) and rule.unless_after.match_at(words, i + 1) is not None:
                    continue
                if any(0 < i - m.last <= rule.window for m in found + extra):
                    continue  # the danger is already named just before ("trụ nghiêng sắp ngã")
                if any(0 < i - m.last <= rule.window for m in equipment):
                    extra.append(HazardMatch(i, i, word.start, word.end, word.text, kind))
                    taken.add(i)
        return extra

    def _in_context(self, match: HazardMatch, words: list[Word]) -> HazardMatch:
        for context in self._contexts:
            if match.kind not in context.sources:
                continue
            if context.words.find_all(words) and not context.unless.find_all(words):
                return HazardMatch(
                    match.first, match.last, match.start, match.end, match.phrase, context.kind
                )
        return match


def kinds_in_order(matches: list[HazardMatch]) -> list[str]:
    """The distinct kinds found, most urgent first."""
    present = {m.kind for m in matches}
    return [kind for kind in HAZARD_KINDS if kind in present]


_CACHE: dict[tuple[str, int], HazardDetector] = {}


def load_hazards(directory: Path) -> HazardDetector:
    path = directory / HAZARDS_FILE
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = HazardDetector(load_yaml(directory, HAZARDS_FILE))
    return _CACHE[key]
