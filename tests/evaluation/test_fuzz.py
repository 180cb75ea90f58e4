"""The fuzz run's messages and its verdicts (the model is faked here; the real run is
part of ``python -m bot.evaluation.nlu --check`` in make test)."""

from __future__ import annotations

import asyncio

from bot.evaluation import fuzz


def test_messages_are_deterministic_and_include_the_hostile_ones() -> None:
    seeds = ["tiền điện tháng này bao nhiêu", "nhà tui mất điện"]
    first = fuzz.fuzz_messages(seeds, count=50, seed=3)
    assert first == fuzz.fuzz_messages(seeds, count=50, seed=3)
    assert first != fuzz.fuzz_messages(seeds, count=50, seed=4)
    assert len(first) == len(fuzz._FIXED) + 50
    assert "" in first and "a" * 10_000 in first
    assert all(len(text) <= 10_000 for text in first)


def test_exceptions_missing_intents_and_slow_parses_are_reported(monkeypatch) -> None:
    clock = iter(range(100))
    monkeypatch.setattr(fuzz.time, "process_time", lambda: float(next(clock)) * 0.6)

    async def parse(text: str) -> dict:
        if text == "boom":
            raise ValueError("bad")
        return {"intent": {"name": None if text == "nothing" else "greet"}}

    report = asyncio.run(fuzz.run_fuzz(parse, ["boom", "nothing", "xin chào", ""]))
    assert report.messages == 4
    assert any(p.startswith("ValueError") for p in report.failures)
    assert any(p.startswith("no intent for 'nothing'") for p in report.failures)
    assert not any("''" in p and "no intent" in p for p in report.failures)  # blank: no intent needed
    # every parse took 0.6 s of (faked) CPU: under the one-second bound
    assert not any("CPU" in p for p in report.failures) and not report.ok


def test_a_parse_over_a_second_of_cpu_fails(monkeypatch) -> None:
    clock = iter([0.0, 1.5])
    monkeypatch.setattr(fuzz.time, "process_time", lambda: next(clock))

    async def parse(text: str) -> dict:
        return {"intent": {"name": "greet"}}

    report = asyncio.run(fuzz.run_fuzz(parse, ["chào"]))
    assert report.failures == ["1.50 s CPU for 'chào' (4 characters)"]
