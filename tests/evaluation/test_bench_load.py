"""The load harness of `make bench` (bot/evaluation/loadgen.py, bench_load.py) and the
timing hooks it reads (bot/perfstats.py), without starting Rasa: a stand-in REST channel
that behaves like ours (session token on the first message, 403 without it later)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from aiohttp import web

from bot import perfstats
from bot.evaluation import bench_load, loadgen


def test_an_answer_counts_only_when_it_is_the_right_one() -> None:
    ok = [{"text": "Dạ, hóa đơn tháng 10/2026 là 798.660 đ"}]
    assert loadgen.judge(200, ok, r"\d[\d.]* đ") is None
    assert loadgen.judge(200, ok, r"4 số cuối") == "unexpected answer"
    apology = [{"text": "Dạ, em xin lỗi, hệ thống đang gặp sự cố tạm thời nên em chưa trả lời được."}]
    assert loadgen.judge(200, apology, "") == "apology"
    assert loadgen.judge(403, {"error": "session_token_required"}, "") == "HTTP 403"
    assert loadgen.judge(200, [], "") == "no answer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _rest_stand_in(seen: dict) -> tuple[web.AppRunner, str]:
    """Answers each message with its own text; enforces the session token like ours."""
    tokens: dict[str, str] = {}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        sender, text = body["sender"], body["message"]
        seen.setdefault(sender, []).append(text)
        if sender in tokens:
            if request.headers.get("X-Session-Token") != tokens[sender]:
                return web.json_response({"error": "session_token_required"}, status=403)
            return web.json_response([{"recipient_id": sender, "text": f"Dạ, {text}"}])
        tokens[sender] = f"t-{len(tokens)}"
        return web.json_response(
            [{"recipient_id": sender, "text": f"Dạ, {text}"}], headers={"X-Session-Token": tokens[sender]}
        )

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


SCRIPTS = (
    loadgen.Script("bill", (loadgen.Turn("mã {code}", "mã PB"), loadgen.Turn("{digits}", r"\d{4}"))),
    loadgen.Script("thanks", (loadgen.Turn("cảm ơn", "cảm ơn"),)),
)


async def test_closed_loop_customers_keep_their_session_and_every_turn_is_checked() -> None:
    seen: dict = {}
    runner, url = await _rest_stand_in(seen)
    try:
        customers = [loadgen.Customer("PB05010000001", "1321"), loadgen.Customer("PB11020000002", "2654")]
        result = await loadgen.run_load(url, 3, 1.0, scripts=SCRIPTS, customers=customers, warmup_s=0.2)
    finally:
        await runner.cleanup()
    summary = result.summary()
    assert summary["turns"] > 10 and summary["errors"] == 0, summary
    assert summary["turns_per_s"] > 5 and summary["p95_ms"] >= summary["p50_ms"] > 0
    # Each conversation is a new sender that presented its token after the first message
    # (else the stand-in answered 403 and the turn was an error), with real digits.
    bills = [texts for texts in seen.values() if texts[0].startswith("mã ")]
    assert bills and all(texts[1] in ("1321", "2654") for texts in bills if len(texts) > 1)
    assert {t.script for t in result.turns} == {"bill", "thanks"}


async def test_a_pause_slows_each_customer_down() -> None:
    runner, url = await _rest_stand_in({})
    try:
        result = await loadgen.run_load(url, 2, 1.2, scripts=SCRIPTS, pause_s=0.5, warmup_s=0.1)
    finally:
        await runner.cleanup()
    assert 0 < result.summary()["turns"] <= 8  # 2 customers, one message per 0.5 s at most


async def test_a_refused_connection_is_an_error_not_a_crash() -> None:
    result = await loadgen.run_load(f"http://127.0.0.1:{_free_port()}", 2, 0.6, scripts=SCRIPTS, warmup_s=0)
    assert result.turns and all(t.error for t in result.turns)


def test_top_functions_leave_out_idle_threads_and_plumbing() -> None:
    collapsed = "\n".join(
        [
            "thread (1);main (bot/rasa/server.py);handle (x.py);parse (nlu.py) 30",
            "thread (1);main (bot/rasa/server.py);handle (x.py);save (store.py) 10",
            "thread (2);_bootstrap (threading.py);_worker (concurrent/futures/thread.py) 60",
        ]
    )
    top = bench_load.top_functions(collapsed)
    assert top["samples"] == 100 and top["busy_samples"] == 40
    shares = dict(top["inclusive"])
    assert shares["handle (x.py)"] == 100.0 and shares["parse (nlu.py)"] == 75.0
    assert not any(name.startswith(("main ", "_worker")) for name in shares)


def _row(system: str, k: int, pause: float, tps: float, p50: float, p95: float, errors: int = 0) -> dict:
    return {
        "system": system,
        "k": k,
        "pause_s": pause,
        "turns_per_s": tps,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p95,
        "errors": errors,
        "turns": 100,
        "load_before": 1.0,
        "cpu_ms_per_turn": {"rasa": 10.0, "load generator": 1.0},
        "per_script_p50_ms": {"bill": p50},
    }


def _report() -> dict:
    return {
        "argv": "",
        "date": "29/11/2026 22:00",
        "machine": "2 CPUs",
        "load_start": 1.0,
        "load_end": 1.2,
        "minutes": 12.0,
        "duration": 20.0,
        "warmup": 3.0,
        "labels": {"ours": "ours", "stock": "stock rasa init", "before": "before"},
        "scripts": [{"name": "bill", "turns": 6, "weight": 3}],
        "load": [
            _row("ours", 1, 0.0, 30, 40, 60),
            _row("stock", 1, 0.0, 40, 20, 30),
            _row("ours", 50, 0.0, 60, 800, 1000),
            _row("stock", 50, 0.0, 40, 1200, 1500),
            _row("ours", 20, 2.0, 9, 90, 320, errors=1),
            _row("stock", 20, 2.0, 9, 40, 90),
        ],
        "ready": {"ours": 12.0, "stock": 20.0},
        "memory_peak": {"ours": {"rasa": [900.0, 1000.0], "actions": [140.0, 150.0]}},
    }


def test_targets_are_judged_on_what_was_measured() -> None:
    verdicts = {row[0]: (row[2], row[3]) for row in bench_load.targets(_report())}
    ratio = verdicts["throughput at K=50, no pause, vs the stock bot"]
    assert ratio == ("1.50× (60.0 vs 40.0 turns/s)", "**met**")
    paused = verdicts["p95 per turn at K=20 with a 2 s pause, zero errors"]
    assert paused == ("320 ms, 1 errors", "**not met**")
    assert verdicts["a single customer's p50 per turn"] == ("40 ms", "**met**")
    assert verdicts["Rasa ready after start, cached model"][1] == "**met**"
    assert verdicts["resident memory of each process (peak)"] == ("largest rasa: 1000 MB", "**met**")


def test_the_section_has_every_table_and_the_ratios() -> None:
    text = bench_load.render(_report(), ["bench-latency.png"])
    for heading in (
        "Against the targets",
        "Load, no pause",
        "Load, 2 s pause",
        "CPU time per turn",
        "Start, memory, NLU alone",
    ):
        assert heading in text, heading
    assert (
        "| 50 | 60.0 | 800 ms | 1.00 s | 1.00 s | 0 | 40.0 | 1.20 s | 1.50 s | 1.50 s | 0 | 1.50× | 0.67× |"
        in text
    )
    assert "![bench-latency](img/bench-latency.png)" in text


def test_perf_stats_are_written_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(perfstats, "_state", {"process": None, "dir": None})
    monkeypatch.setattr(perfstats, "_totals", perfstats.defaultdict(lambda: [0, 0.0]))
    monkeypatch.setattr(perfstats, "_samples", perfstats.defaultdict(list))
    perfstats.record("action", "action_converse", 0.5)
    assert perfstats.write() is None and not perfstats.summary()  # off: nothing kept
    monkeypatch.setattr(perfstats, "_state", {"process": "actions", "dir": str(tmp_path)})
    for seconds in (0.010, 0.020, 0.030):
        perfstats.record("action", "action_converse", seconds)
    body = json.loads(perfstats.write().read_text())
    entry = body["stats"]["action"][0]
    assert (entry["name"], entry["count"], entry["p50_ms"], entry["max_ms"]) == (
        "action_converse",
        3,
        20.0,
        30.0,
    )
    assert (
        perfstats.statement_name("SELECT a\n  FROM t WHERE id IN (?, ?, ?)")
        == "SELECT a FROM t WHERE id IN (?...)"
    )


def test_cpu_seconds_of_this_process_grow_with_work() -> None:
    import os

    before = bench_load.cpu_seconds(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert bench_load.cpu_seconds(os.getpid()) > before


def test_the_code_before_is_shown_beside_ours_when_measured() -> None:
    report = _report()
    report["labels"]["before"] = "main before the speed work"
    report["load"].append(_row("before", 50, 0.0, 8, 6000, 9000))
    text = bench_load.render(report, [])
    assert "Before and after the speed work (main before the speed work → ours)" in text
    assert "| 50 | 0 s | 8.0 | 6.00 s | 9.00 s | 0 | 10 | 60.0 | 800 ms | 1.00 s | 0 | 10 |" in text


async def test_an_answer_that_ends_the_conversation_ends_it_correctly() -> None:
    seen: dict = {}
    runner, url = await _rest_stand_in(seen)
    done = (
        loadgen.Script("known", (loadgen.Turn("mất điện", "mất", done="mất điện"), loadgen.Turn("x", "y"))),
    )
    try:
        result = await loadgen.run_load(url, 2, 0.6, scripts=done, warmup_s=0)
    finally:
        await runner.cleanup()
    assert result.turns and result.errors == 0
    assert all(texts == ["mất điện"] for texts in seen.values())  # the second turn never sent


def test_the_rasa_servers_nlu_worker_is_measured_as_a_process_of_its_own(tmp_path: Path) -> None:
    """The bench profiles and measures the Rasa server and its NLU worker apart: the
    server is the supervised process's Python, the worker its spawned child (whose
    memory must not hide behind the server's, nor be taken for it)."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time

    from bot.evaluation import bench_stack

    server = (
        "import multiprocessing, time\n"
        "def nap():\n    time.sleep(30)\n"
        "if __name__ == '__main__':\n"
        # the server is the larger one here, and is so before its worker exists (a
        # worker found while the server still filled its memory made this test flaky)
        "    data = b'x' * (80 * 1024 * 1024)\n"
        "    child = multiprocessing.get_context('spawn').Process(target=nap)\n"
        "    child.start()\n"
        "    time.sleep(30)\n"
    )
    script = tmp_path / "server.py"
    script.write_text(server)
    parent = subprocess.Popen(["bash", "-c", f"{sys.executable} {script}; true"])  # bash stays the parent
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = bench_stack.python_processes({"rasa": parent.pid})
            if "nlu worker" in found:
                break
            time.sleep(0.1)
        assert set(found) == {"rasa", "nlu worker"}
        assert found["rasa"] != parent.pid, "the Python process, not bash"
        assert "multiprocessing.spawn" not in bench_stack._cmdline(found["rasa"])
        assert bench_stack.nlu_worker_pids(parent.pid) == [found["nlu worker"]]
        memory = bench_stack.memory_by_process({"rasa": parent.pid})
        assert memory["rasa"][0] > 60 > memory["nlu worker"][0] > 0, memory
    finally:
        for pid in reversed(bench_stack.process_tree(parent.pid)):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        parent.wait()


def test_one_instance_against_two_is_a_table_with_the_ratio() -> None:
    from bot.evaluation.bench_instances import render_instances

    def run(instances: int, k: int, turns_per_s: float, errors: int = 0) -> dict:
        return {"instances": instances, "k": k, "turns_per_s": turns_per_s, "p50_ms": 480.0,
                "p95_ms": 1250.0, "errors": errors}

    runs = [run(1, 20, 20.0), run(2, 20, 27.0), run(1, 50, 21.0, errors=2)]
    lines = render_instances({"runs": runs, "ready_s": {1: 41.0, 2: 63.0}})
    text = "\n".join(lines)
    assert "| 20 | 20.0 | 480 ms | 1.25 s | 0 | 27.0 | 480 ms | 1.25 s | 0 | 1.35× |" in text
    assert "| 50 | 21.0 | 480 ms | 1.25 s | 2 | — | — | — | — | — |" in text  # no second run: no ratio
    assert "1 instance(s) 41 s, 2 instance(s) 63 s" in text
    skipped = "\n".join(render_instances({"skipped": "nginx is not installed"}))
    assert "Not measured: nginx is not installed." in skipped
    assert render_instances(None) == []
