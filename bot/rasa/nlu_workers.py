"""The NLU in worker processes: the Rasa server's event loop only runs the dialogue.

Parsing a message (our Vietnamese components, three count-vector featurizers, DIET) is
about half of the CPU a turn costs the Rasa server, and it is CPU-bound Python: on the
event loop it holds every other conversation for its duration, and on a thread of its
own it still shares the one interpreter lock (measured: docs/benchmarks.md). Here it
runs in ``RASA_NLU_WORKERS`` separate processes, each with the same model loaded, so
another core parses while the server serves other conversations.

- Each worker loads the model from the same file as the server (TensorFlow functions run
  eagerly for the load, then one warm-up parse, as :mod:`bot.rasa.server` does) and
  parses with the same graph: the parse data are those the server would compute
  (checked by tests/rasa/test_nlu_workers.py).
- Until a worker is ready, and whenever the pool fails (a worker killed, out of memory),
  the server parses in its own process: a message is never lost to the pool; a broken
  pool is replaced in the background.
- Messages of one conversation still go one at a time (Rasa's lock store); messages of
  different conversations are parsed in parallel, one per worker.
- ``RASA_NLU_WORKERS=0`` parses in the server's process, as Rasa does.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

# A worker's model, set by the pool's initializer (one per worker process).
_AGENT: Any = None


def default_worker_count(environ: dict[str, str] | None = None) -> int:
    """``RASA_NLU_WORKERS``, or one worker when the machine has more than one core."""
    raw = ((environ if environ is not None else os.environ).get("RASA_NLU_WORKERS") or "").strip()
    if raw:
        if not raw.isdecimal():
            raise ValueError(f"RASA_NLU_WORKERS must be a whole number of processes, not {raw!r}")
        return int(raw)
    return 1 if (os.cpu_count() or 1) > 1 else 0


def _load(model_path: str) -> None:
    """Pool initializer: load the model once in this worker process."""
    global _AGENT
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from bot.logs import configure_logging

    configure_logging()
    from rasa.core.agent import Agent

    from bot.rasa import speedups
    from bot.rasa.server import WARM_UP_TEXT, functions_run_eagerly

    speedups.install()

    with functions_run_eagerly():
        agent = Agent.load(model_path)
    _AGENT = agent
    _parse(WARM_UP_TEXT, "warm-up", None, None, None)


def _ready() -> int:
    return os.getpid()


def _parse(
    text: str, sender_id: str, input_channel: str | None, metadata: Any, message_id: str | None
) -> dict[str, Any]:
    """The parse data of one message (in a worker)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    message = UserMessage(
        text, None, sender_id, input_channel=input_channel, metadata=metadata, message_id=message_id
    )
    tracker = DialogueStateTracker.from_events(sender_id, [])
    return _AGENT.processor._parse_message_with_graph(message, tracker, True)


class NluWorkers:
    """A pool of NLU worker processes for one model (see the module doc)."""

    def __init__(self, model_path: str, count: int) -> None:
        self.model_path = model_path
        self.count = count
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._ready = False
        self._starting: concurrent.futures.Future | None = None

    @property
    def ready(self) -> bool:
        return self._ready

    def start(self) -> None:
        """Start the workers loading the model (returns at once)."""
        context = multiprocessing.get_context("spawn")  # never fork TensorFlow's threads
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.count, mp_context=context, initializer=_load, initargs=(self.model_path,)
        )
        started = time.monotonic()
        self._ready = False
        futures = [self._pool.submit(_ready) for _ in range(self.count)]
        self._starting = futures[0]

        def done(_: concurrent.futures.Future) -> None:
            if all(f.done() and not f.exception() for f in futures):
                self._ready = True
                log.info("%d NLU worker(s) ready in %.1f s", self.count, time.monotonic() - started)

        for future in futures:
            future.add_done_callback(done)

    async def parse(self, message: Any) -> dict[str, Any] | None:
        """The parse data from a worker; None when no worker can parse now (the caller
        parses in its own process)."""
        pool = self._pool
        if pool is None or not self._ready:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                pool, _parse, message.text, message.sender_id, message.input_channel,
                message.metadata, message.message_id,
            )
        except BrokenProcessPool:
            if self._pool is pool:
                log.error("an NLU worker died: parsing in the server until new workers are ready")
                self._ready = False
                pool.shutdown(wait=False, cancel_futures=True)
                self.start()
            return None

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self._ready = False
