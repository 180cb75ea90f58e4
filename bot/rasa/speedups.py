"""Two of Rasa 3.6's per-message costs, replaced by code that computes the same thing.

Found by profiling the Rasa server under load (py-spy ``--gil``, docs/benchmarks.md):

- :class:`SequentialGraphRunner`: Rasa runs its model graph through dask three times a
  turn (the NLU, then one prediction per action). Each run derived the minimal schema
  for its targets again, built a dask graph, let dask order and schedule a dozen nodes,
  and formatted a debug line holding the repr of the whole graph schema, whether or
  not debug logging was on: about 12 % of the server's CPU. Here the nodes each target
  needs are ordered once per set of targets and called one after another, each with
  its parents' outputs in the order dask passed them.
- :func:`cache_event_types`: reading an event (every event of the tracker, every turn,
  and each event an action returns) looked its class up by walking all subclasses of
  ``Event`` and asking ``inspect.isabstract`` of each: 5 % of the server's CPU. The
  lookup is now a dictionary, filled from Rasa's own lookup on first use of a name.

:func:`install` applies both; the Rasa server and its NLU workers call it before they
load the model. Tests: tests/rasa/test_speedups.py compares both with Rasa's own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core import events as rasa_events

log = logging.getLogger(__name__)


class SequentialGraphRunner(DaskGraphRunner):
    """Rasa's graph runner without dask: same nodes, same inputs, same results, same errors.

    As with dask, an input named like a node stands for that node (which then does not
    run), an input whose value names a node of the run is refused, an unknown target is a
    ``KeyError``, and a need that nothing provides is passed as its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._closures: dict[tuple[str, ...], frozenset[str]] = {}
        self._plans: dict[tuple[tuple[str, ...], frozenset[str]], list[tuple[str, tuple[str, ...]]]] = {}

    def _closure(self, targets: tuple[str, ...]) -> frozenset[str]:
        """The nodes of the schema ``targets`` depend on (Rasa's minimal schema)."""
        closure = self._closures.get(targets)
        if closure is None:
            nodes, found, todo = self._graph_schema.nodes, set(), list(targets)
            while todo:  # (Rasa's own walk recurses without end on a cycle)
                name = todo.pop()
                if name in nodes and name not in found:
                    found.add(name)
                    todo.extend(nodes[name].needs.values())
            closure = self._closures[targets] = frozenset(found)
        return closure

    def _plan(self, targets: tuple[str, ...], given: frozenset[str]) -> list[tuple[str, tuple[str, ...]]]:
        """The nodes to run for ``targets``, each after the ones it needs: (name, needs).
        Nodes in ``given`` come from the inputs."""
        key = (targets, given)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        nodes = self._graph_schema.nodes
        plan, placed = [], set()

        def place(name: str, path: tuple[str, ...]) -> None:
            if name in placed or name in given or name not in nodes:
                return
            if name in path:
                raise GraphRunError(f"The graph has a cycle through '{name}'.")
            needs = tuple(nodes[name].needs.values())
            for need in needs:
                place(need, (*path, name))
            placed.add(name)
            plan.append((name, needs))

        for target in targets:
            place(target, ())
        self._plans[key] = plan
        return plan

    def run(
        self, inputs: dict[str, Any] | None = None, targets: Sequence[str] | None = None
    ) -> dict[str, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        closure = self._closure(run_targets)
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            # dask's graph: the needed nodes, then the inputs as they are added
            if isinstance(value, str) and (value in closure or value in results):
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of "
                    f"the input names passed to the `run` method are the same as node names "
                    f"in the graph schema."
                )
            results[name] = (name, value)
        for target in run_targets:
            if target not in closure and target not in results:
                raise KeyError(target)
        plan = self._plan(run_targets, frozenset(results) & closure)
        try:
            for name, needs in plan:
                results[name] = self._instantiated_nodes[name](*(results.get(n, n) for n in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)


_rasa_resolve_by_type = rasa_events.Event.resolve_by_type
_event_types: dict[str, type] = {}


def _resolve_by_type(type_name: str, default: type | None = None) -> type | None:
    found = _event_types.get(type_name)
    if found is not None:
        return found
    found = _rasa_resolve_by_type(type_name, default)
    if found is not None and found is not default:
        _event_types[type_name] = found
    return found


def cache_event_types() -> None:
    rasa_events.Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]


def install() -> None:
    """Rasa's processor builds :class:`SequentialGraphRunner`; event classes are cached."""
    from rasa.core import processor

    processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
    cache_event_types()
