"""`make bench` (notices part): 10,000 subscribers for one planned outage.

In a temporary SQLite database (and on PostgreSQL when ``BENCH_POSTGRES_URL`` is set):
10,000 customers on one transformer station, each subscribed on Zalo and active in the
last hour (the 48-hour window is open). Then, timed:

- enqueue: an operator's new outage is synchronised (10,000 subscribers matched, 20,000
  notices stored: announcement and reminder), as ``python -m bot outage add`` does;
- the same synchronisation again (nothing changed: what every notifier round costs);
- deliver: one notifier round sends the 10,000 announcements to a stand-in Zalo API in
  another process (answers at once), with the rate limit lifted to measure our own
  throughput; then at the configured default rate the platform limit decides.

Writes the ``bench-notices`` section of docs/benchmarks.md (other sections untouched).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, func, insert, select, text

from bot import clock
from bot.config import load_channel_settings, load_notice_settings
from bot.db import migrate
from bot.db.models import ChannelInboxEvent, Customer, NoticeOutboxRow, NoticeSubscription, Station
from bot.db.session import dispose_engines, session_scope
from bot.domain.notices import Timing
from bot.evaluation.report import machine_description, write_section
from bot.services import notice_sync, planned_outages, unit_of_work
from bot.services.channel_clock import real_now

SUBSCRIBERS = 10_000
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=clock.VN_TZ)
STATION = "PB0999-T001"
PROVINCE, WARD = "Tây Ninh", "Phường Tân Ninh"


# ------------------------------------------------------------ stand-in Zalo API


def _fake_zalo(port: int, ready: multiprocessing.Event) -> None:  # pragma: no cover - another process
    from aiohttp import web

    count = 0

    async def send(request: web.Request) -> web.Response:
        nonlocal count
        body = await request.json()
        count += 1
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"m{count}", "user_id": body["recipient"]["user_id"]},
            }
        )

    async def sent(_: web.Request) -> web.Response:
        return web.json_response({"count": count})

    app = web.Application()
    app.router.add_post("/v3.0/oa/message/cs", send)
    app.router.add_get("/count", sent)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------------ data


@contextlib.contextmanager
def _postgres_schema(server_url: str) -> Iterator[str]:
    """A fresh schema on the server (dropped afterwards), as a database URL."""
    schema = f"bench_notices_{os.getpid()}"
    engine = create_engine(server_url, future=True)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        dispose_engines()
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _build(url: str) -> None:
    migrate.upgrade(url)
    moment = real_now()
    with session_scope(url) as session:
        station = Station(code=STATION, name="TBA Tân Ninh 99", province=PROVINCE, ward=WARD)
        session.add(station)
        session.flush()
        session.execute(
            insert(Customer.__table__),
            [
                {
                    "code": f"PB09{n:09d}",
                    "name": "Khách hàng",
                    "province": PROVINCE,
                    "ward": WARD,
                    "managing_unit": "PB0999",
                    "station_id": station.id,
                    "reading_day": 10,
                    "households": 1,
                    "meter_multiplier": 1,
                    "tariff_group": "residential",
                    "supply_status": "normal",
                    "notices_sent": 0,
                }
                for n in range(SUBSCRIBERS)
            ],
        )
        session.execute(
            insert(NoticeSubscription.__table__),
            [
                {
                    "channel": "zalo",
                    "conversation_id": f"zalo:{9_000_000 + n}",
                    "customer_code": f"PB09{n:09d}",
                    "active": True,
                    "created_at": NOW - timedelta(days=30),
                    "updated_at": NOW - timedelta(days=30),
                }
                for n in range(SUBSCRIBERS)
            ],
        )
        session.execute(
            insert(ChannelInboxEvent.__table__),
            [
                {
                    "channel": "zalo",
                    "event_id": f"bench-{n}",
                    "sender_id": str(9_000_000 + n),
                    "kind": "text",
                    "text": None,
                    "status": "done",
                    "attempts": 1,
                    "received_at": moment - timedelta(hours=1),
                    "updated_at": moment - timedelta(hours=1),
                }
                for n in range(SUBSCRIBERS)
            ],
        )


def _enqueue(url: str) -> tuple[float, float, int]:
    timing = Timing()
    started = time.perf_counter()
    with unit_of_work(url) as uow:
        outage = planned_outages.add_outage(
            uow,
            starts_at=NOW + timedelta(days=4),
            ends_at=NOW + timedelta(days=4, hours=7),
            reason="Bảo trì lưới điện",
            stations=[STATION],
        )
        synced = notice_sync.sync_outage(uow, outage.code, timing)
    enqueue_s = time.perf_counter() - started
    started = time.perf_counter()
    with unit_of_work(url) as uow:
        again = notice_sync.sync(uow, timing)
    resync_s = time.perf_counter() - started
    assert synced.queued == {"planned": SUBSCRIBERS, "reminder": SUBSCRIBERS} and again.queued == 0
    return enqueue_s, resync_s, synced.total


def _deliver(url: str, zalo_url: str) -> tuple[float, dict[str, int]]:
    from bot.notify.notifier import Notifier

    settings = dataclasses.replace(
        load_notice_settings(), database_url=url, rate_zalo=100_000.0, batch_size=200
    )
    channels = dataclasses.replace(
        load_channel_settings(),
        database_url=url,
        zalo_api_url=zalo_url,
        zalo_access_token="bench-token",
        zalo_refresh_token="",
    )

    async def run() -> float:
        notifier = Notifier(settings, channel_settings=channels)
        started = time.perf_counter()
        try:
            while True:
                report = await notifier.run_once()
                if not sum(report.outcomes.values()):
                    break
        finally:
            await notifier.close()
        return time.perf_counter() - started

    seconds = asyncio.run(run())
    with session_scope(url) as session:
        counts = dict(
            session.execute(
                select(NoticeOutboxRow.status, func.count())
                .where(NoticeOutboxRow.kind == "planned")
                .group_by(NoticeOutboxRow.status)
            ).all()
        )
    return seconds, counts


def _measure(url: str, label: str, zalo_url: str) -> list[str]:
    started = time.perf_counter()
    _build(url)
    build_s = time.perf_counter() - started
    with clock.frozen(NOW):
        enqueue_s, resync_s, queued = _enqueue(url)
        deliver_s, counts = _deliver(url, zalo_url)
    dispose_engines()
    assert counts == {"sent": SUBSCRIBERS}, counts
    rate = load_notice_settings().rate_zalo
    return [
        f"| {label}: data ({SUBSCRIBERS:,} customers, subscriptions, Zalo activity) | {build_s:.1f} s |",
        f"| {label}: enqueue one new outage ({SUBSCRIBERS:,} matched, {queued:,} notices stored) "
        f"| {enqueue_s:.2f} s |",
        f"| {label}: the next round's synchronisation (nothing changed) | {resync_s * 1000:.0f} ms |",
        f"| {label}: deliver {SUBSCRIBERS:,} announcements (claim, window check, send, record) "
        f"| {deliver_s:.1f} s "
        f"({SUBSCRIBERS / deliver_s:.0f}/s) |",
        f"| {label}: the same at the default Zalo rate ({rate:g}/s per notifier) | "
        f"{SUBSCRIBERS / rate / 60:.0f} min (the platform's limit decides) |",
    ]


def main() -> int:
    load_before = os.getloadavg()[0]
    port = _free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_fake_zalo, args=(port, ready), daemon=True)
    server.start()
    if not ready.wait(30):
        print("the stand-in Zalo API did not start", file=sys.stderr)
        return 1
    zalo_url = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as directory:
            lines += _measure(f"sqlite:///{Path(directory) / 'notices.db'}", "SQLite", zalo_url)
        postgres = os.environ.get("BENCH_POSTGRES_URL", "").strip()
        if postgres:
            with _postgres_schema(postgres) as url:
                lines += _measure(url, "PostgreSQL", zalo_url)
    finally:
        server.terminate()
        server.join(5)
    body = "\n".join(
        [
            "## Outage notices: 10,000 subscribers for one outage",
            "",
            f"Generated by `make bench` (`python -m bot.evaluation.bench_notices`) on "
            f"{datetime.now(clock.VN_TZ):%d/%m/%Y %H:%M} (Vietnam time). Machine: {machine_description()}; "
            f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            "(the machine is shared).",
            "",
            "One notifier process, batches of 200, 8 sends in flight; the stand-in Zalo API runs in "
            "another process and answers at once (no network latency).",
            "",
            "| what | measured |",
            "|---|---:|",
            *lines,
        ]
    )
    write_section("bench-notices", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
