"""`make bench` (conversation part): our stack against the stock `rasa init` bot, under load.

    python -m bot.evaluation.bench_load                 # the whole run (about 15 minutes)
    python -m bot.evaluation.bench_load --quick         # a short check of the harness (~4 min)
    python -m bot.evaluation.bench_load -k 1 10 50 --duration 30 --pauses 0
    python -m bot.evaluation.bench_load --url http://127.0.0.1:7400 --database-url postgresql://...
                                                        # an endpoint someone else started

One run, on this machine's loopback (ports 7300-7399):

1. starts the stock bot (``rasa init``, trained once and cached; ``rasa run --enable-api``
   and its ``rasa run actions``) and our stack exactly as `make run` starts it (supervisor,
   Procfile, full demo data, clock frozen at 27/11/2026 09:00), and records how long each
   Rasa took from process start to ready, and each process's resident memory;
2. NLU alone: messages parsed one after another through ``/model/parse`` (ours on the
   admin API with its token, the stock bot's on its API);
3. conversation load (:mod:`bot.evaluation.loadgen`): K closed-loop customers for each K,
   without and with a pause between a customer's messages, ours and then the stock bot at
   the same K (so both see the same machine); per-turn p50/p95/p99, turns/s, errors, the
   CPU time each process used per turn, and the load average;
4. a 100,000-character message sent repeatedly while 10 customers talk, against the same
   load without it;
5. a flame graph of our Rasa server, its NLU worker and the action server under load
   (py-spy, SVG in docs/img/), time per action and NLU, and the slowest SQL statements
   (``BOT_PERF_DIR``, :mod:`bot.perfstats`);
6. the production profile with 1 and then 2 Rasa instances behind its balancer, at K=20
   and 50 (:mod:`bot.evaluation.bench_instances`; ``--no-instances`` leaves it out);

then writes the ``bench-load`` section of docs/benchmarks.md (tables, plots in docs/img/,
the targets of issue 15 with what was measured) unless ``--no-write``. ``--json FILE``
keeps every number; ``--before DIR`` also starts the code of another checkout (e.g. before
the speed work) and measures it at each K right after ours and the stock bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import clock
from bot.config import PROJECT_ROOT
from bot.evaluation import bench_instances, bench_stack, loadgen
from bot.evaluation.report import machine_description, percentile, write_section

IMG = PROJECT_ROOT / "docs" / "img"
SECTION = "bench-load"
DEFAULT_KS = (1, 10, 20, 50, 100)
DEFAULT_PAUSES = (0.0, 2.0)
INSTANCE_KS = (20, 50)  # the production profile, one instance against two
LONG_MESSAGE_CHARS = 100_000
TARGETS = {
    "ratio_k50": 1.5,  # throughput at K=50 without pause, ours / stock
    "p95_k20_pause_ms": 300.0,
    "p50_k1_ms": 80.0,
    "ready_s": 30.0,
    "rss_mb": 1536.0,
    "long_message_s": 1.0,
}


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} bench | {message}", flush=True)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def cpu_seconds(pid: int, members: list[int] | None = None) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (or of ``members``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for member in bench_stack.process_tree(pid) if members is None else members:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (Path("/proc") / str(member) / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_by_process(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each supervised process's tree, the Rasa server's NLU workers apart
    ("nlu worker"; a worker replaced during a run takes the CPU it had used with it)."""
    found: dict[str, float] = {}
    for name, pid in pids.items():
        tree = bench_stack.process_tree(pid)
        workers = bench_stack.nlu_worker_pids(pid) if name == "rasa" else []
        found[name] = cpu_seconds(pid, [member for member in tree if member not in workers])
        if workers:
            found["nlu worker"] = cpu_seconds(pid, workers)
    return found


# ------------------------------------------------------------------ the systems


@dataclass
class System:
    """One system under test: where to talk to it, and its processes (when we started it)."""

    name: str
    url: str
    scripts: tuple[loadgen.Script, ...]
    customers: list[loadgen.Customer]
    pids: dict[str, int]  # process name -> supervised pid (its tree is measured)
    parse_url: str | None = None  # /model/parse, token included
    ready_s: float | None = None
    parse_texts: tuple[str, ...] = ()
    supervisor: subprocess.Popen | None = None  # our stacks: the supervisor we started

    def check_alive(self) -> None:
        """Stop the bench when a system we started is gone (figures would be all errors)."""
        if self.supervisor is not None and self.supervisor.poll() is not None:
            raise RuntimeError(f"{self.name}: the supervisor exited ({self.supervisor.returncode}); stopping")
        for name, pid in self.pids.items():
            if self.supervisor is None and not Path(f"/proc/{pid}").exists():
                raise RuntimeError(f"{self.name}: process {name} ({pid}) is gone; stopping")

    def cpu(self) -> dict[str, float]:
        return cpu_by_process(self.pids)

    def memory(self) -> dict[str, tuple[float, float]]:
        return bench_stack.memory_by_process(self.pids)


def _script_texts(scripts: tuple[loadgen.Script, ...], customers: list[loadgen.Customer]) -> tuple[str, ...]:
    person = customers[0] if customers else loadgen.Customer("PB05010000001", "1321")
    return tuple(
        turn.message.format(code=person.code, digits=person.digits) for s in scripts for turn in s.turns
    )


# ------------------------------------------------------------------ measurements


async def _parse_times(url: str, texts: tuple[str, ...], rounds: int) -> list[float]:
    import aiohttp

    times = []
    async with aiohttp.ClientSession() as http:
        for index in range(rounds * len(texts) + 5):
            text = texts[index % len(texts)]
            started = time.perf_counter()
            async with http.post(url, json={"text": text}) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"/model/parse answered {response.status}")
            if index >= 5:  # warm-up
                times.append((time.perf_counter() - started) * 1000)
    return times


def measure_nlu(system: System, rounds: int) -> dict[str, Any] | None:
    if not system.parse_url:
        return None
    times = asyncio.run(_parse_times(system.parse_url, system.parse_texts, rounds))
    return {
        "n": len(times),
        "p50_ms": round(percentile(times, 0.5), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "mean_ms": round(sum(times) / len(times), 2),
    }


def run_one(system: System, k: int, pause: float, duration: float, warmup: float) -> dict[str, Any]:
    system.check_alive()
    before_cpu, before_load, own_cpu = system.cpu(), load_average(), time.process_time()
    result = asyncio.run(
        loadgen.run_load(
            system.url,
            k,
            duration,
            scripts=system.scripts,
            customers=system.customers,
            pause_s=pause,
            warmup_s=warmup,
            sender_prefix=f"bench-{system.name}",
        )
    )
    after_cpu, own = system.cpu(), time.process_time() - own_cpu
    summary = result.summary()
    turns = max(1, summary["turns"])
    # CPU over warm-up + window, shared by the turns of the window and of the warm-up:
    # an estimate per turn (the same for both systems).
    all_turns = max(turns, round(turns * (duration + warmup) / duration))
    summary["cpu_ms_per_turn"] = {
        name: round((after_cpu[name] - before_cpu.get(name, 0.0)) * 1000 / all_turns, 2) for name in after_cpu
    }
    summary["cpu_ms_per_turn"]["load generator"] = round(own * 1000 / all_turns, 2)
    summary["load_before"], summary["load_after"] = before_load, load_average()
    summary["per_script_p50_ms"] = {
        s.name: round(percentile(result.latencies_ms(s.name), 0.5), 1)
        for s in system.scripts
        if result.latencies_ms(s.name)
    }
    summary["system"] = system.name
    return summary


def _long_text() -> str:
    piece = "Dạ em ơi cho tui hỏi tiền điện tháng này sao cao quá vậy, nhà tui xài ít lắm mà. "
    return (piece * (LONG_MESSAGE_CHARS // len(piece) + 1))[:LONG_MESSAGE_CHARS]


async def _long_message_load(
    system: System, duration: float, warmup: float, with_long: bool
) -> dict[str, Any]:
    stop = asyncio.Event()
    long_results: list[dict[str, Any]] = []

    async def sender() -> None:
        text = _long_text()
        await asyncio.sleep(warmup)
        number = 0
        while not stop.is_set():
            number += 1
            try:
                seconds, status, body = await loadgen.timed_message(
                    system.url, text, f"bench-long-{os.getpid()}-{number}-{time.time_ns()}", timeout_s=60
                )
                replies = body if isinstance(body, list) else []
                answer = "\n".join(str(m.get("text") or "") for m in replies if isinstance(m, dict))
                long_results.append({"s": seconds, "status": status, "polite": "dài quá" in answer})
            except Exception as error:
                long_results.append({"s": 60.0, "status": 0, "polite": False, "error": type(error).__name__})
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    task = asyncio.create_task(sender()) if with_long else None
    result = await loadgen.run_load(
        system.url,
        10,
        duration,
        scripts=system.scripts,
        customers=system.customers,
        pause_s=2.0,
        warmup_s=warmup,
        sender_prefix="bench-long-others",
    )
    stop.set()
    if task:
        await task
    summary = result.summary()
    if long_results:
        seconds = [r["s"] for r in long_results]
        summary["long"] = {
            "n": len(long_results),
            "p50_s": round(percentile(seconds, 0.5), 3),
            "max_s": round(max(seconds), 3),
            "polite": sum(1 for r in long_results if r["polite"]),
            "statuses": dict(Counter(r["status"] for r in long_results)),
            "bytes": len(_long_text().encode()),
        }
    return summary


def measure_long_message(system: System, duration: float, warmup: float) -> dict[str, Any]:
    baseline = asyncio.run(_long_message_load(system, duration, warmup, with_long=False))
    loaded = asyncio.run(_long_message_load(system, duration, warmup, with_long=True))
    return {"without": baseline, "with": loaded}


# ------------------------------------------------------------------ profiling


def _py_spy() -> str | None:
    candidate = Path(sys.executable).parent / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


PROFILED = ("rasa", "nlu worker", "actions")


def profile_under_load(
    system: System, python_pids: dict[str, int], k: int, seconds: float, warmup: float
) -> dict[str, Any]:
    """py-spy on our Rasa and action server while K customers talk without pause: an SVG
    flame graph each (docs/img/flame-<name>.svg) and the functions that took the most."""
    spy = _py_spy()
    if spy is None:
        log("py-spy not found: no flame graph")
        return {}
    IMG.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-spy-"))
    recorders = []

    def record(name: str, pid: int, fmt: str, out: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(int(seconds)),
                "--rate",
                "50",
                "--nolineno",
                "--format",
                fmt,
                "--output",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    async def load_and_record() -> loadgen.LoadResult:
        load = asyncio.create_task(
            loadgen.run_load(
                system.url,
                k,
                seconds + 2,
                scripts=system.scripts,
                customers=system.customers,
                warmup_s=warmup,
                sender_prefix="bench-profile",
            )
        )
        await asyncio.sleep(warmup)
        for name in PROFILED:
            if name in python_pids:
                svg = IMG / f"flame-{name.replace(' ', '-')}.svg"
                recorders.append((name, record(name, python_pids[name], "flamegraph", svg)))
                recorders.append((name, record(name, python_pids[name], "raw", scratch / f"{name}.txt")))
        return await load

    result = asyncio.run(load_and_record())
    tops: dict[str, Any] = {}
    for name, recorder in recorders:
        _, error = recorder.communicate(timeout=seconds + 60)
        if recorder.returncode != 0:
            log(f"py-spy on {name} failed: {error.decode(errors='replace')[-300:]}")
    for name in PROFILED:
        raw = scratch / f"{name}.txt"
        if raw.exists():
            tops[name] = top_functions(raw.read_text())
    shutil.rmtree(scratch, ignore_errors=True)
    return {"k": k, "seconds": seconds, "load": result.summary(), "top": tops}


# Frames that only carry the others (threads, the event loop, Sanic's plumbing).
_PLUMBING = re.compile(
    r"^(_bootstrap|_bootstrap_inner|run|_worker|_run_module_as_main|_run_code|<module>|main|"
    r"connection_task|http1|handle_request|serve|serve_single|_run_once|run_forever|"
    r"run_until_complete|_run)$"
)


_IDLE_LEAVES = (
    "_worker (concurrent/futures/thread.py",
    "wait (threading.py",
    "keep_writing (bot/perfstats.py",
)


def top_functions(collapsed: str, limit: int = 14) -> dict[str, Any]:
    """From py-spy's raw (collapsed) stacks: the share of samples, per thread kind, and
    the functions with the largest inclusive share (plumbing frames left out)."""
    total = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    idle = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdecimal():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        leaf = frames[-1]
        if leaf.startswith(_IDLE_LEAVES):
            idle += samples  # a thread waiting for work (py-spy counts some waits as busy)
            continue
        seen = set()
        for frame in frames:
            name = frame.strip()
            short = name.split(" (")[0]
            if _PLUMBING.match(short) or name in seen:
                continue
            seen.add(name)
            inclusive[name] += samples
        own[leaf.strip()] += samples
    busy = max(1, total - idle)
    return {
        "samples": total,
        "busy_samples": total - idle,
        "inclusive": [(name, round(100 * n / busy, 1)) for name, n in inclusive.most_common(limit)],
        "self": [(name, round(100 * n / busy, 1)) for name, n in own.most_common(8)],
    }


# ------------------------------------------------------------------ perf stats


def read_perf(directory: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """process -> kind -> entries, from the files bot.perfstats wrote."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in sorted(directory.glob("*.json")):
        with contextlib.suppress(OSError, ValueError):
            body = json.loads(path.read_text())
            found[body["process"]] = body["stats"]
    return found


# ------------------------------------------------------------------ plots


def plot(results: list[dict[str, Any]], labels: dict[str, str]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    pauses = sorted({r["pause_s"] for r in results})
    series: list[tuple[str, list[dict[str, Any]], str]] = []
    colours = {"ours": "tab:blue", "stock": "tab:gray", "before": "tab:orange"}
    for system in ("ours", "stock", "before"):
        rows = [r for r in results if r["system"] == system]
        if rows:
            series.append((labels.get(system, system), rows, colours[system]))
    written = []
    for metric, ylabel, filename in (
        ("latency", "per-turn latency (ms, log scale)", "bench-latency.png"),
        ("throughput", "turns per second (correct answers)", "bench-throughput.png"),
    ):
        figure, axes = plt.subplots(1, len(pauses), figsize=(6 * len(pauses), 4.2), squeeze=False)
        for axis, pause in zip(axes[0], pauses, strict=True):
            for label, rows, colour in series:
                rows = sorted((r for r in rows if r["pause_s"] == pause), key=lambda r: r["k"])
                if not rows:
                    continue
                ks = [r["k"] for r in rows]
                if metric == "latency":
                    axis.plot(ks, [r["p50_ms"] for r in rows], "o-", color=colour, label=f"{label} p50")
                    axis.plot(ks, [r["p95_ms"] for r in rows], "s--", color=colour, label=f"{label} p95")
                    axis.set_yscale("log")
                else:
                    axis.plot(ks, [r["turns_per_s"] for r in rows], "o-", color=colour, label=label)
            if metric == "latency" and pause:
                axis.axhline(TARGETS["p95_k20_pause_ms"], color="tab:red", linewidth=0.8, linestyle=":")
            axis.set_xscale("log")
            axis.set_xlabel("concurrent customers K (log scale)")
            axis.set_ylabel(ylabel)
            axis.set_title(
                "no pause between messages" if not pause else f"{pause:g} s pause between messages"
            )
            axis.grid(True, which="both", alpha=0.3)
            axis.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(IMG / filename, dpi=110)
        plt.close(figure)
        written.append(filename)
    return written


# ------------------------------------------------------------------ report


def _fmt_ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _row_for(results: list[dict[str, Any]], system: str, k: int, pause: float) -> dict[str, Any] | None:
    return next((r for r in results if r["system"] == system and r["k"] == k and r["pause_s"] == pause), None)


def targets(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, wanted, measured, verdict) for issue 15's "done when"."""
    rows = []
    results = report["load"]

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("**met**" if ok else "**not met**")

    ours, stock = _row_for(results, "ours", 50, 0.0), _row_for(results, "stock", 50, 0.0)
    if ours and stock and stock["turns_per_s"]:
        ratio = ours["turns_per_s"] / stock["turns_per_s"]
        rows.append(
            (
                "throughput at K=50, no pause, vs the stock bot",
                f"≥ {TARGETS['ratio_k50']}×",
                f"{ratio:.2f}× ({ours['turns_per_s']:.1f} vs {stock['turns_per_s']:.1f} turns/s)",
                verdict(ratio >= TARGETS["ratio_k50"]),
            )
        )
    else:
        rows.append(("throughput at K=50, no pause, vs the stock bot", "≥ 1.5×", "—", verdict(None)))
    paused = _row_for(results, "ours", 20, 2.0)
    if paused:
        ok = paused["p95_ms"] <= TARGETS["p95_k20_pause_ms"] and paused["errors"] == 0
        rows.append(
            (
                "p95 per turn at K=20 with a 2 s pause, zero errors",
                "≤ 300 ms, 0 errors",
                f"{paused['p95_ms']:.0f} ms, {paused['errors']} errors",
                verdict(ok),
            )
        )
    else:
        rows.append(
            ("p95 per turn at K=20 with a 2 s pause, zero errors", "≤ 300 ms, 0 errors", "—", verdict(None))
        )
    single = _row_for(results, "ours", 1, 0.0)
    rows.append(
        (
            "a single customer's p50 per turn",
            "≤ 80 ms",
            f"{single['p50_ms']:.0f} ms" if single else "—",
            verdict(single["p50_ms"] <= TARGETS["p50_k1_ms"] if single else None),
        )
    )
    ready = report.get("ready", {}).get("ours")
    rows.append(
        (
            "Rasa ready after start, cached model",
            "≤ 30 s",
            f"{ready:.1f} s" if ready else "—",
            verdict(ready <= TARGETS["ready_s"] if ready else None),
        )
    )
    memory = report.get("memory_peak", {}).get("ours") or {}
    if memory:
        largest = max(memory.items(), key=lambda item: item[1][1])
        rows.append(
            (
                "resident memory of each process (peak)",
                "≤ 1.5 GB",
                f"largest {largest[0]}: {largest[1][1]:.0f} MB",
                verdict(all(hwm <= TARGETS["rss_mb"] for _, hwm in memory.values())),
            )
        )
    long = report.get("long_message")
    if long and long["with"].get("long"):
        info, before, during = long["with"]["long"], long["without"], long["with"]
        slower = during["p95_ms"] > before["p95_ms"] * 1.25 + 25
        ok = info["max_s"] < TARGETS["long_message_s"] and info["polite"] == info["n"] and not slower
        rows.append(
            (
                "a 100,000-character message: polite answer in < 1 s, others not slowed",
                "< 1 s",
                f"max {info['max_s'] * 1000:.0f} ms ({info['polite']}/{info['n']} polite); others' p95 "
                f"{before['p95_ms']:.0f} → {during['p95_ms']:.0f} ms",
                verdict(ok),
            )
        )
    return rows


def render(report: dict[str, Any], images: list[str]) -> str:
    results: list[dict[str, Any]] = report["load"]
    labels = report["labels"]
    lines = [
        "## Conversation load: our stack against the stock `rasa init` bot",
        "",
        f"Generated by `make bench` (`python -m bot.evaluation.bench_load {report['argv']}`) on "
        f"{report['date']} (Vietnam time), in {report['minutes']:.0f} min. Machine: {report['machine']}. "
        f"Load average (1 min) {report['load_start']:.1f} at the start, {report['load_end']:.1f} at the end; "
        f"per run in the tables. **The machine is shared** (other engineers' tests and trainings run on the "
        f"same 2 cores): the load average says how much of it we had; CPU ms per turn is the figure "
        f"least disturbed by that.",
        "",
        f"{labels['ours']}: our stack as `make run` starts it (supervisor, Procfile: Rasa with its NLU "
        "worker process where the code has one, action server, web "
        f"app, notifier; SQLite tracker store, SQL event broker, utility database with the full demo data, "
        f"5,000 customers × 24 months), clock frozen at 27/11/2026 09:00. {labels['stock']}: `rasa init "
        f"--no-prompt` from the installed Rasa, its default pipeline and policies, `rasa run --enable-api` "
        f"with its in-memory tracker store and its action server. All on loopback, one Rasa server each.",
        "",
        "Closed loop (`bot/evaluation/loadgen.py`): K customers each send a message, wait for the answer "
        "(optionally pause), send the next; each conversation is a new sender id (REST session token, "
        "verification with the customer's real 4 digits). Scripts, chosen in turn (weight): "
        + ", ".join(f"{s['name']} ({s['turns']} turns ×{s['weight']})" for s in report["scripts"])
        + f"; the stock bot repeats its own five-turn conversation. Every answer is checked (HTTP 200, no "
        f"apology, the expected words): a wrong answer counts as an error and ends that conversation. "
        f"Each run: {report['warmup']:g} s warm-up, then {report['duration']:g} s measured (turns started "
        f"and finished inside the window).",
        "",
    ]
    lines += [
        "### Against the targets (issue 15)",
        "",
        "| target | wanted | measured | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(report)]
    lines += [""]
    for pause in sorted({r["pause_s"] for r in results}):
        title = (
            "no pause between a customer's messages" if not pause else f"{pause:g} s pause between messages"
        )
        lines += [
            f"### Load, {title}",
            "",
            "| K | ours: turns/s | p50 | p95 | p99 | errors | stock: turns/s | p50 | p95 | p99 | errors "
            "| ratio turns/s | ratio p95 | load avg |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for k in sorted({r["k"] for r in results if r["pause_s"] == pause}):
            ours, stock = _row_for(results, "ours", k, pause), _row_for(results, "stock", k, pause)
            cells = [str(k)]
            for row in (ours, stock):
                cells += (
                    [
                        f"{row['turns_per_s']:.1f}",
                        _fmt_ms(row["p50_ms"]),
                        _fmt_ms(row["p95_ms"]),
                        _fmt_ms(row["p99_ms"]),
                        str(row["errors"]),
                    ]
                    if row
                    else ["—"] * 5
                )
            if ours and stock and stock["turns_per_s"] and ours["p95_ms"]:
                cells += [
                    f"{ours['turns_per_s'] / stock['turns_per_s']:.2f}×",
                    f"{ours['p95_ms'] / stock['p95_ms']:.2f}×" if stock["p95_ms"] else "—",
                ]
            else:
                cells += ["—", "—"]
            loads = [row["load_before"] for row in (ours, stock) if row]
            cells.append(" / ".join(f"{value:.1f}" for value in loads))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Ratios are ours ÷ stock: above 1 for turns/s is better, below 1 for p95 is better.", ""]
    for image in images:
        lines += [f"![{image.removesuffix('.png')}](img/{image})", ""]
    # CPU per turn
    lines += [
        "### CPU time per turn (no pause)",
        "",
        "Milliseconds of CPU (user + system) each process used per answered turn, over the run.",
        "",
        "| K | system | " + " | ".join(["process", "ms/turn"]) + " |",
        "|---:|---|---|---:|",
    ]
    for row in sorted(
        (r for r in results if not r["pause_s"]), key=lambda r: (r["k"], r["system"] != "ours")
    ):
        parts = ", ".join(f"{name} {value:.1f}" for name, value in row["cpu_ms_per_turn"].items())
        total = sum(v for n, v in row["cpu_ms_per_turn"].items() if n != "load generator")
        lines.append(f"| {row['k']} | {labels[row['system']]} | {parts} | {total:.1f} |")
    lines.append("")
    # per script
    lines += [
        "### Per script (ours, p50 per turn)",
        "",
        "| K | pause | " + " | ".join(s["name"] for s in report["scripts"]) + " |",
        "|---:|---:|" + "---:|" * len(report["scripts"]),
    ]
    for row in (r for r in results if r["system"] == "ours"):
        lines.append(
            f"| {row['k']} | {row['pause_s']:g} s | "
            + " | ".join(
                _fmt_ms(row["per_script_p50_ms"][s["name"]]) if s["name"] in row["per_script_p50_ms"] else "—"
                for s in report["scripts"]
            )
            + " |"
        )
    lines.append("")
    # startup, memory, NLU
    lines += ["### Start, memory, NLU alone", "", "| | ours | stock |", "|---|---:|---:|"]
    ready = report.get("ready", {})
    lines.append(
        f"| Rasa: process start → ready (model cached, `GET /` and a parse answer) | "
        f"{ready.get('ours', 0):.1f} s | {ready.get('stock', 0):.1f} s |"
    )
    for when in ("memory_idle", "memory_peak"):
        for system in ("ours", "stock"):
            memory = report.get(when, {}).get(system) or {}
            if not memory:
                continue
            label = "resident memory after start" if when == "memory_idle" else "peak resident memory (VmHWM)"
            value = ", ".join(
                f"{name} {(rss if when == 'memory_idle' else hwm):.0f} MB"
                for name, (rss, hwm) in memory.items()
            )
            lines.append(
                f"| {label}, {labels[system]} | " + (f"{value} | |" if system == "ours" else f"| {value} |")
            )
    nlu = report.get("nlu", {})
    if nlu:
        o, s = nlu.get("ours"), nlu.get("stock")
        lines.append(
            "| NLU alone: `/model/parse`, one message after another (HTTP included), p50 / p95 | "
            + (f"{o['p50_ms']:.1f} / {o['p95_ms']:.1f} ms" if o else "—")
            + " | "
            + (f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} ms" if s else "—")
            + " |"
        )
    if report.get("stock_train_s"):
        lines.append(f"| stock bot trained in (once, then cached) | | {report['stock_train_s']:.0f} s |")
    lines.append("")
    # long message
    long = report.get("long_message")
    if long and long["with"].get("long"):
        info, before, during = long["with"]["long"], long["without"], long["with"]
        lines += [
            "### A 100,000-character message",
            "",
            f"10 customers talk (2 s pause) for {report['long_duration']:g} s; in a second run a sender "
            "posts a "
            f"{LONG_MESSAGE_CHARS:,}-character Vietnamese message ({info['bytes']:,} bytes of JSON text) "
            "every "
            "0.5 s meanwhile. The channels cap a message at `CHANNEL_MAX_TEXT_CHARS` (2,000) and answer "
            "longer "
            f"ones themselves, politely, without NLU (`bot/channels/base.py`).",
            "",
            "| | long messages | their latency p50 / max | polite answer | others: turns | p50 | p95 "
            "| errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| without | — | — | — | {before['turns']} | {_fmt_ms(before['p50_ms'])} | "
            f"{_fmt_ms(before['p95_ms'])} | {before['errors']} |",
            f"| with | {info['n']} | {info['p50_s'] * 1000:.0f} / {info['max_s'] * 1000:.0f} ms | "
            f"{info['polite']}/{info['n']} | {during['turns']} | {_fmt_ms(during['p50_ms'])} | "
            f"{_fmt_ms(during['p95_ms'])} | {during['errors']} |",
            "",
        ]
    # perf stats
    perf = report.get("perf") or {}
    if perf:
        lines += [
            "### Where a turn's time goes (all runs, `BOT_PERF_DIR`)",
            "",
            "| process | what | count | mean | p50 | p95 | max |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for process, kind in (("rasa", "rasa"), ("actions", "action")):
            for entry in (perf.get(process) or {}).get(kind, [])[:8]:
                lines.append(
                    f"| {process} | {entry['name']} | {entry['count']} | {entry['mean_ms']:.1f} ms | "
                    f"{entry['p50_ms']:.1f} ms | {entry['p95_ms']:.1f} ms | {entry['max_ms']:.0f} ms |"
                )
        lines += [
            "",
            "Slowest SQL statements (by total time; lock waits included), per process:",
            "",
            "| process | statement | count | mean | p95 | total |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for process in ("rasa", "actions"):
            for entry in (perf.get(process) or {}).get("sql", [])[:6]:
                statement = entry["name"].replace("|", "\\|")
                statement = statement[:140] + ("…" if len(statement) > 140 else "")
                lines.append(
                    f"| {process} | `{statement}` | {entry['count']} | {entry['mean_ms']:.2f} ms | "
                    f"{entry['p95_ms']:.2f} ms | {entry['total_ms'] / 1000:.1f} s |"
                )
        lines.append("")
    # profile
    profile = report.get("profile") or {}
    if profile.get("top"):
        load = profile["load"]
        lines += [
            f"### Flame graphs (py-spy, {profile['seconds']:g} s at K={profile['k']} without pause)",
            "",
            f"During the recording: {load['turns_per_s']:.1f} turns/s, p50 {_fmt_ms(load['p50_ms'])}, p95 "
            f"{_fmt_ms(load['p95_ms'])} (py-spy pauses the processes 50 times a second, so slower than "
            "above). "
            "Open the SVGs in a browser to zoom: [Rasa](img/flame-rasa.svg), [its NLU worker]"
            "(img/flame-nlu-worker.svg), [action server](img/flame-actions.svg). Share of the samples in "
            "which a thread was busy (idle worker threads left out), the largest first:",
            "",
        ]
        for name, top in profile["top"].items():
            lines += [
                f"**{name}** ({top['busy_samples']} busy samples):",
                "",
                "| function (inclusive) | share |",
                "|---|---:|",
            ]
            lines += [f"| `{fn}` | {share:.1f} % |" for fn, share in top["inclusive"]]
            lines.append("")
    lines += bench_instances.render_instances(report.get("instances"))
    if any(r["system"] == "before" for r in results):
        lines += render_comparison(report)
    return "\n".join(lines)


def render_comparison(report: dict[str, Any]) -> list[str]:
    labels = report["labels"]
    lines = [
        f"### Before and after the speed work ({labels['before']} → {labels['ours']})",
        "",
        "The code before the changes, started from its own checkout (`--before DIR`) by the same harness "
        "in the same run: at each K it was measured right after ours and the stock bot, so the three "
        "saw the same machine.",
        "",
        "| K | pause | before: turns/s | p50 | p95 | errors | CPU ms/turn | after: turns/s | p50 | p95 | "
        "errors "
        "| CPU ms/turn |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(
        (r for r in report["load"] if r["system"] == "before"), key=lambda r: (r["pause_s"], r["k"])
    ):
        after = _row_for(report["load"], "ours", row["k"], row["pause_s"])
        cells = [str(row["k"]), f"{row['pause_s']:g} s"]
        for item in (row, after):
            if item is None:
                cells += ["—"] * 5
                continue
            cpu = sum(v for n, v in item["cpu_ms_per_turn"].items() if n != "load generator")
            cells += [
                f"{item['turns_per_s']:.1f}",
                _fmt_ms(item["p50_ms"]),
                _fmt_ms(item["p95_ms"]),
                str(item["errors"]),
                f"{cpu:.0f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


# ------------------------------------------------------------------ main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.evaluation.bench_load", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "-k", type=int, nargs="+", default=None, help="concurrent customers (default 1 10 20 50 100)"
    )
    parser.add_argument(
        "--pauses", type=float, nargs="+", default=None, help="pauses in seconds (default 0 2)"
    )
    parser.add_argument("--duration", type=float, default=None, help="measured seconds per run (default 20)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per run (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="K 1 10, 5 s runs: checks the harness, not the speed"
    )
    parser.add_argument("--url", help="measure this running REST endpoint instead of starting our stack")
    parser.add_argument(
        "--database-url", help="with --url: where the demo customers are (default DATABASE_URL)"
    )
    parser.add_argument("--customers", help="with --url: a file of code,digits lines instead")
    parser.add_argument("--admin-url", help="with --url: the admin API (for /model/parse), token in --token")
    parser.add_argument("--token", default="", help="with --admin-url: RASA_TOKEN")
    parser.add_argument(
        "--stock",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the stock bot too (default: yes, unless --url)",
    )
    parser.add_argument("--profile", action=argparse.BooleanOptionalAction, default=True, help="flame graphs")
    parser.add_argument("--long-message", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--instances",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the production profile with 1 and 2 Rasa instances (default: yes, unless --url)",
    )
    parser.add_argument(
        "--project", type=Path, default=None, help="start our stack from this checkout instead"
    )
    parser.add_argument("--label", default=None, help="name of our system in the tables")
    parser.add_argument("--json", type=Path, default=None, help="also write every number to this file")
    parser.add_argument(
        "--before", type=Path, default=None, help="a checkout of earlier code to measure beside ours"
    )
    parser.add_argument("--before-label", default="before", help="name of --before in the tables")
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write the section of docs/benchmarks.md",
    )
    parser.add_argument("--section", default=SECTION)
    args = parser.parse_args(argv)
    quick = args.quick
    args.k = args.k or ([1, 10] if quick else list(DEFAULT_KS))
    args.pauses = args.pauses if args.pauses is not None else list(DEFAULT_PAUSES)
    args.duration = args.duration or (5.0 if quick else 20.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if quick else 3.0)
    if args.stock is None:
        args.stock = args.url is None
    if args.instances is None:
        args.instances = args.url is None
    return args


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the systems we started, like Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    report: dict[str, Any] = {
        "argv": " ".join(argv if argv is not None else sys.argv[1:]),
        "date": f"{datetime.now(clock.VN_TZ):%d/%m/%Y %H:%M}",
        "machine": machine_description(),
        "load_start": load_average(),
        "duration": args.duration,
        "warmup": args.warmup,
        "labels": {"ours": args.label or "ours", "stock": "stock rasa init", "before": args.before_label},
        "scripts": [{"name": s.name, "turns": len(s.turns), "weight": s.weight} for s in loadgen.OUR_SCRIPTS],
    }
    log(f"machine: {report['machine']}; load average {report['load_start']}")
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    perf_dir = work / "perf"
    stock: bench_stack.StockBot | None = None
    ours_stack: bench_stack.OurStack | None = None
    before_stack: bench_stack.OurStack | None = None
    systems: list[System] = []
    try:
        if args.stock:
            stock = bench_stack.start_stock(log)
            report["stock_train_s"] = stock.train_s
            systems.append(
                System(
                    "stock",
                    stock.url,
                    loadgen.STOCK_SCRIPTS,
                    [],
                    {n: p.pid for n, p in stock.processes.items()},
                    parse_url=f"{stock.url}/model/parse",
                    ready_s=stock.ready_s,
                    parse_texts=_script_texts(loadgen.STOCK_SCRIPTS, []),
                )
            )
            log(f"stock bot ready in {stock.ready_s:.1f} s on {stock.url}")
        if args.url:
            database_url = args.database_url or os.environ.get("DATABASE_URL")
            if args.customers:
                customers = loadgen.read_customers(args.customers)
            elif database_url:
                customers = loadgen.demo_customers(database_url)
            else:
                raise SystemExit("--url needs --database-url or --customers (who the customers are)")
            parse_url = (
                f"{args.admin_url.rstrip('/')}/model/parse?token={args.token}" if args.admin_url else None
            )
            systems.insert(
                0,
                System(
                    "ours",
                    args.url.rstrip("/"),
                    loadgen.OUR_SCRIPTS,
                    customers,
                    {},
                    parse_url=parse_url,
                    parse_texts=_script_texts(loadgen.OUR_SCRIPTS, customers),
                ),
            )
        else:
            model = _model_for(args.project)
            ours_stack = bench_stack.start_ours(
                work / "ours", model, log, {"BOT_PERF_DIR": str(perf_dir)}, root=args.project
            )
            customers = loadgen.demo_customers(ours_stack.database_url)
            systems.insert(
                0,
                System(
                    "ours",
                    ours_stack.url,
                    loadgen.OUR_SCRIPTS,
                    customers,
                    ours_stack.pids(),
                    parse_url=f"{ours_stack.admin_url}/model/parse?token={ours_stack.env['RASA_TOKEN']}",
                    ready_s=ours_stack.ready_s,
                    supervisor=ours_stack.supervisor,
                    parse_texts=_script_texts(loadgen.OUR_SCRIPTS, customers),
                ),
            )
            log(f"our stack ready: Rasa in {ours_stack.ready_s:.1f} s on {ours_stack.url}")
        if args.before:
            before_stack = bench_stack.start_ours(
                work / "before", _model_for(args.before), log, root=args.before
            )
            systems.append(
                System(
                    "before",
                    before_stack.url,
                    loadgen.OUR_SCRIPTS,
                    loadgen.demo_customers(before_stack.database_url),
                    before_stack.pids(),
                    ready_s=before_stack.ready_s,
                    supervisor=before_stack.supervisor,
                )
            )
            log(f"the code before ready: Rasa in {before_stack.ready_s:.1f} s on {before_stack.url}")
        report["ready"] = {s.name: s.ready_s for s in systems if s.ready_s}
        report["memory_idle"] = {s.name: s.memory() for s in systems if s.pids}

        log("NLU alone (/model/parse)")
        report["nlu"] = {s.name: measure_nlu(s, rounds=3 if args.quick else 8) for s in systems}

        report["load"] = []
        for pause in args.pauses:
            for k in args.k:
                for system in systems:
                    row = run_one(system, k, pause, args.duration, args.warmup)
                    report["load"].append(row)
                    log(
                        f"{system.name:5} K={k:<3} pause={pause:g}s: {row['turns_per_s']:6.1f} turns/s  "
                        f"p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  p99 {row['p99_ms']:7.1f} ms  "
                        f"errors {row['errors']} {row['error_kinds'] or ''}  load {row['load_before']}"
                    )
                    for wrong in row["wrong_answers"]:
                        log(f"  wrong answer ({wrong['script']} turn {wrong['turn']}): {wrong['sent']!r}")
                        log(f"    -> {wrong['answer']!r}")
                    time.sleep(1)

        ours = systems[0]
        if args.long_message:
            report["long_duration"] = 6.0 if args.quick else 20.0
            log("a 100,000-character message among 10 customers")
            report["long_message"] = measure_long_message(ours, report["long_duration"], args.warmup)
            long = report["long_message"]["with"].get("long", {})
            log(
                f"long messages: {long}; others p95 {report['long_message']['without']['p95_ms']} -> "
                f"{report['long_message']['with']['p95_ms']} ms"
            )
        if args.profile and ours_stack is not None:
            seconds = 6.0 if args.quick else 20.0
            log(f"profiling our Rasa and action server for {seconds:g} s at K=50 (py-spy)")
            report["profile"] = profile_under_load(ours, ours_stack.python_pids(), 50, seconds, args.warmup)
        report["memory_peak"] = {s.name: s.memory() for s in systems if s.pids}
        if ours_stack is not None:
            time.sleep(bench_stack_perf_wait())
            report["perf"] = read_perf(perf_dir)
    finally:
        for started_stack in (ours_stack, before_stack):
            if started_stack is not None:
                started_stack.stop()
        if stock is not None:
            stock.stop()
    if args.instances:  # after the embedded stacks are stopped: the profile has the machine
        ks = sorted({k for k in args.k if k in INSTANCE_KS}) or [max(args.k)]
        report["instances"] = bench_instances.measure_instances(
            _model_for(None), ks, args.duration, args.warmup, log, bench_stack.FROZEN_NOW, load_average
        )
    report["load_end"] = load_average()
    report["minutes"] = (time.monotonic() - started) / 60
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    if args.write:
        images = plot(report["load"], report["labels"])
        write_section(args.section, render(report, images))
        log(f"written: docs/benchmarks.md ({args.section}), docs/img/{', docs/img/'.join(images)}")
    shutil.rmtree(work, ignore_errors=True)
    log(f"done in {report['minutes']:.1f} min; load average {report['load_end']}")
    return 0


def bench_stack_perf_wait() -> float:
    """Seconds to let the processes write their last perf stats (bot.perfstats)."""
    from bot.perfstats import WRITE_EVERY_S

    return WRITE_EVERY_S + 0.5


def _model_for(project: Path | None) -> Path:
    if project is None:
        from bot.modelcache import ensure_model

        return ensure_model()
    result = subprocess.run(
        [sys.executable, "-m", "bot.modelcache", "ensure"],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
