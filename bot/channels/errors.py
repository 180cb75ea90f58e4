"""Errors shared by the channels (no Rasa import: the pure parsers use them)."""

from __future__ import annotations


class BadRequest(ValueError):
    """A request we refuse with 400; ``reason`` is shown to the client."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
