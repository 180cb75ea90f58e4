"""Character-level clean-up of what a customer typed, keeping the alignment.

``clean`` makes one canonical character stream: Unicode NFC, lower case, no
zero-width or control characters, single spaces. ``normalise_tones`` puts each tone
mark on its conventional vowel, ``squeeze_repeats`` turns ``caooo`` into ``cao``.
"""

from __future__ import annotations

import re
import unicodedata

from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.diacritics import normalise_tone, strip_char

WORD_RE = re.compile(r"[^\W\d_]+")
TOKEN_RE = re.compile(r"\w+")
# Look-alikes customers' keyboards produce for "Đ" / "đ".
_LOOKALIKES = {"\u00d0": "đ", "\u0110": "đ", "\u0189": "đ"}


def _is_dropped(char: str) -> bool:
    # Cf covers zero-width spaces/joiners, BOM, soft hyphen, bidi marks.
    return unicodedata.category(char) == "Cf"


def _is_space(char: str) -> bool:
    # U+200B (zero width space) separates words like a space does.
    return char.isspace() or char == "\u200b" or unicodedata.category(char) in ("Cc", "Zs", "Zl", "Zp")


def _canonical_cluster(cluster: str) -> str:
    composed = unicodedata.normalize("NFC", cluster)
    out = []
    for char in composed:
        char = _LOOKALIKES.get(char, char)
        lower = char.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out)


def clean(text: str) -> AlignedText:
    """NFC, lower case, drop invisible characters, collapse and trim whitespace."""
    pieces: list[tuple[str, int, int]] = []
    previous_space = True  # trims leading spaces
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        head = cluster[0]
        if _is_space(head):
            if not previous_space:
                pieces.append((" ", i, j))
            previous_space = True
        elif _is_dropped(head):
            pass
        else:
            pieces.append((_canonical_cluster(cluster), i, j))
            previous_space = False
        i = j
    if pieces and pieces[-1][0] == " ":
        pieces.pop()
    return AlignedText.from_pieces(pieces)


def normalise_tones(aligned: AlignedText) -> AlignedText:
    """Tone marks on the conventional vowel (``hoá`` -> ``hóa``); same length."""
    text = WORD_RE.sub(lambda m: normalise_tone(m.group()), aligned.text)
    return aligned.with_text(text)


def squeeze_repeats(aligned: AlignedText) -> AlignedText:
    """A letter typed three or more times in a row counts once (``caooo``,
    ``quáaaa``: same letter whatever its marks; the marked one is kept)."""
    text = aligned.text
    edits = []
    i = 0
    while i < len(text):
        j = i + 1
        if text[i].isalpha():
            base = strip_char(text[i])
            while j < len(text) and text[j].isalpha() and strip_char(text[j]) == base:
                j += 1
        if j - i >= 3:
            run = text[i:j]
            edits.append((i, j, next((c for c in run if strip_char(c) != c), run[0])))
        i = j
    return aligned.replace(edits) if edits else aligned


def canonical(text: str) -> str:
    """The normalised form of a resource entry (lower case, NFC, tone placement)."""
    return normalise_tones(squeeze_repeats(clean(text))).text
