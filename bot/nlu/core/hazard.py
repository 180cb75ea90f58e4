"""Wording of danger (broken wire, sparks, fire, shock, leaning pole) in a message."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.core.phrases import PhraseMatch, PhraseTable, Word
from bot.nlu.core.resources import HAZARDS_FILE, load_yaml


class HazardDetector:
    def __init__(self, data: dict) -> None:
        self._hazards = PhraseTable()
        self._hazards.add_all(data.get("phrases") or [])
        self._hazards.add_all(data.get("strict") or [], strict=True)
        self._harmless = PhraseTable()
        self._harmless.add_all(data.get("not_hazard") or [], strict=True)

    def find(self, words: list[Word]) -> list[PhraseMatch]:
        """Hazard phrases found, minus those inside a harmless phrase (``cháy túi``)."""
        harmless = self._harmless.find_overlapping(words)
        return [
            match
            for match in self._hazards.find_overlapping(words)
            if not any(h.first <= match.last and match.first <= h.last for h in harmless)
        ]


_CACHE: dict[tuple[str, int], HazardDetector] = {}


def load_hazards(directory: Path) -> HazardDetector:
    path = directory / HAZARDS_FILE
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = HazardDetector(load_yaml(directory, HAZARDS_FILE))
    return _CACHE[key]
