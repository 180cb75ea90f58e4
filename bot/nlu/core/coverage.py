"""Which characters of a text are already taken by a span.

Overlap tests cost the length of the tested span, not the number of spans, so a
10,000-character message full of numbers stays linear.
"""

from __future__ import annotations

from collections.abc import Iterable


class Coverage:
    def __init__(self, length: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._mask = bytearray(length + 1)
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        if end > start:
            self._mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return end > start and self._mask.find(1, start, end) != -1
