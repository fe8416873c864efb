"""A graph runner that calls the model's nodes in order, without dask.

Rasa runs the prediction graph three times per FAQ turn (the NLU parse, then one action
prediction per action) through ``DaskGraphRunner``: on every run it rebuilds the minimal
schema of the targets (a recursive walk that repeats shared dependencies), builds a dask
graph, lets dask order it, formats its inputs into a debug message whether or not debug
is logged, and runs the nodes one by one in the calling thread (dask's synchronous
scheduler). ``SequentialGraphRunner`` does the same work with the order computed once per
set of targets: the same nodes, called with the same inputs in a dependency order, the
same results and the same ``GraphRunError``. Rasa's model loading names
``DaskGraphRunner`` itself, so :mod:`partnerdesk.rasa_patches` swaps the class in
``rasa.core.processor`` (training still uses dask).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphNode, GraphNodeHook, GraphSchema
from rasa.engine.runner.interface import GraphRunner
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)

Step = Tuple[Text, Tuple[Text, ...]]  # a node and the nodes (or inputs) it needs


class SequentialGraphRunner(GraphRunner):
    """Runs a graph's nodes in a precomputed dependency order, in the calling thread."""

    def __init__(
        self,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: Optional[List[GraphNodeHook]] = None,
    ) -> None:
        """Instantiates every node of ``graph_schema``, as ``DaskGraphRunner`` does."""
        self._graph_schema = graph_schema
        self._nodes: Dict[Text, GraphNode] = {
            name: GraphNode.from_schema_node(name, node, model_storage, execution_context, hooks)
            for name, node in graph_schema.nodes.items()
        }
        self._plans: Dict[Tuple[Text, ...], List[Step]] = {}

    @classmethod
    def create(
        cls,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: Optional[List[GraphNodeHook]] = None,
    ) -> "SequentialGraphRunner":
        """Creates the runner (see ``GraphRunner.create``)."""
        return cls(graph_schema, model_storage, execution_context, hooks)

    def plan(self, targets: Sequence[Text]) -> List[Step]:
        """The nodes the targets depend on, each after everything it needs (memoised)."""
        key = tuple(targets)
        if key not in self._plans:
            steps: List[Step] = []
            done: set = set()
            visiting: set = set()

            def visit(name: Text) -> None:
                if name in done or name not in self._graph_schema.nodes:
                    return  # done, or an input placeholder supplied by run()
                if name in visiting:
                    raise GraphRunError(f"The graph has a cycle through '{name}'.")
                visiting.add(name)
                needs = tuple(self._graph_schema.nodes[name].needs.values())
                for parent in needs:
                    visit(parent)
                visiting.discard(name)
                done.add(name)
                steps.append((name, needs))

            for target in key:
                visit(target)
            self._plans[key] = steps
        return self._plans[key]

    def run(
        self,
        inputs: Optional[Dict[Text, Any]] = None,
        targets: Optional[List[Text]] = None,
    ) -> Dict[Text, Any]:
        """Runs the graph (see ``GraphRunner.run``): ``{target: its output}``."""
        run_targets = targets if targets else self._graph_schema.target_names
        results: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none "
                    f"of the input names passed to the `run` method are the same as node "
                    f"names in the graph schema."
                )
            results[name] = (name, value)  # what a node receives from an input
        try:
            for name, needs in self.plan(run_targets):
                results[name] = self._nodes[name](*(results[parent] for parent in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)
