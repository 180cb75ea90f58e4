"""bot/rasa/speedups.py against Rasa's own code: the sequential graph runner computes what
Rasa's DaskGraphRunner computes (on the real model and on a small graph of stub
components), and the cached event lookup answers what Rasa's lookup answers."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core import processor as rasa_processor
from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.utils.common import all_subclasses

from bot.rasa import speedups
from bot.rasa.speedups import SequentialGraphRunner

RUNNERS = (DaskGraphRunner, SequentialGraphRunner)


@pytest.fixture(scope="module")
def rasa_originals() -> Iterator[dict[str, Any]]:
    """Rasa's own lookup and runner class; both are put back after the module (install()
    changes them for the whole process)."""
    patch = pytest.MonkeyPatch()
    originals = {
        "resolve_by_type": Event.__dict__["resolve_by_type"].__func__,
        "DaskGraphRunner": rasa_processor.DaskGraphRunner,
    }
    patch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    patch.setattr(rasa_processor, "DaskGraphRunner", rasa_processor.DaskGraphRunner)
    yield originals
    patch.undo()


# ------------------------------------------------------------- with the real model


@pytest.fixture(scope="module")
def agent(rasa_originals: dict[str, Any]) -> Any:
    from rasa.core.agent import Agent

    from bot.modelcache import ensure_model
    from bot.rasa.server import functions_run_eagerly

    speedups.install()
    with functions_run_eagerly():
        return Agent.load(str(ensure_model()))


class SharedNodesDaskRunner(DaskGraphRunner):
    """Rasa's runner over the very nodes (loaded components) of another runner."""

    def __init__(self, runner: DaskGraphRunner) -> None:
        self._graph_schema = runner._graph_schema
        self._instantiated_nodes = runner._instantiated_nodes
        self._execution_context = runner._execution_context


@pytest.fixture(scope="module")
def runners(agent: Any) -> tuple[SequentialGraphRunner, DaskGraphRunner]:
    sequential = agent.processor.graph_runner
    return sequential, SharedNodesDaskRunner(sequential)


def differences(left: Any, right: Any, path: str = "") -> list[str]:
    """Where two parse results differ (floats within 1e-6)."""
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return [f"{path}: keys {sorted(left)} != {sorted(right)}"]
        return [d for key in left for d in differences(left[key], right[key], f"{path}.{key}")]
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        if len(left) != len(right):
            return [f"{path}: {len(left)} items != {len(right)}"]
        pairs = enumerate(zip(left, right, strict=True))
        return [d for i, (a, b) in pairs for d in differences(a, b, f"{path}[{i}]")]
    if isinstance(left, float) or isinstance(right, float):
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        close = numbers and math.isclose(left, right, rel_tol=0, abs_tol=1e-6)
        return [] if close else [f"{path}: {left} != {right}"]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


MESSAGES = (
    "xin chào",
    "tien dien thang nay bao nhieu",
    "Hoá đơn tháng trc của mã pb 0501 000 0001 bn vậy",
    "cho hỏi tiền điện tháng này và cách thanh toán",
    "dây điện bị đứt đang tóe lửa",
)


def test_install_makes_rasas_processor_use_the_sequential_runner(agent: Any) -> None:
    assert type(agent.processor.graph_runner) is SequentialGraphRunner


@pytest.mark.parametrize("text", MESSAGES)
def test_the_nlu_target_gives_the_same_parse_as_dask(runners, agent: Any, text: str) -> None:
    target = agent.processor.model_metadata.nlu_target
    outputs = []
    for runner in runners:
        result = runner.run(inputs={PLACEHOLDER_MESSAGE: [UserMessage(text, None, "s")]}, targets=[target])
        assert list(result) == [target]
        outputs.append([message.as_dict(only_output_properties=True) for message in result[target]])
    sequential, dask = outputs
    assert len(sequential) == 1 and sequential[0]["text"] == text
    assert sequential[0]["intent"]["name"] and sequential[0]["intent_ranking"]
    assert not differences(sequential, dask), differences(sequential, dask)


def test_the_core_target_predicts_what_dask_predicts(runners, agent: Any) -> None:
    """After a customer message, and after the action that answered it."""
    metadata, domain = agent.processor.model_metadata, agent.domain
    text = "cho hỏi tiền điện tháng này và cách thanh toán"
    parse = agent.processor._parse_message_with_graph(
        UserMessage(text, None, "s"), DialogueStateTracker.from_events("s", []), True
    )
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(text, parse["intent"], parse["entities"], parse),
    ]
    predicted = []
    for extra in ([], [ActionExecuted("action_converse")]):
        predictions = []
        for runner in runners:
            tracker = DialogueStateTracker.from_events("s", events + extra, slots=domain.slots)
            result = runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[metadata.core_target])
            assert list(result) == [metadata.core_target]
            predictions.append(result[metadata.core_target])
        sequential, dask = predictions
        assert sequential.policy_name == dask.policy_name and sequential.policy_name
        assert not differences(sequential.probabilities, dask.probabilities)
        assert (sequential.events, sequential.optional_events) == (dask.events, dask.optional_events)
        assert sequential.is_end_to_end_prediction == dask.is_end_to_end_prediction
        assert sequential.is_no_user_prediction == dask.is_no_user_prediction
        assert sequential.action_metadata == dask.action_metadata
        best = max(range(len(sequential.probabilities)), key=sequential.probabilities.__getitem__)
        predicted.append(domain.action_names_or_texts[best])
    assert predicted == ["action_converse", "action_listen"]


# ------------------------------------------------------------- a graph of stubs


CALLS: list[tuple[str, dict[str, Any]]] = []


class Stub(GraphComponent):
    """Records each call: (its node's label, the inputs it received)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> Stub:
        return cls(config)

    def one(self, x: Any) -> str:
        CALLS.append((self.config["label"], {"x": x}))
        return f"{self.config['label']}({x})"

    def two(self, first: Any, second: Any) -> tuple[Any, Any]:
        CALLS.append((self.config["label"], {"first": first, "second": second}))
        return first, second

    def fail(self, x: Any) -> None:
        CALLS.append((self.config["label"], {"x": x}))
        raise self.config["error"]("the component failed")


def stub(fn: str, needs: dict[str, str], label: str, **config: Any) -> SchemaNode:
    config = {"label": label, **config}
    return SchemaNode(needs=needs, uses=Stub, constructor_name="create", fn=fn, config=config, eager=True)


SCHEMA = GraphSchema(
    {
        "a": stub("one", {"x": "__in__"}, "a"),
        "b": stub("one", {"x": "__in__"}, "b"),
        # Two parents, given in the order (second, first): each must land in its parameter.
        "c": stub("two", {"second": "a", "first": "b"}, "c"),
        "d": stub("two", {"first": "c", "second": "a"}, "d"),
        "unused": stub("one", {"x": "a"}, "unused"),
        "value_error": stub("fail", {"x": "__in__"}, "value_error", error=ValueError),
        "runtime_error": stub("fail", {"x": "__in__"}, "runtime_error", error=RuntimeError),
        "config_error": stub("fail", {"x": "__in__"}, "config_error", error=InvalidConfigException),
        "after_failure": stub("one", {"x": "value_error"}, "after_failure"),
    }
)


def build(runner_class: type[DaskGraphRunner], tmp_path: Path, schema: GraphSchema = SCHEMA) -> Any:
    return runner_class(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "stub-model"))


def run_recorded(runner: Any, inputs: dict[str, Any], targets: list[str]) -> tuple[dict[str, Any], list]:
    CALLS.clear()
    result = runner.run(inputs, targets)
    return result, list(CALLS)


@pytest.mark.parametrize("targets", [["d"], ["c", "a"], ["a", "c"], ["d", "c", "b"]])
def test_each_node_gets_its_parents_outputs_as_with_dask(tmp_path: Path, targets: list[str]) -> None:
    seen = {}
    for runner_class in RUNNERS:
        seen[runner_class] = run_recorded(build(runner_class, tmp_path), {"__in__": 7}, targets)
    (sequential, sequential_calls), (dask, dask_calls) = seen[SequentialGraphRunner], seen[DaskGraphRunner]
    assert sequential == dask and list(sequential) == targets
    assert sorted(sequential_calls, key=repr) == sorted(dask_calls, key=repr)
    # Each node after its parents, each once, parameters filled by name, not by position.
    order = [label for label, _ in sequential_calls]
    assert len(order) == len(set(order))
    for name in order:
        assert all(order.index(parent) < order.index(name) for parent in SCHEMA.nodes[name].needs.values()
                   if parent in SCHEMA.nodes)
    calls = dict(sequential_calls)
    if "c" in calls:
        assert calls["c"] == {"first": "b(7)", "second": "a(7)"}


def test_only_the_nodes_the_targets_need_run_and_each_run_computes_again(tmp_path: Path) -> None:
    runner = build(SequentialGraphRunner, tmp_path)
    result, calls = run_recorded(runner, {"__in__": 1}, ["d"])
    assert sorted(label for label, _ in calls) == ["a", "b", "c", "d"]  # "a" is needed twice, run once
    assert result == {"d": (("b(1)", "a(1)"), "a(1)")}
    result, calls = run_recorded(runner, {"__in__": 2}, ["a"])
    assert calls == [("a", {"x": 2})] and result == {"a": "a(2)"}
    result, calls = run_recorded(runner, {"__in__": 3}, ["d"])  # a cached plan, fresh outputs
    assert result == {"d": (("b(3)", "a(3)"), "a(3)")} and len(calls) == 4


def test_an_input_target_is_returned_as_given(tmp_path: Path) -> None:
    for runner_class in RUNNERS:
        result, calls = run_recorded(build(runner_class, tmp_path), {"__in__": [1, 2]}, ["__in__"])
        assert result == {"__in__": [1, 2]} and calls == []


@pytest.mark.parametrize("runner_class", RUNNERS)
def test_an_input_value_clashing_with_a_node_name_is_refused(tmp_path: Path, runner_class) -> None:
    CALLS.clear()
    with pytest.raises(GraphRunError, match="Input value 'a' clashes with a node name"):
        build(runner_class, tmp_path).run({"__in__": "a"}, ["c"])
    assert CALLS == []


@pytest.mark.parametrize("runner_class", RUNNERS)
def test_a_missing_input_is_reported_by_the_node(tmp_path: Path, runner_class) -> None:
    with pytest.raises(GraphRunError, match="Missing input to run node 'a'"):
        build(runner_class, tmp_path).run({}, ["a"])


@pytest.mark.parametrize("node", ["value_error", "runtime_error", "config_error", "after_failure"])
def test_a_failing_component_is_reported_as_dask_reports_it(tmp_path: Path, node: str) -> None:
    raised = {}
    for runner_class in RUNNERS:
        CALLS.clear()
        with pytest.raises((GraphComponentException, InvalidConfigException)) as caught:
            build(runner_class, tmp_path).run({"__in__": 1}, [node])
        raised[runner_class] = (type(caught.value), type(caught.value.__cause__), str(caught.value))
        assert [label for label, _ in CALLS] == ["value_error" if node == "after_failure" else node]
    assert raised[SequentialGraphRunner] == raised[DaskGraphRunner]
    if node == "config_error":
        assert raised[SequentialGraphRunner][0] is InvalidConfigException
    else:
        assert raised[SequentialGraphRunner][0] is GraphComponentException


def test_a_cycle_is_a_graph_run_error(tmp_path: Path) -> None:
    """(Rasa validates its schemas before running them; dask's runner recurses without end.)"""
    cycle = GraphSchema({"x": stub("one", {"x": "y"}, "x"), "y": stub("one", {"x": "x"}, "y")})
    CALLS.clear()
    with pytest.raises(GraphRunError, match="cycle"):
        build(SequentialGraphRunner, tmp_path, cycle).run({}, ["x"])
    assert CALLS == []


def test_an_input_named_like_a_node_replaces_it_as_with_dask(tmp_path: Path) -> None:
    seen = {}
    for runner_class in RUNNERS:
        seen[runner_class] = run_recorded(build(runner_class, tmp_path), {"__in__": 1, "a": "given"}, ["c"])
    assert seen[DaskGraphRunner] == (
        {"c": ("b(1)", "given")},
        [("b", {"x": 1}), ("c", {"first": "b(1)", "second": "given"})],
    )
    assert seen[SequentialGraphRunner] == seen[DaskGraphRunner]


def test_an_unknown_target_is_an_error_as_with_dask(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        build(DaskGraphRunner, tmp_path).run({"__in__": 1}, ["nope"])
    with pytest.raises(KeyError):
        build(SequentialGraphRunner, tmp_path).run({"__in__": 1}, ["nope"])


# ------------------------------------------------------------- event types


@pytest.fixture
def cached_events(rasa_originals: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The cached lookup installed (and an empty cache); Rasa's lookup is returned."""
    monkeypatch.setattr(speedups, "_event_types", {})
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    speedups.cache_event_types()
    return rasa_originals["resolve_by_type"]


def test_every_event_type_resolves_to_rasas_class(cached_events) -> None:
    rasa_resolve = cached_events
    assert Event.resolve_by_type is not rasa_resolve  # the cached lookup is in place
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started", "active_loop"} <= names
    for _ in range(2):  # filling the cache, then from the cache
        for name in sorted(names):
            assert Event.resolve_by_type(name) is rasa_resolve(name), name
            assert Event.resolve_by_type(name, SlotSet) is rasa_resolve(name, SlotSet), name


def test_unknown_and_legacy_names_are_answered_as_rasa_answers_them(cached_events) -> None:
    rasa_resolve = cached_events
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    # A default is returned, never remembered for the name.
    assert rasa_resolve("no_such_event", BotUttered) is BotUttered
    assert Event.resolve_by_type("no_such_event", BotUttered) is BotUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    # "topic": Rasa's old TopicSet events are skipped.
    assert Event.resolve_by_type("topic") is None is rasa_resolve("topic")
    assert Event.resolve_by_type("topic", SlotSet) is None
    assert Event.from_parameters({"event": "topic", "topic": "x"}) is None
    # A name first asked for with its own class as the default is still resolved later.
    assert Event.resolve_by_type("restart", Restarted) is Restarted
    assert Event.resolve_by_type("restart") is Restarted


@pytest.mark.parametrize(
    "event",
    [
        UserUttered(
            "mã PB05010000001",
            {"name": "inform", "confidence": 0.99},
            [{"entity": "customer_code", "value": "PB05010000001", "start": 3, "end": 16}],
            {
                "text": "mã PB05010000001",
                "intent": {"name": "inform", "confidence": 0.99},
                "entities": [{"entity": "customer_code", "value": "PB05010000001", "start": 3, "end": 16}],
            },
            timestamp=1_700_000_000.5,
            input_channel="rest",
            message_id="m1",
            metadata={"a": "b"},
        ),
        BotUttered("Dạ, em chào anh/chị", {"buttons": None}, {"utter_action": "x"}, timestamp=1_700_000_001),
        ActionExecuted("action_converse", policy="ConversePolicy", confidence=1.0, timestamp=1_700_000_002),
        SlotSet("awaiting", {"kind": "digits"}, timestamp=1_700_000_003),
        SessionStarted(timestamp=1_700_000_004),
        ActiveLoop("account_form", timestamp=1_700_000_005),
        FollowupAction("action_listen", timestamp=1_700_000_006),
        Restarted(timestamp=1_700_000_007),
    ],
    ids=lambda event: event.type_name,
)
def test_events_round_trip_through_the_cached_lookup(cached_events, event: Event) -> None:
    rebuilt = Event.from_parameters(event.as_dict())
    assert type(rebuilt) is type(event)
    assert rebuilt == event and rebuilt.as_dict() == event.as_dict()
