"""Phrase matching with spaCy's PhraseMatcher versus our own table (measurement).

``python -m bot.evaluation.phrase_matching`` runs the NLU's text analysis (tokens,
entities, hazard wording) over the training and held-out messages twice: with
:class:`bot.nlu.core.phrases.PhraseTable` (hand-written, the one in use) and with
:class:`SpacyPhraseTable`, a drop-in built on spaCy's ``PhraseMatcher`` (blank ``vi``
pipeline with ``use_pyvi: False``, our own tokens, the diacritic-free form as ``NORM``,
then our rule for diacritics: a syllable typed with marks must be the phrase's own).
It prints how many messages give different results and the time per message of each,
the figures docs/nlu.md quotes for keeping the hand-written table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.nlu.core.diacritics import strip_diacritics, syllable_matches
from bot.nlu.core.phrases import PhraseMatch, Word
from bot.nlu.core.text import canonical

ROOT = Path(__file__).resolve().parents[2]


class SpacyPhraseTable:
    """Same interface as ``PhraseTable``; matching by spaCy's PhraseMatcher."""

    _nlp: Any = None

    def __init__(self) -> None:
        from spacy.matcher import PhraseMatcher

        self._matcher = PhraseMatcher(self.nlp().vocab, attr="NORM")
        self._entries: dict[str, list[tuple[tuple[str, ...], bool, Any]]] = defaultdict(list)
        self._cache: tuple[int, list[Word], dict[int, list[PhraseMatch]]] | None = None
        self.max_length = 0

    @classmethod
    def nlp(cls) -> Any:
        if cls._nlp is None:
            import spacy

            cls._nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        return cls._nlp

    def _doc(self, syllables: Iterable[str]) -> Any:
        from spacy.tokens import Doc

        words = list(syllables)
        doc = Doc(self.nlp().vocab, words=words)
        for token in doc:
            token.norm_ = strip_diacritics(token.text)
        return doc

    def add(self, phrase: str, payload: Any = None, strict: bool = False) -> None:
        syllables = tuple(canonical(phrase).split())
        if not syllables:
            return
        key = " ".join(strip_diacritics(s) for s in syllables)
        if key not in self._entries:
            self._matcher.add(key, [self._doc(syllables)])
        self._entries[key].append((syllables, strict, payload))
        self.max_length = max(self.max_length, len(syllables))
        self._cache = None

    def add_all(self, phrases: Iterable[str], payload: Any = None, strict: bool = False) -> None:
        for phrase in phrases:
            self.add(phrase, payload if payload is not None else phrase, strict)

    def _by_start(self, words: list[Word]) -> dict[int, list[PhraseMatch]]:
        if self._cache is not None and self._cache[0] == id(words) and self._cache[1] is words:
            return self._cache[2]
        found: dict[int, list[PhraseMatch]] = defaultdict(list)
        if words:
            doc = self._doc(w.text for w in words)
            vocab = self.nlp().vocab
            for match_id, start, end in self._matcher(doc):
                run = words[start:end]
                if not all(b.start - a.end <= 1 for a, b in pairwise(run)):
                    continue
                for syllables, strict, payload in self._entries[vocab.strings[match_id]]:
                    pairs = zip(run, syllables, strict=True)
                    if all(syllable_matches(w.text, s, strict) for w, s in pairs):
                        found[start].append(PhraseMatch(
                            start, end - 1, run[0].start, run[-1].end, " ".join(syllables), payload
                        ))
            for matches in found.values():
                matches.sort(key=lambda m: m.last - m.first, reverse=True)
        self._cache = (id(words), words, found)
        return found

    def matches_at(self, words: list[Word], index: int) -> list[PhraseMatch]:
        return list(self._by_start(words).get(index, ()))

    def match_at(self, words: list[Word], index: int) -> PhraseMatch | None:
        return next(iter(self.matches_at(words, index)), None)

    def find_all(self, words: list[Word]) -> list[PhraseMatch]:
        matches, i = [], 0
        while i < len(words):
            found = self.match_at(words, i)
            if found:
                matches.append(found)
                i = found.last + 1
            else:
                i += 1
        return matches

    def find_overlapping(self, words: list[Word]) -> list[PhraseMatch]:
        return [m for i in range(len(words)) if (m := self.match_at(words, i))]


def _messages() -> list[str]:
    from bot.evaluation.nlu import EVAL_DATA, TRAIN_DATA, load_examples

    return [ex.text for ex in load_examples([ROOT / TRAIN_DATA, ROOT / EVAL_DATA])]


def _analyse(texts: list[str]) -> tuple[list[Any], list[float]]:
    """Tokens, entities and hazards of each text with the table class in use, timed."""
    from bot.nlu.core.analysis import Analyzer
    from bot.nlu.core.resources import DEFAULT_RESOURCES_DIR

    analyzer = Analyzer(DEFAULT_RESOURCES_DIR, use_underthesea=False)
    for text in texts[:50]:  # build every table before timing
        analyzer.tokens(text)
        analyzer.entities(text)
        analyzer.hazards(text)
    results, times = [], []
    for text in texts:
        started = time.perf_counter()
        norm = analyzer.normalise(text)
        result = (analyzer.tokens(text, norm), analyzer.entities(text, norm), analyzer.hazards(text, norm))
        times.append(time.perf_counter() - started)
        results.append(result)
    return results, times


def _clear_caches() -> None:
    from bot.nlu.core import analysis, details, hazard, places, when

    analysis._ANALYZERS.clear()
    hazard._CACHE.clear()
    places._CACHE.clear()
    when._table.cache_clear()
    details._phrases.cache_clear()


def compare(texts: list[str]) -> dict[str, Any]:
    from bot.nlu.core import details, hazard, phrases, places, segment, when

    modules = (details, hazard, phrases, places, segment, when)
    _clear_caches()
    ours, our_times = _analyse(texts)
    originals = {m: m.PhraseTable for m in modules}
    try:
        for module in modules:
            module.PhraseTable = SpacyPhraseTable
        _clear_caches()
        theirs, their_times = _analyse(texts)
    finally:
        for module, table in originals.items():
            module.PhraseTable = table
        _clear_caches()
    differ = [t for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
    return {
        "messages": len(texts),
        "different": differ,
        "ours_ms": statistics.median(our_times) * 1000,
        "spacy_ms": statistics.median(their_times) * 1000,
        "ours_total_s": sum(our_times),
        "spacy_total_s": sum(their_times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=10, help="messages with different results to print")
    args = parser.parse_args(argv)
    result = compare(_messages())
    print(
        f"{result['messages']} messages; different results: {len(result['different'])}; "
        f"median per message: hand-written {result['ours_ms']:.2f} ms, spaCy PhraseMatcher "
        f"{result['spacy_ms']:.2f} ms (totals {result['ours_total_s']:.2f} s / "
        f"{result['spacy_total_s']:.2f} s)"
    )
    for text in result["different"][: args.show]:
        print(f"  differs: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
