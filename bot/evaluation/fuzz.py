"""A bounded fuzz run of the whole NLU pipeline on a trained model.

``python -m bot.evaluation.nlu --check`` (``make test``) parses these messages after
the held-out set: real customer messages mangled the ways people and devices mangle
text (diacritics lost, emoji, repeated letters, cut in the middle, joined, random
unicode) and hostile ones (empty, invisible characters, 10,000 characters, JSON, SQL,
markup, intent-like ``/commands``). Every one must parse without an exception, get an
intent, and take under a second of CPU (a guard against pathological, e.g. quadratic,
inputs: the median is a few milliseconds; CPU time of this process, so that other jobs
on a shared machine do not make it flaky). Deterministic for a given seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.nlu.core.diacritics import strip_diacritics

MAX_SECONDS_PER_MESSAGE = 1.0
DEFAULT_COUNT = 300
_EMOJI = ["😡", "👍", "🔥", "⚡", "🙏", "😭", "❤️", "🤣", "👉🏻", "🇻🇳"]
_NOISE = ["\u200b", "\u00ad", "\ufeff", "\u202e", "\t", "\n", "  ", "…", "–", "\x00", "\x7f", "\U0001f600"]
_FIXED = [
    "", " ", "\u200b", "\n\n", "?", "....", "/", "/affirm", '/inform{"customer_code":"PB05010000001"}',
    '{"text": "xin chào"}', "'; DROP TABLE invoices; --", "<script>alert(1)</script>", "a" * 10_000,
    "tiền điện " * 1_000, "😡" * 3_000, "9" * 10_000, "pb" + "0" * 9_998, "1tr2 " * 2_000,
    "phường " * 1_500, "Đ̛̣" * 500, "ǅ" * 100, "\U0010ffff" * 10,
]


@dataclass
class FuzzReport:
    messages: int = 0
    failures: list[str] = field(default_factory=list)
    slowest_seconds: float = 0.0  # CPU seconds of this process
    slowest_text: str = ""
    slowest_wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def _mangle(text: str, rng: random.Random) -> str:
    choice = rng.randrange(9)
    if choice == 0:
        return strip_diacritics(text)
    if choice == 1:
        position = rng.randrange(len(text) + 1)
        return text[:position] + rng.choice(_EMOJI) + text[position:]
    if choice == 2:
        return "".join(c * rng.choice((1, 1, 1, 4)) for c in text)
    if choice == 3:
        return text[: rng.randrange(len(text) + 1)]
    if choice == 4:
        return text.upper() if rng.random() < 0.5 else text.swapcase()
    if choice == 5:
        position = rng.randrange(len(text) + 1)
        return text[:position] + rng.choice(_NOISE) + text[position:]
    if choice == 6:
        return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(1, 80)))
    if choice == 7:
        return (text + " ") * rng.randrange(2, 40)
    return text.replace(" ", rng.choice(("", "  ", ".", ",", "\n")))


def fuzz_messages(seeds: Sequence[str], count: int = DEFAULT_COUNT, seed: int = 11) -> list[str]:
    """The fixed hostile messages, then ``count`` mangled ones (pairs joined too)."""
    rng = random.Random(seed)
    pool = [s for s in seeds if s] or ["xin chào"]
    generated = []
    while len(generated) < count:
        text = rng.choice(pool)
        if rng.random() < 0.2:
            text = f"{text}, {rng.choice(pool)}"
        for _ in range(rng.randrange(1, 4)):
            text = _mangle(text, rng)
        generated.append(text[:10_000])
    return [*(text[:10_000] for text in _FIXED), *generated]


async def run_fuzz(parse: Callable[[str], Awaitable[dict[str, Any]]], texts: Sequence[str]) -> FuzzReport:
    """Parse every text with ``parse`` (e.g. ``Agent.parse_message``) and report problems."""
    report = FuzzReport()
    for text in texts:
        report.messages += 1
        started, started_wall = time.process_time(), time.perf_counter()
        try:
            result = await parse(text)
        except Exception as error:  # the point: nothing may escape
            report.failures.append(f"{type(error).__name__} on {text[:60]!r}")
            continue
        elapsed = time.process_time() - started
        report.slowest_wall_seconds = max(report.slowest_wall_seconds, time.perf_counter() - started_wall)
        if elapsed > report.slowest_seconds:
            report.slowest_seconds, report.slowest_text = elapsed, text[:60]
        intent = (result or {}).get("intent") or {}
        if text.strip() and not intent.get("name"):
            report.failures.append(f"no intent for {text[:60]!r}")
        if elapsed > MAX_SECONDS_PER_MESSAGE:
            report.failures.append(f"{elapsed:.2f} s CPU for {text[:60]!r} ({len(text)} characters)")
    return report
