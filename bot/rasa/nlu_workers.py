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
import contextlib
import logging
import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

# A worker's model, set by the pool's initializer (one per worker process).
_AGENT: Any = None
# A parse takes milliseconds (40 ms at the channels' 2,000-character cap): a worker that
# answers nothing for this long is stuck, and is replaced.
PARSE_TIMEOUT_S = 10.0
# A worker that could not load the model (killed, out of memory) is started again after
# this long, not at once (a machine short of memory would otherwise loop).
RELOAD_DELAY_S = 5.0


def default_worker_count(environ: dict[str, str] | None = None) -> int:
    """``RASA_NLU_WORKERS``, or one worker when the machine has more than one core."""
    raw = ((environ if environ is not None else os.environ).get("RASA_NLU_WORKERS") or "").strip()
    if raw:
        if not raw.isdecimal():
            raise ValueError(f"RASA_NLU_WORKERS must be a whole number of processes, not {raw!r}")
        return int(raw)
    return 1 if (os.cpu_count() or 1) > 1 else 0


def _load(model_path: str, server_pid: int) -> None:
    """Pool initializer: load the model once in this worker process, which ends with the
    server (killed or crashed, it would otherwise stay, holding a model's memory)."""
    global _AGENT
    from bot.supervise import die_with_parent

    die_with_parent()
    if os.getppid() != server_pid:  # the server died before this line
        os._exit(0)
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_parse = 0.0  # when a worker last returned a parse (monotonic)

    @property
    def ready(self) -> bool:
        """A worker has loaded the model (the pool gives a worker work only once it has)."""
        return self._ready

    def start(self) -> None:
        """Start the workers loading the model (returns at once). Call it from the event
        loop's thread: workers are spawned by the thread that submits work to the pool,
        and a worker ends when that thread does (``PR_SET_PDEATHSIG``)."""
        with contextlib.suppress(RuntimeError):  # no loop: a replacement cannot be scheduled
            self._loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")  # never fork TensorFlow's threads
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.count, mp_context=context,
            initializer=_load, initargs=(self.model_path, os.getpid()),
        )
        self._pool, self._ready = pool, False
        started = time.monotonic()

        def loaded(future: concurrent.futures.Future) -> None:  # on the pool's own thread
            if self._pool is not pool or self._ready:
                return
            if future.exception() is not None:  # killed or out of memory while loading
                if self._loop is not None and not self._loop.is_closed():
                    self._loop.call_soon_threadsafe(
                        self._loop.call_later, RELOAD_DELAY_S, self._replace, pool,
                        f"the NLU worker could not load the model ({type(future.exception()).__name__})",
                    )
                return
            self._ready, self._last_parse = True, time.monotonic()
            log.info("NLU worker ready in %.1f s (%d in the pool)", time.monotonic() - started, self.count)

        pool.submit(_ready).add_done_callback(loaded)

    async def parse(self, message: Any) -> dict[str, Any] | None:
        """The parse data from a worker; None when no worker can parse now (the caller
        parses in its own process)."""
        pool = self._pool
        if pool is None or not self._ready:
            return None
        try:
            call = asyncio.get_running_loop().run_in_executor(
                pool, _parse, message.text, message.sender_id, message.input_channel,
                message.metadata, message.message_id,
            )
            parse_data = await asyncio.wait_for(call, PARSE_TIMEOUT_S)
        except BrokenProcessPool:
            self._replace(pool, "an NLU worker died")
            return None
        except TimeoutError:
            # Stuck, or only busy: under a long queue parses still come back, and this
            # message is parsed here instead; none for PARSE_TIMEOUT_S means stuck.
            if time.monotonic() - self._last_parse >= PARSE_TIMEOUT_S:
                self._replace(pool, f"the NLU workers gave no parse for {PARSE_TIMEOUT_S:g} s")
            return None
        self._last_parse = time.monotonic()
        return parse_data

    def _replace(self, pool: concurrent.futures.ProcessPoolExecutor, reason: str) -> None:
        """New workers for a failed pool (once, whichever parse noticed it first)."""
        if self._pool is not pool:
            return
        log.error("%s: parsing in the server until new workers are ready", reason)
        self._ready = False
        _terminate(pool)
        self.start()

    def stop(self) -> None:
        if self._pool is not None:
            _terminate(self._pool)
            self._pool = None
            self._ready = False


def _terminate(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop a pool's workers now, busy or not (a hung worker would never read the
    executor's request to stop)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
