"""Teencode and abbreviations, expanded from a data file with context rules.

See ``bot/nlu/resources/teencode.yml`` for the format. Expansion works on whole
words of the cleaned text; each expansion maps back to the abbreviation it replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.text import TOKEN_RE, canonical

_NUMBER_RE = re.compile(r"\d+([.,]\d+)?")
DEFAULT_WINDOW = 2
_CONTEXT_CHARS = 80  # enough for a few words each side
_CONTEXT_WORDS = 8  # the widest rule window plus the longest trigger
# Typed without diacritics, these are sentence particles far more often than the
# trigger words they could stand for ("dc nha" is "được nha", not "địa chỉ nhà").
_PLAIN_PARTICLES = {"nha", "a", "ha", "ne", "nhe"}


@dataclass(frozen=True)
class Rule:
    expand: str
    window: int = DEFAULT_WINDOW
    before: tuple[tuple[str, ...], ...] = ()
    after: tuple[tuple[str, ...], ...] = ()
    after_number: bool = False


@dataclass(frozen=True)
class Ambiguous:
    default: str | None
    rules: tuple[Rule, ...] = field(default_factory=tuple)


def _plain_words(phrase: str) -> tuple[str, ...]:
    return tuple(strip_diacritics(canonical(phrase)).split())


def _trigger_form(word: str) -> str:
    """How a neighbour word is compared with trigger words (without diacritics)."""
    return "" if word in _PLAIN_PARTICLES else strip_diacritics(word)


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


class Teencode:
    """Expands the abbreviations listed in a teencode data file."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.words: dict[str, str] = {
            canonical(str(k)): canonical(str(v)) for k, v in (data.get("words") or {}).items()
        }
        self.ambiguous: dict[str, Ambiguous] = {
            canonical(str(k)): self._ambiguous(v) for k, v in (data.get("ambiguous") or {}).items()
        }
        keys = sorted({*self.words, *self.ambiguous}, key=len, reverse=True)
        alternatives = "|".join(re.escape(k) for k in keys) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w/])(?:{alternatives})(?![\w/])")

    @staticmethod
    def _ambiguous(spec: dict[str, Any]) -> Ambiguous:
        default = spec.get("default")
        rules = tuple(
            Rule(
                expand=canonical(str(rule["expand"])),
                window=int(rule.get("window", DEFAULT_WINDOW)),
                before=tuple(_plain_words(w) for w in rule.get("before") or ()),
                after=tuple(_plain_words(w) for w in rule.get("after") or ()),
                after_number=bool(rule.get("after_number", False)),
            )
            for rule in spec.get("rules") or ()
        )
        return Ambiguous(canonical(str(default)) if default else None, rules)

    def expand(self, aligned: AlignedText) -> AlignedText:
        text = aligned.text
        edits = []
        for match in self._pattern.finditer(text):
            word = match.group()
            expansion = self.words.get(word)
            if expansion is None:
                expansion = self._resolve(self.ambiguous[word], text, match.start(), match.end())
            if expansion and expansion != word:
                edits.append((match.start(), match.end(), expansion))
        return aligned.replace(edits) if edits else aligned

    @staticmethod
    def _resolve(entry: Ambiguous, text: str, start: int, end: int) -> str | None:
        before_text = text[max(0, start - _CONTEXT_CHARS) : start]
        before_tokens = TOKEN_RE.findall(before_text)[-_CONTEXT_WORDS:]
        after_tokens = TOKEN_RE.findall(text[end : end + _CONTEXT_CHARS])[:_CONTEXT_WORDS]
        follows_number = bool(before_tokens) and bool(
            _NUMBER_RE.fullmatch(before_tokens[-1])
        ) and not before_text.rstrip().endswith((",", ".", ";"))
        before_plain = [_trigger_form(t) for t in before_tokens]
        after_plain = [_trigger_form(t) for t in after_tokens]
        for rule in entry.rules:
            if rule.after_number and follows_number:
                return rule.expand
            window_before = before_plain[-(rule.window + 2) :]
            window_after = after_plain[: rule.window + 2]
            if any(_contains(window_before[-(rule.window + len(p) - 1) :], p) for p in rule.before):
                return rule.expand
            if any(_contains(window_after[: rule.window + len(p) - 1], p) for p in rule.after):
                return rule.expand
        return entry.default
