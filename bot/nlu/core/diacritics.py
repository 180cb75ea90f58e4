"""Vietnamese letters: stripping diacritics and placing the tone mark one way.

The functions live in :mod:`bot.domain.text` (shared with the services); the NLU
imports them from here. Every function keeps the length of an NFC string, so offsets
computed on the result are offsets in the input.
"""

from __future__ import annotations

from bot.domain.text import (
    SHAPED_VOWELS,
    TONE_MARKS,
    VOWELS,
    add_tone,
    has_diacritics,
    normalise_tone,
    split_tone,
    strip_char,
    strip_diacritics,
    syllable_matches,
)

__all__ = [
    "SHAPED_VOWELS", "TONE_MARKS", "VOWELS", "add_tone", "has_diacritics", "normalise_tone",
    "split_tone", "strip_char", "strip_diacritics", "syllable_matches",
]
