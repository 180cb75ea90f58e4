"""Vietnamese text helpers: stripping diacritics, placing the tone mark one way, and
the plain (lower-case, diacritic-free) form services match customers' words on.

Every diacritics function here keeps the length of an NFC string (one precomposed character in,
one character out), so offsets computed on the result are offsets in the input.

Tone placement convention: the traditional one (``hóa``, ``thủy``, ``khỏe``), the one
most customers' keyboards produce and the one used in the domain documents. In an
open syllable whose nucleus is ``oa``/``oe``/``uy`` the tone sits on the first vowel;
everywhere else the usual rules apply (a vowel with a shape mark takes the tone, a
closed syllable puts it on the last vowel, a three-vowel nucleus on the middle one).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: sắc, huyền, hỏi, ngã, nặng.
TONE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = frozenset("aăâeêioôơuưy")
SHAPED_VOWELS = frozenset("ăâêôơư")


@lru_cache(maxsize=4096)
def strip_char(char: str) -> str:
    """One character without any diacritic (``ệ`` -> ``e``, ``đ`` -> ``d``)."""
    if char == "đ":
        return "d"
    if char == "Đ":
        return "D"
    if char.isascii():
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def strip_diacritics(text: str) -> str:
    """``Tiền điện`` -> ``Tien dien``; same length as the input."""
    if text.isascii():
        return text
    return "".join(strip_char(c) for c in text)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark (including ``đ``)."""
    return strip_diacritics(text) != text


@lru_cache(maxsize=4096)
def split_tone(char: str) -> tuple[str, str]:
    """``ế`` -> (``ê``, acute mark); a letter without a tone -> (letter, "")."""
    if char.isascii():
        return char, ""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((c for c in decomposed if c in TONE_MARKS), "")
    if not tone:
        return char, ""
    bare = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
    return (bare, tone) if len(bare) == 1 else (char, "")


def add_tone(char: str, tone: str) -> str:
    if not tone:
        return char
    toned = unicodedata.normalize("NFC", char + tone)
    return toned if len(toned) == 1 else char


def _nucleus(bare: str) -> tuple[int, int] | None:
    """Start and end of the single vowel run of a syllable, or None."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(bare):
        if bare[i] in VOWELS:
            j = i
            while j < len(bare) and bare[j] in VOWELS:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    if len(runs) != 1:
        return None
    start, end = runs[0]
    # "qu" and "gi" (before another vowel) are consonants.
    if start > 0 and end - start > 1:
        onset = bare[start - 1 : start + 1]
        if onset in ("qu", "gi"):
            start += 1
    return start, end


def _tone_position(bare: str, start: int, end: int) -> int:
    nucleus = bare[start:end]
    shaped = [i for i, c in enumerate(nucleus) if c in SHAPED_VOWELS]
    if shaped:
        # "ươ" takes the tone on "ơ"; "ưu"/"ưa" on "ư".
        return start + (shaped[-1] if nucleus.startswith("ươ") else shaped[0])
    if end < len(bare):  # closed syllable: last vowel (hoàn, toán, huỳnh)
        return end - 1
    if len(nucleus) == 3:  # oai, oay, uyu, oeo: the middle one
        return start + 1
    return start  # open two-vowel nucleus: hóa, thủy, tài, mía


@lru_cache(maxsize=65536)
def normalise_tone(word: str) -> str:
    """Move the tone mark of one lower-case syllable to its conventional vowel.

    Words that are not a single well-formed Vietnamese syllable come back unchanged.
    """
    if word.isascii() or len(word) > 8:
        return word
    parts = [split_tone(c) for c in word]
    toned = [i for i, (_, tone) in enumerate(parts) if tone]
    if len(toned) != 1:
        return word
    bare = "".join(base for base, _ in parts)
    if not all(c.isalpha() for c in bare):
        return word
    nucleus = _nucleus(bare)
    if nucleus is None:
        return word
    target = _tone_position(bare, *nucleus)
    if target == toned[0]:
        return word
    tone = parts[toned[0]][1]
    chars = list(bare)
    chars[target] = add_tone(chars[target], tone)
    return "".join(chars)


def syllable_matches(typed: str, canonical: str, strict: bool = False) -> bool:
    """Does a typed (normalised, lower-case) syllable stand for ``canonical``?

    It does when it is the same syllable, or when it was typed without any diacritic
    and equals the canonical syllable stripped (``dien`` for ``điện``), unless
    ``strict`` (for short words whose bare form is another common word).
    """
    if typed == canonical:
        return True
    if strict or has_diacritics(typed):
        return False
    return typed == strip_diacritics(canonical)


_WORD_RE = re.compile(r"\w+")


def plain_words(text: str | None, max_chars: int = 2000) -> str:
    """Lower case, no diacritics, the words separated by single spaces, punctuation
    dropped: ``"Đồng hồ chạy NHANH!"`` -> ``"dong ho chay nhanh"``."""
    return " ".join(_WORD_RE.findall(strip_diacritics((text or "")[:max_chars].lower())))
