"""Tracing: run a function once on Values and keep the graph it builds.

The trace of `f` at some numbers is the graph `f` builds from leaves holding them: every node in
topological order, the leaves first. Compiling assumes `f` builds the same graph (the same ops on
the same operands, the same numbers folded in) whatever the numbers are, as `jax.jit` does. A
function that branches on the data (`if x.data > 0:`), or reads a number out of a Value and uses
it (`x * x.data`, `Value(x.data)`), breaks that: its graph depends on where it was traced, and the
generated code would be right only there. `check_other_numbers` traces again at other numbers and
compares the two graphs, which catches such a function whenever the other numbers take another
path; it cannot prove that none would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from autograd.backward import topological_order
from autograd.grad_mode import is_grad_enabled
from autograd.value import Value, real


class TraceError(ValueError):
    """`f` cannot be compiled: it builds another graph at other numbers, or no graph at all."""


@dataclass
class Trace:
    """The graph `f(*inputs)` built: `order` holds every node, parents first, `output` last."""

    inputs: list[Value]
    output: Value
    order: list[Value]

    @property
    def leaves(self) -> list[Value]:
        """The leaves of the graph that are not inputs: Values `f` uses besides its arguments."""
        inputs = set(self.inputs)
        return [node for node in self.order if node._op is None and node not in inputs]


def trace(f: Callable[..., Value], numbers: Sequence[float], who: str = "compile") -> Trace:
    """Run `f` on fresh leaves holding `numbers` and keep the graph of its result."""
    if not is_grad_enabled():
        raise TraceError(
            f"{who}: tracing runs f, and inside no_grad() ops record no graph; "
            "compile outside the no_grad block"
        )
    inputs = [Value(real(x, who)) for x in numbers]
    output = f(*inputs)
    if not isinstance(output, Value):
        raise TypeError(f"{who}: f must return a Value, got {type(output).__name__}: "
                        f"{output!r:.60}")
    return Trace(inputs, output, topological_order(output))


Signature = list[tuple[object, ...]]


def signature(t: Trace) -> Signature:
    """The graph without its numbers: per node, its op and where each operand comes from.

    An operand is named by its node's position in the order, a folded number by its value; an
    input by its argument position; another leaf by its identity when it existed before the trace
    (a Value `f` closes over) and by its number when `f` made it (a constant).
    """
    position = {node: i for i, node in enumerate(t.order)}
    argument = {leaf: i for i, leaf in enumerate(t.inputs)}
    rows: Signature = []
    for node in t.order:
        if node._op is not None:
            rows.append((node._op, *(("node", position[x]) if isinstance(x, Value)
                                     else ("number", _key(x)) for x in node._operands)))
        elif node in argument:
            rows.append(("input", argument[node]))
        else:
            rows.append(("leaf", id(node)))
    return rows


def _key(x: float) -> object:
    """A folded number as a comparable key (NaN equal to NaN)."""
    return "nan" if math.isnan(x) else float(x)


def other_numbers(numbers: Sequence[float]) -> list[list[float]]:
    """Points to trace at again: each input negated, doubled plus one, halved minus a half.

    Branches on the sign of a number are the commonest, so the first point flips every sign.
    """
    xs = [float(x) for x in numbers]
    return [
        [-x if x != 0.0 else -0.5 for x in xs],
        [2.0 * x + 1.0 for x in xs],
        [0.5 * x - 0.5 for x in xs],
    ]


def check_other_numbers(f: Callable[..., Value], first: Trace, who: str = "compile") -> int:
    """Trace `f` at `other_numbers` and raise TraceError if a graph differs from `first`'s.

    A point where `f` raises (outside its domain) is skipped. Returns how many points were
    compared. Leaves that `f` makes itself must hold the same numbers everywhere (constants);
    one made from an input's number (`Value(x.data)`) is reported.
    """
    expected = signature(first)
    compared = 0
    first_leaves = {id(leaf) for leaf in first.leaves}
    for point in other_numbers([x.data for x in first.inputs]):
        try:
            other = trace(f, point, who)
        except TraceError:
            raise
        except Exception:  # outside f's domain: nothing to compare here
            continue
        compared += 1
        found = signature(other)
        fresh = {id(leaf): leaf for leaf in other.leaves if id(leaf) not in first_leaves}
        _compare(expected, found, first, other, fresh, point, who)
    return compared


def _compare(expected: Signature, found: Signature, first: Trace, other: Trace,
             fresh: dict[int, Value], point: list[float], who: str) -> None:
    where = f"traced again at {_numbers(point)} (first at {_numbers(x.data for x in first.inputs)})"
    advice = (
        "f branches on the numbers (an `if` on `x.data`, or a number read out of a Value), which "
        "a trace cannot follow; write the branch as an op (relu, abs, or one made with define_op) "
        "so it is computed from the data, or use value_and_grad"
    )
    if len(expected) != len(found):
        raise TraceError(f"{who}: f builds {len(expected)} nodes in one trace and {len(found)} "
                         f"in another, {where}: {advice}")
    for i, (a, b) in enumerate(zip(expected, found)):
        if a == b:
            continue
        if a[0] == "leaf" and b[0] == "leaf" and b[1] in fresh:
            made = first.order[i]
            if _same(made.data, fresh[b[1]].data):
                continue  # a constant f makes on every call
            raise TraceError(
                f"{who}: f makes a Value from the numbers of its inputs (node {i} holds "
                f"{made.data!r} in one trace and {fresh[b[1]].data!r} in another, {where}); "
                "its gradient cannot flow through that: build it with ops instead"
            )
        raise TraceError(f"{who}: f builds a different graph at other numbers (node {i} is "
                         f"{_shown(first.order[i])} in one trace and {_shown(other.order[i])} in "
                         f"the other, {where}): {advice}")


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _shown(node: Value) -> str:
    return repr(node.op) if node._op is not None else "a leaf"


def _numbers(xs: Iterable[float]) -> str:
    return "(" + ", ".join(f"{x:.4g}" for x in xs) + ")"


__all__ = ["Trace", "TraceError", "check_other_numbers", "other_numbers", "signature", "trace"]
