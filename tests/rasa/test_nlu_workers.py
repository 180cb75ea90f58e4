"""bot/rasa/nlu_workers.py: RASA_NLU_WORKERS, the parse data of a worker process against
the server's own (the real model), and a pool that fails (a worker killed, a parse that
never comes back, the server stopping): the caller then parses in its own process and
new workers take over."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa import nlu_workers
from bot.rasa.nlu_workers import NluWorkers, default_worker_count

READY_TIMEOUT_S = 120

# ------------------------------------------------------------------ RASA_NLU_WORKERS


@pytest.mark.parametrize(("raw", "count"), [("3", 3), (" 2 ", 2), ("1", 1), ("0", 0)])
def test_an_explicit_worker_count_is_taken_as_is(raw: str, count: int, monkeypatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert default_worker_count({"RASA_NLU_WORKERS": raw}) == count


@pytest.mark.parametrize("raw", ["two", "-1", "1.5", "+1", "1 2"])
def test_a_worker_count_that_is_no_whole_number_is_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(ValueError, match=r"RASA_NLU_WORKERS must be a whole number") as caught:
        default_worker_count({"RASA_NLU_WORKERS": raw})
    assert repr(raw.strip()) in str(caught.value)


@pytest.mark.parametrize(("cpus", "count"), [(None, 0), (1, 0), (2, 1), (16, 1)])
@pytest.mark.parametrize("environ", [{}, {"RASA_NLU_WORKERS": ""}, {"RASA_NLU_WORKERS": "  "}])
def test_by_default_one_worker_when_there_is_another_core(cpus, count, environ, monkeypatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert default_worker_count(environ) == count


def test_without_an_environment_the_process_environment_is_read(monkeypatch) -> None:
    monkeypatch.setenv("RASA_NLU_WORKERS", "4")
    assert default_worker_count() == 4
    monkeypatch.setenv("RASA_NLU_WORKERS", "many")
    with pytest.raises(ValueError, match="'many'"):
        default_worker_count()


async def test_a_pool_not_started_parses_nothing() -> None:
    workers = NluWorkers("/no/such/model.tar.gz", 1)
    assert not workers.ready
    assert await workers.parse(UserMessage("xin chào", None, "s")) is None
    workers.stop()  # stopping a pool never started is harmless


# ------------------------------------------------------------------ the real model


@pytest.fixture(scope="module")
def model_path() -> str:
    from bot.modelcache import ensure_model

    return str(ensure_model())


@pytest.fixture(scope="module")
def agent(model_path: str) -> Iterator[Any]:
    """The model loaded in this process as the server (and each worker) loads it."""
    from rasa.core import processor as rasa_processor
    from rasa.core.agent import Agent

    from bot.rasa import speedups
    from bot.rasa.server import functions_run_eagerly

    patch = pytest.MonkeyPatch()  # install() changes Rasa for the whole process: undone after
    patch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    patch.setattr(rasa_processor, "DaskGraphRunner", rasa_processor.DaskGraphRunner)
    speedups.install()
    with functions_run_eagerly():
        loaded = Agent.load(model_path)
    yield loaded
    patch.undo()


def wait_until_ready(workers: NluWorkers, timeout: float = READY_TIMEOUT_S) -> float:
    started = time.monotonic()
    while not workers.ready:
        assert time.monotonic() - started < timeout, f"no NLU worker ready after {timeout} s"
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def workers(model_path: str) -> Iterator[NluWorkers]:
    """One worker, ready. The tests below share it, in file order: parse, killed, stuck, stopped
    (the ones that break it wait until it is replaced; the last one stops it)."""
    pool = NluWorkers(model_path, 1)
    pool.start()
    try:
        wait_until_ready(pool)
        yield pool
    finally:
        pool.stop()


def in_process(agent: Any, text: str, sender_id: str = "s") -> dict[str, Any]:
    tracker = DialogueStateTracker.from_events(sender_id, [])
    return agent.processor._parse_message_with_graph(UserMessage(text, None, sender_id), tracker, True)


def assert_same_parse(worker: dict[str, Any] | None, server: dict[str, Any]) -> None:
    assert worker is not None, "the worker gave no parse data"
    assert worker.keys() == server.keys()
    assert worker["text"] == server["text"]
    assert worker["intent"]["name"] == server["intent"]["name"]
    assert worker["intent"]["confidence"] == pytest.approx(server["intent"]["confidence"], abs=1e-6)
    assert [i["name"] for i in worker["intent_ranking"]] == [i["name"] for i in server["intent_ranking"]]
    assert [i["confidence"] for i in worker["intent_ranking"]] == pytest.approx(
        [i["confidence"] for i in server["intent_ranking"]], abs=1e-6
    )
    assert worker["entities"] == server["entities"]
    rest = set(server) - {"intent", "intent_ranking", "entities"}
    assert {key: worker[key] for key in rest} == {key: server[key] for key in rest}


# text: (the intent, the customer code found)
MESSAGES = {
    "xin chào": ("greet", None),
    "tien dien thang nay bao nhieu": ("ask_bill", None),  # without diacritics
    "Hoá đơn tháng trc của mã pb 0501 000 0001 bn vậy": ("ask_bill", "PB05010000001"),
    "hoa don thang truoc cua ma PB05010000001 bao nhieu": ("ask_bill", "PB05010000001"),
    "cho hỏi tiền điện tháng này và cách thanh toán": ("ask_bill+ask_payment_methods", None),  # two intents
    "dây điện bị đứt đang tóe lửa": ("report_hazard", None),
}


def user_message(text: str, sender_id: str = "s") -> UserMessage:
    return UserMessage(
        text, None, sender_id, input_channel="rest", metadata={"source": "test"}, message_id=f"m-{sender_id}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("text", list(MESSAGES), ids=range(len(MESSAGES)))
async def test_a_worker_parses_as_the_server_does(workers: NluWorkers, agent: Any, text: str) -> None:
    parsed = await workers.parse(user_message(text))
    assert_same_parse(parsed, in_process(agent, text))
    intent, code = MESSAGES[text]
    assert parsed["intent"]["name"] == intent
    codes = [e["value"] for e in parsed["entities"] if e["entity"] == "customer_code"]
    assert codes == ([code] if code else [])


@pytest.mark.slow
async def test_messages_parsed_at_once_each_get_their_own_parse(workers: NluWorkers, agent: Any) -> None:
    texts = list(MESSAGES) * 3
    parsed = await asyncio.gather(*(workers.parse(user_message(t, f"s{n}")) for n, t in enumerate(texts)))
    for text, result in zip(texts, parsed, strict=True):
        assert_same_parse(result, in_process(agent, text))


class FakeWorkers:
    def __init__(self, answer: dict[str, Any] | None) -> None:
        self.answer, self.asked = answer, []

    async def parse(self, message: UserMessage) -> dict[str, Any] | None:
        self.asked.append(message.text)
        return self.answer


def lean_processor(agent: Any, workers: Any) -> tuple[Any, list[str]]:
    """A copy of the agent's processor with the server's parse_message (the agent is shared by
    the module's tests), and the texts it parsed in process."""
    from bot.rasa.server import lean_parse_message

    processor = copy.copy(agent.processor)
    here: list[str] = []
    parse_with_graph = processor._parse_message_with_graph

    def counted(message: UserMessage, tracker: Any, only_output_properties: bool = True) -> Any:
        here.append(message.text)
        return parse_with_graph(message, tracker, only_output_properties)

    processor._parse_message_with_graph = counted
    lean_parse_message(processor, workers)
    return processor, here


@pytest.mark.slow
async def test_the_server_takes_a_workers_parse_and_parses_itself_without_one(agent: Any) -> None:
    from_worker = in_process(agent, "xin chào")
    fake = FakeWorkers(from_worker)
    processor, here = lean_processor(agent, fake)
    assert await processor.parse_message(user_message("xin chào")) is from_worker
    assert fake.asked == ["xin chào"] and here == []
    fake.answer = None  # no worker ready, or the pool failed
    parsed = await processor.parse_message(user_message("dây điện bị đứt đang tóe lửa"))
    assert here == ["dây điện bị đứt đang tóe lửa"]
    assert_same_parse(parsed, in_process(agent, "dây điện bị đứt đang tóe lửa"))


def alive(pid: int) -> bool:
    """Running (an exited child not yet reaped is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_until_gone(pids: list[int], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        assert time.monotonic() < deadline, f"still alive after {timeout} s: {[p for p in pids if alive(p)]}"
        time.sleep(0.05)


def worker_pids(workers: NluWorkers) -> list[int]:
    return list(workers._pool._processes) if workers._pool is not None else []


@pytest.mark.slow
async def test_a_killed_worker_is_replaced_and_no_message_is_lost(workers: NluWorkers, agent: Any) -> None:
    wait_until_ready(workers)
    [old_pid] = worker_pids(workers)
    os.kill(old_pid, signal.SIGKILL)
    wait_until_gone([old_pid])

    text = "cho hỏi tiền điện tháng này và cách thanh toán"
    assert await workers.parse(user_message(text)) is None  # the caller parses instead
    assert not workers.ready
    new_pids = worker_pids(workers)
    assert new_pids and old_pid not in new_pids, "a new worker is loading the model"
    assert await workers.parse(user_message(text)) is None  # not ready yet
    processor, here = lean_processor(agent, workers)
    assert_same_parse(await processor.parse_message(user_message(text)), in_process(agent, text))
    assert here == [text]  # parsed by the server while the new worker loads

    await asyncio.to_thread(wait_until_ready, workers)
    assert_same_parse(await workers.parse(user_message(text)), in_process(agent, text))
    assert_same_parse(await processor.parse_message(user_message(text)), in_process(agent, text))
    assert here == [text]  # the new worker parsed it


@pytest.mark.slow
async def test_a_worker_that_gives_no_parse_in_time_is_replaced(
    workers: NluWorkers, agent: Any, monkeypatch
) -> None:
    wait_until_ready(workers)
    [old_pid] = worker_pids(workers)
    text = "dây điện bị đứt đang tóe lửa"
    with monkeypatch.context() as patch:
        patch.setattr(nlu_workers, "PARSE_TIMEOUT_S", 1e-6)  # no parse comes back that fast
        assert await workers.parse(user_message(text)) is None
    assert not workers.ready
    wait_until_gone([old_pid])  # the stuck worker is ended, not left holding a model
    assert old_pid not in worker_pids(workers)
    await asyncio.to_thread(wait_until_ready, workers)
    assert_same_parse(await workers.parse(user_message(text)), in_process(agent, text))


@pytest.mark.slow
async def test_a_busy_worker_is_not_taken_for_a_stuck_one(workers: NluWorkers, monkeypatch) -> None:
    """A long queue (parses still coming back) makes one message wait too long: that
    message is parsed by the server, and the workers are kept."""
    await asyncio.to_thread(wait_until_ready, workers)
    pids = worker_pids(workers)
    with monkeypatch.context() as patch:
        patch.setattr(nlu_workers, "PARSE_TIMEOUT_S", 1e-6)
        workers._last_parse = time.monotonic() + 60  # another parse came back just now
        assert await workers.parse(user_message("xin chào")) is None
    assert workers.ready
    assert worker_pids(workers) == pids and all(alive(pid) for pid in pids)
    assert (await workers.parse(user_message("xin chào")))["intent"]["name"] == "greet"


@pytest.mark.slow
async def test_stopping_the_pool_ends_its_workers(workers: NluWorkers) -> None:
    wait_until_ready(workers)
    pids = worker_pids(workers)
    assert pids and all(alive(pid) for pid in pids)
    workers.stop()
    assert not workers.ready
    assert await workers.parse(user_message("xin chào")) is None
    wait_until_gone(pids, timeout=10)


async def test_a_worker_killed_while_loading_the_model_is_replaced(model_path: str) -> None:
    workers = NluWorkers(model_path, 1)
    workers.start()
    try:
        [pid] = worker_pids(workers)
        os.kill(pid, signal.SIGKILL)  # out of memory while loading, say
        wait_until_gone([pid])
        deadline = time.monotonic() + 10
        while not workers._pool._broken:
            assert time.monotonic() < deadline, "the pool never noticed its worker died"
            await asyncio.sleep(0.05)
        assert not workers.ready
        assert await workers.parse(user_message("xin chào")) is None  # the server parses
        deadline = time.monotonic() + 10
        while not [new for new in worker_pids(workers) if new != pid and alive(new)]:
            assert time.monotonic() < deadline, "no new worker was started"
            await asyncio.sleep(0.1)
    finally:
        workers.stop()
