"""Production profile fault: the Redis lock store goes down and comes back.

The stack runs with ``LOCK_STORE_URL=redis://...`` on a Redis server of its own (started
here on a free port; skipped when redis-server is not installed). While Redis is down,
every message is answered with the apology (Rasa cannot take the conversation's lock, so
it processes nothing: the message is not in the history, and the apology asks to send it
again); when Redis is back, conversations continue without a restart of anything.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest
import redis

from bot.modelcache import ensure_model
from tests.e2e.stack import Stack, free_port, start_stack, stop_stack
from tests.e2e.test_faults_e2e import TIMINGS, Customer, is_apology

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def redis_stack(tmp_path_factory: pytest.TempPathFactory):
    server = RedisServer(free_port())
    server.start()
    stack = start_stack(
        tmp_path_factory.mktemp("redis-faults"), ensure_model(), LOCK_STORE_URL=f"redis://127.0.0.1:{server.port}/1"
    )
    yield stack, server
    print("\nmeasured:", ", ".join(f"{name} {seconds:.2f} s" for name, seconds in TIMINGS.items()))
    stop_stack(stack)
    server.stop()


def test_redis_down_then_back(redis_stack: tuple[Stack, RedisServer]) -> None:
    stack, server = redis_stack
    try:
        _redis_down_then_back(stack, server)
    except Exception as error:  # keep the processes' logs with the failure
        raise AssertionError(f"{error!r}\n{stack.logs()}") from error


def _redis_down_then_back(stack: Stack, server: RedisServer) -> None:
    customer = Customer(stack, sender=f"e2e-redis-{uuid.uuid4().hex[:8]}")
    assert not is_apology(customer.say("giá điện bậc 1 bao nhiêu"))

    server.stop()
    started = time.perf_counter()
    replies = stack.say(customer.sender, "giá điện bậc 2 bao nhiêu")  # not processed: not in `sent`
    TIMINGS["apology with Redis down"] = time.perf_counter() - started
    assert is_apology(replies), replies
    assert is_apology(stack.say(f"e2e-redis-{uuid.uuid4().hex[:8]}", "xin chào")), "every conversation"

    server.start()
    assert not is_apology(customer.say("giá điện bậc 2 bao nhiêu")), "back without restarting anything"
    customer.check_conversation()
    rasa_log = stack.process_log("rasa")
    assert rasa_log.count("lock store unavailable") == 1 and rasa_log.count("lock store back after") == 1
