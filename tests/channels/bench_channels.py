"""Measure the channels (not a test: run `python -m tests.channels.bench_channels`).

Our channels on a real Sanic server with a stand-in dialogue that takes 50 ms a message,
a local fake Zalo API, and a SQLite database under a temporary directory:

- Zalo webhook response time (signature, inbox insert, 200), sequential and 20 at once;
- retries: every event posted 3 times at once; how many dialogue runs and replies;
- a 100,000-character REST message: time to the polite answer, and the latency of short
  messages of other conversations while such messages keep arriving.

Prints a Markdown table (copied into docs/channels.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.channels.rest import SecureRestInput
from bot.channels.zalo import ZaloInput
from bot.config import load_channel_settings
from bot.db import migrate
from bot.services import inbox
from tests.channels.conftest import ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET, FakeAgent, free_port
from tests.channels.fakes import FakeZalo
from tests.channels.platforms import data, recorded, restamped_zalo, zalo_signed

Sanic.test_mode = True


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    median, worst = statistics.median(ordered) * 1000, ordered[-1] * 1000
    return f"p50 {median:.1f} ms, p95 {p95 * 1000:.1f} ms, max {worst:.1f} ms"


async def timed_post(http: aiohttp.ClientSession, url: str, **kwargs) -> tuple[float, int, object]:
    started = time.perf_counter()
    async with http.post(url, **kwargs) as response:
        body = await response.read()
        return time.perf_counter() - started, response.status, json.loads(body or b"null")


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    database = f"sqlite:///{folder / 'utility.db'}"
    migrate.upgrade(database)
    fake = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, "initial-access-token", "initial-refresh-token")
    runner = web.AppRunner(fake.app())
    await runner.setup()
    fake_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", fake_port).start()
    settings = dataclasses.replace(
        load_channel_settings(),
        database_url=database,
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret_key=ZALO_OA_SECRET,
        zalo_app_secret=ZALO_APP_SECRET,
        zalo_access_token="initial-access-token",
        zalo_refresh_token="initial-refresh-token",
        zalo_api_url=f"http://127.0.0.1:{fake_port}",
        zalo_oauth_url=f"http://127.0.0.1:{fake_port}",
    )
    agent = FakeAgent(delay_s=0.05)
    app = Sanic("bench_channels")
    app.config.ACCESS_LOG = False
    app.ctx.agent = agent
    register([SecureRestInput(settings), ZaloInput(settings)], app, "/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    await server.before_start()
    await server.after_start()
    base = f"http://127.0.0.1:{port}"
    template = recorded("zalo", "user_send_text")
    rows: list[tuple[str, str]] = []

    def zalo_event(number: int) -> tuple[bytes, dict]:
        body = restamped_zalo(template)
        body["message"] = {"msg_id": f"bench-{number}", "text": "tiền điện tháng này bao nhiêu"}
        body["sender"] = {"id": str(246845883529197922 + number % 50)}
        return zalo_signed(body)

    async with aiohttp.ClientSession() as http:
        hook = base + "/webhooks/zalo/webhook"
        sequential = [
            (await timed_post(http, hook, data=raw, headers=h))[0] for raw, h in map(zalo_event, range(200))
        ]
        rows.append(("Zalo webhook answer, 200 events one after another", ms(sequential)))
        twenty = []
        for start in range(1000, 1200, 20):
            twenty += await asyncio.gather(
                *[
                    timed_post(http, hook, data=raw, headers=h)
                    for raw, h in map(zalo_event, range(start, start + 20))
                ]
            )
        rows.append(("Zalo webhook answer, 10 bursts of 20 events at once", ms([t for t, _, _ in twenty])))
        burst = await asyncio.gather(
            *[timed_post(http, hook, data=raw, headers=h) for raw, h in map(zalo_event, range(200, 400))]
        )
        rows.append(("Zalo webhook answer, 200 events sent all at once", ms([t for t, _, _ in burst])))

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and data(database, inbox.counts, "zalo").get("done", 0) < 600:
            await asyncio.sleep(0.1)
        rows.append(
            (
                "all 600 answered (dialogue 50 ms each, 8 at once)",
                "yes" if data(database, inbox.counts, "zalo").get("done") == 600 else "NO",
            )
        )
        before_runs, before_sent = len(agent.messages), len(fake.sent)
        retried = []
        for number in range(400, 450):
            raw, h = zalo_event(number)
            retried += await asyncio.gather(*[timed_post(http, hook, data=raw, headers=h) for _ in range(3)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(fake.sent) < before_sent + 50:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        accepted = sum(body["accepted"] for _, _, body in retried)
        duplicates = sum(body["duplicates"] for _, _, body in retried)
        rows.append(
            (
                "50 events, each delivered 3 times at once",
                f"{accepted} accepted, {duplicates} duplicates; "
                f"{len(agent.messages) - before_runs} dialogue runs, "
                f"{len(fake.sent) - before_sent} replies sent",
            )
        )
        counts = data(database, inbox.counts, "zalo")
        rows.append(("inbox after the run", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))))

        rest = base + "/webhooks/rest/webhook"
        long_times = []
        for number in range(20):
            payload = {"sender": f"bench-long-{number}", "message": "điện " * 20_000}
            long_times.append((await timed_post(http, rest, json=payload))[0])
        rows.append(("REST, a 100,000-character message (polite answer, no NLU)", ms(long_times)))

        async def short(number: int) -> float:
            return (
                await timed_post(http, rest, json={"sender": f"bench-short-{number}", "message": "xin chào"})
            )[0]

        alone = [await short(n) for n in range(30)]
        rows.append(("REST, short messages alone (dialogue stand-in: 50 ms)", ms(alone)))

        async def flood() -> None:
            for number in range(40):
                await timed_post(
                    http, rest, json={"sender": f"bench-flood-{number}", "message": "a" * 100_000}
                )

        flooding = asyncio.ensure_future(asyncio.gather(flood(), flood()))
        beside = [await short(n) for n in range(100, 130)]
        await flooding
        rows.append(("REST, short messages while 100,000-character ones keep coming", ms(beside)))

    await server.before_stop()
    server.close()
    await server.wait_closed()
    await server.after_stop()
    await runner.cleanup()
    print("| what | measured |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    asyncio.run(main())
