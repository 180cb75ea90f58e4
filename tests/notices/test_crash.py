"""A real notifier process (`python -m bot notify run`) killed with SIGKILL in the middle of
a batch; `python -m bot notify send-due` afterwards: no notice twice, none lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.db import migrate
from bot.domain.notices import Timing
from bot.services import notice_sync, planned_outages, unit_of_work
from tests.notices.conftest import RASA_TOKEN, ZALO_TOKEN
from tests.notices.helpers import VN_NOW, rows, subscribe, touch
from tests.support import outage_world

USERS = 150  # per channel: Zalo and the callback channel (through Rasa)


def _env(url: str, platforms) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "BOT_FROZEN_NOW": VN_NOW,
        "RASA_URL": platforms.rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "ZALO_API_URL": platforms.zalo_url,
        "ZALO_OAUTH_URL": platforms.zalo_url,
        "ZALO_ACCESS_TOKEN": ZALO_TOKEN,
        "ZALO_REFRESH_TOKEN": "",
        "NOTICE_LEASE_S": "1",
        "NOTICE_SCAN_INTERVAL_S": "0.2",
        "NOTICE_FLUSH_INTERVAL_S": "0.5",  # a wide gap between sending and recording
        "NOTICE_BATCH_SIZE": "100",
        "NOTICE_RATE_ZALO": "400",
        "NOTICE_RATE_WEB": "400",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def crash_world(tmp_path: Path) -> str:
    from bot import clock

    url = f"sqlite:///{tmp_path / 'utility.db'}"
    migrate.upgrade(url)
    with clock.frozen(VN_NOW):
        outage_world.build_world(url)
        for n in range(USERS):
            subscribe(url, "zalo", f"70{n:03d}", "PB11020000102")
            touch(url, "zalo", f"70{n:03d}")
            subscribe(url, "callback", f"cb-{n:03d}", "PB11020000103")
        with unit_of_work(url) as uow:
            outage = planned_outages.add_outage(
                uow,
                starts_at=outage_world.at(1, 7, 30, 12),
                ends_at=outage_world.at(1, 16, 0, 12),
                reason="Bảo trì lưới điện",
                stations=["PB1102-T002"],
            )
            notice_sync.sync_outage(uow, outage.code, Timing())
    return url


async def _wait_for(condition, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


@pytest.mark.slow
async def test_killing_the_notifier_mid_batch_loses_and_duplicates_nothing(
    crash_world: str, platforms, tmp_path: Path
) -> None:
    platforms.zalo.delay_s = platforms.rasa.delay_s = 0.01  # requests are in flight when it dies
    env = _env(crash_world, platforms)
    log = open(tmp_path / "notify.log", "wb")  # noqa: SIM115 - closed below
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "notify", "run", cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log
    )
    delivered = lambda: len(platforms.zalo.sent) + len(platforms.rasa.deliveries)  # noqa: E731
    try:
        await _wait_for(lambda: delivered() >= USERS // 2, timeout=120)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
        log.close()
    before = delivered()
    assert 0 < before < 2 * USERS, (tmp_path / "notify.log").read_text()
    unrecorded = rows(crash_world, status="sending")
    assert unrecorded, "the kill should leave claimed notices behind"
    await asyncio.sleep(1.2)  # the dead notifier's lease runs out
    finished = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "notify",
        "send-due",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await finished.communicate()
    assert finished.returncode == 0, err.decode()[-3000:]
    assert "interrupted found" in out.decode()
    for n in range(USERS):
        assert len(platforms.zalo.texts_to(f"70{n:03d}")) == 1, f"zalo user {n}"
        assert len(platforms.rasa.texts_to(f"cb-{n:03d}")) == 1, f"callback user {n}"
    assert platforms.problems() == []
    planned = [r for r in rows(crash_world) if r["kind"] == "planned" and r["event_ref"].startswith("KH-")]
    assert len(planned) == 2 * USERS and {r["status"] for r in planned} == {"sent"}
