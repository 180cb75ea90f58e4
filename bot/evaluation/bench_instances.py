"""`make bench`, production profile: one Rasa instance against two behind the balancer, in
the same run as the rest of the benchmark.

The profile is started as the whole-stack tests start it (:mod:`bot.prod.stack`: `make
run-prod`'s own preparation, PostgreSQL, Redis, RabbitMQ, nginx, databases and a queue of
its own, removed afterwards), first with 1 Rasa instance and 1 action server, then with 2
and 2, each time with the clock frozen and 300 demo customers; the same closed-loop load
as the embedded stack (:mod:`bot.evaluation.loadgen`, the same scripts, every answer
checked) goes through the balancer at each K. Each instance parses in its own process
(``RASA_NLU_WORKERS=0``, the profile's default: on 2 cores two instances already keep both
busy).

Skipped, with the reason in the report, when PostgreSQL, Redis, RabbitMQ or nginx is
missing (``bot.prod.stack.unavailable``).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.evaluation import loadgen

INSTANCE_COUNTS = (1, 2)


def measure_instances(
    model: Path, ks: list[int], duration: float, warmup: float, log: Callable[[str], None],
    frozen_now: str, load_average: Callable[[], float],
) -> dict[str, Any]:
    """{"runs": [{instances, k, turns_per_s, p50_ms, ...}], "ready_s": {n: s}} or
    {"skipped": reason}."""
    import time

    from bot.prod.stack import start_prod_stack, stop_prod_stack, unavailable

    reason = unavailable()
    if reason:
        log(f"production profile not measured: {reason}")
        return {"skipped": reason}
    runs: list[dict[str, Any]] = []
    ready: dict[int, float] = {}
    for count in INSTANCE_COUNTS:
        work = Path(tempfile.mkdtemp(prefix=f"bench-prod{count}-"))
        started = time.monotonic()
        stack = start_prod_stack(
            work, model, frozen_now=frozen_now, rasa=count, actions=count, name="prodbench"
        )
        ready[count] = round(time.monotonic() - started, 1)
        log(f"production profile with {count} Rasa instance(s) ready in {ready[count]:.0f} s")
        try:
            customers = loadgen.demo_customers(stack.env["DATABASE_URL"])
            for k in ks:
                load_before = load_average()
                result = asyncio.run(
                    loadgen.run_load(
                        stack.url, k, duration, scripts=loadgen.OUR_SCRIPTS, customers=customers,
                        warmup_s=warmup, sender_prefix=f"bench-prod{count}",
                    )
                )
                row = {"instances": count, **result.summary(), "load_before": load_before,
                       "load_after": load_average()}
                runs.append(row)
                log(
                    f"prod x{count} K={k:<3}: {row['turns_per_s']:6.1f} turns/s  p50 {row['p50_ms']:7.1f}  "
                    f"p95 {row['p95_ms']:7.1f} ms  errors {row['errors']} {row['error_kinds'] or ''}"
                )
                for wrong in row["wrong_answers"]:
                    log(f"  wrong answer ({wrong['script']} turn {wrong['turn']}): {wrong['sent']!r}")
                    log(f"    -> {wrong['answer']!r}")
        finally:
            stop_prod_stack(stack)
    return {"runs": runs, "ready_s": ready}


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def render_instances(section: dict[str, Any] | None) -> list[str]:
    """The section's Markdown lines (nothing when it was not asked for)."""
    if not section:
        return []
    lines = ["### Production profile: one Rasa instance against two (same run)", ""]
    if "skipped" in section:
        return [*lines, f"Not measured: {section['skipped']}.", ""]
    lines += [
        "`make run-prod`'s layout on this machine (`bot/evaluation/bench_instances.py`): PostgreSQL "
        "(utility data and tracker store), Redis (lock store, rate limits), RabbitMQ (event broker), "
        "nginx in front; N Rasa instances and N action servers, each instance parsing in its own "
        "process (`RASA_NLU_WORKERS=0`), 300 demo customers, the clock frozen; the same load and "
        "scripts as above, through the balancer, no pause. Everything shares the 2 cores with the "
        "load generator: the second instance can only use what the first, the action servers and "
        "the three services leave.",
        "",
        "| K | 1 instance: turns/s | p50 | p95 | errors | 2 instances: turns/s | p50 | p95 | errors | "
        "ratio turns/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(run["instances"], run["k"]): run for run in section["runs"]}
    for k in sorted({run["k"] for run in section["runs"]}):
        one, two = by_key.get((1, k)), by_key.get((2, k))
        cells = [str(k)]
        for run in (one, two):
            cells += (
                [f"{run['turns_per_s']:.1f}", _ms(run["p50_ms"]), _ms(run["p95_ms"]), str(run["errors"])]
                if run else ["—"] * 4
            )
        ratio = two["turns_per_s"] / one["turns_per_s"] if one and two and one["turns_per_s"] else None
        cells.append(f"{ratio:.2f}×" if ratio else "—")
        lines.append("| " + " | ".join(cells) + " |")
    ready = section.get("ready_s") or {}
    if ready:
        lines += [
            "",
            "Start of the whole profile (databases created, demo data loaded, every instance "
            "ready): " + ", ".join(f"{n} instance(s) {s:.0f} s" for n, s in sorted(ready.items())) + ".",
        ]
    return [*lines, ""]
