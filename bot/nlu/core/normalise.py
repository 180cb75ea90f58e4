"""The whole normalisation of one message, aligned to what the customer typed."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.resources import TEENCODE_FILE, load_yaml
from bot.nlu.core.teencode import Teencode
from bot.nlu.core.text import clean, normalise_tones, squeeze_repeats

_TEENCODE_CACHE: dict[tuple[str, int], Teencode] = {}


def load_teencode(directory: Path) -> Teencode:
    """The teencode table of a resources directory (rebuilt when the file changes)."""
    path = directory / TEENCODE_FILE
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _TEENCODE_CACHE:
        _TEENCODE_CACHE[key] = Teencode(load_yaml(directory, TEENCODE_FILE))
    return _TEENCODE_CACHE[key]


def normalise(text: str, teencode: Teencode) -> AlignedText:
    """Clean-up, tone placement, squeezed repeats, then teencode expansion.

    Money and times are not rewritten (``600k`` stays; ``k`` after a number becomes
    ``nghìn``, never ``không``): the entity rules read them from the result.
    """
    aligned = clean(text or "")
    aligned = normalise_tones(aligned)
    aligned = squeeze_repeats(aligned)
    return teencode.expand(aligned)
