"""Which node is which in a diagram: its kind (colour), its name, the node to highlight, and what
the grads shown are derivatives of."""

from __future__ import annotations

from collections.abc import Mapping

from autograd.backward import last_backward_root, topological_order
from autograd.value import Value

MAX_NAME = 24


def grad_source(
    order: list[Value], given: bool, root: Value
) -> tuple[Value | None, set[Value]]:
    """The Value the shown grads are derivatives of, and the nodes its backward reached.

    With grads `given` by the caller they are d root / d v; otherwise they are what the latest
    backward() left, from `last_backward_root()`, when it still lives and reached this graph.
    """
    if given:
        return root, set(order)
    source = last_backward_root()
    if source is None:
        return None, set()
    reached = set(topological_order(source))
    if reached.isdisjoint(order):
        return None, set()
    return source, reached


def kinds(
    order: list[Value], root: Value, parameters: set[Value], inputs: set[Value]
) -> dict[Value, str]:
    """Each node's colour: output, parameter, input, leaf or intermediate."""
    kinds: dict[Value, str] = {}
    for node in order:
        if node.parents:
            kinds[node] = "interior"
        elif node in parameters:
            kinds[node] = "parameter"
        elif node in inputs:
            kinds[node] = "input"
        else:
            kinds[node] = "leaf"
    kinds[root] = "output"
    return kinds


def names_of(
    order: list[Value], preset: Mapping[Value, str]
) -> tuple[dict[Value, str], set[Value]]:
    """Each node's name in the diagram: its label (shortened), a `preset` name, or v1, v2, ..."""
    names: dict[Value, str] = {}
    generated: set[Value] = set()
    for node in order:
        if node.label or node in preset:
            label = node.label or preset[node]
            names[node] = label if len(label) <= MAX_NAME else label[: MAX_NAME - 1] + "…"
        else:
            generated.add(node)
            names[node] = f"v{len(generated)}"
    return names, generated


def find(highlight: Value | str, order: list[Value]) -> Value:
    """The node to highlight: `highlight` itself, or the one node with that label."""
    if isinstance(highlight, Value):
        if highlight not in set(order):
            raise ValueError(f"highlight={highlight!r} is not in the graph being drawn")
        return highlight
    found = [node for node in order if node.label == highlight]
    if len(found) != 1:
        labels = sorted({node.label for node in order if node.label})
        shown = ", ".join(map(repr, labels[:12])) + (" ..." if len(labels) > 12 else "")
        problem = "no Value is" if not found else f"{len(found)} Values are"
        raise ValueError(
            f"highlight={highlight!r}: {problem} labelled so; pass the Value itself, or one of "
            f"the labels: {shown or '(none)'}"
        )
    return found[0]


def too_big(count: int, max_nodes: int, has_groups: bool, shown: int) -> str:
    how = f"pass max_nodes={count} to draw it all (rendering thousands of nodes is slow)"
    if not has_groups:
        return (f"this graph has {count} Values, more than max_nodes={max_nodes}; {how}, or pass "
                "groups= to draw groups of nodes as one box each")
    return (f"this graph has {count} Values, more than max_nodes={max_nodes}, and still {shown} "
            f"with each group drawn as one box; {how}")


__all__ = ["MAX_NAME", "find", "grad_source", "kinds", "names_of", "too_big"]
