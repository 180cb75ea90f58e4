"""A rewritten text that remembers where each of its characters came from.

The normaliser rewrites what the customer typed (lower case, tone marks, teencode),
but every entity and token must point into the original text. ``AlignedText`` keeps,
for each character of the rewritten text, the ``[start, end)`` slice of the original
it came from; rewriting a span maps every new character to the whole replaced slice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AlignedText:
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text: str) -> AlignedText:
        positions = tuple(range(len(text)))
        return cls(text, positions, tuple(p + 1 for p in positions))

    @classmethod
    def from_pieces(cls, pieces: Iterable[tuple[str, int, int]]) -> AlignedText:
        """Build from (text, original start, original end) pieces, in order."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for piece, start, end in pieces:
            chars.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([end] * len(piece))
        return cls("".join(chars), tuple(starts), tuple(ends))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The slice of the original text that ``text[start:end]`` came from."""
        if not self.text:
            return 0, 0
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return self.starts[start], self.ends[end - 1]

    def replace(self, edits: Iterable[tuple[int, int, str]]) -> AlignedText:
        """Apply non-overlapping ``(start, end, replacement)`` edits of this text.

        Each replacement character maps to the original slice of the replaced span;
        an empty replacement deletes. Edits are applied in order of position.
        """
        pieces: list[tuple[str, int, int]] = []
        cursor = 0
        for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
            if start < cursor or end < start:
                continue  # overlapping or malformed edit: keep the first one
            pieces.extend(self._slice_pieces(cursor, start))
            if replacement and end > start:
                span_start, span_end = self.original_span(start, end)
                pieces.append((replacement, span_start, span_end))
            cursor = end
        pieces.extend(self._slice_pieces(cursor, len(self.text)))
        return AlignedText.from_pieces(pieces)

    def with_text(self, text: str) -> AlignedText:
        """The same alignment for a same-length rewrite (tone marks, stripping)."""
        if len(text) != len(self.text):
            raise ValueError("a same-length rewrite was expected")
        return AlignedText(text, self.starts, self.ends)

    def _slice_pieces(self, start: int, end: int) -> list[tuple[str, int, int]]:
        return [(self.text[i], self.starts[i], self.ends[i]) for i in range(start, end)]
