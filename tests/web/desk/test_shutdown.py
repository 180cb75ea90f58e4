"""The web app stops promptly on SIGTERM while the desk reads RabbitMQ (production).

aiohttp waits, on shutdown, up to 60 s for every task started after the start-up; the
RabbitMQ client's connection tasks end only with the desk's event reader, which was
cancelled only after that wait, so the web app took the supervisor's whole grace period
(20 s) and was killed, and Kubernetes' 30 s. It must now be gone within a few seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest

from bot.config import PROJECT_ROOT
from bot.db import migrate
from bot.tokens import generate_secret
from tests.support.services import rabbitmq_up


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _delete_queue(name: str) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
    async with connection:
        await (await connection.channel()).queue_delete(name)


@pytest.mark.skipif(not rabbitmq_up(), reason="RabbitMQ is not running on 127.0.0.1:5672")
async def test_the_web_app_stops_within_seconds_while_reading_rabbitmq(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'utility.db'}"
    migrate.upgrade(url)
    queue = f"evn_desk_shutdown_test_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ, "BOT_ENV": "production", "DATABASE_URL": url, "BOT_VAR_DIR": str(tmp_path),
        "EVENT_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/", "DESK_EVENTS_QUEUE": queue,
        "WEB_HOST": "127.0.0.1", "WEB_PORT": str(_free_port()), "RASA_URL": "http://127.0.0.1:9",
        "RASA_TOKEN": generate_secret(), "OPERATOR_TOKEN": generate_secret(),
    }
    log_path = tmp_path / "web.log"
    with open(log_path, "wb") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while "desk consuming RabbitMQ queue" not in log_path.read_text(errors="replace"):
            assert web.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.2)
        asked = time.monotonic()
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)
        took = time.monotonic() - asked
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()
        await _delete_queue(queue)
    assert took < 8, f"the web app took {took:.1f} s to stop"
    assert web.returncode == 0
