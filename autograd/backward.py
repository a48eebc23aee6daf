"""The backward pass: the chain rule applied to every node, in reverse topological order.

For each node, in an order where every consumer comes before what it consumes, the gradient that
reached the node is multiplied by each recorded local derivative and added to that parent:

    parent.grad += local_grad * node.grad        (the chain rule, one edge at a time)

A node used twice (`a + a`, or an interior node feeding two others) receives both contributions:
the sum over paths. Nothing here knows any particular op; the rules table recorded the numbers.
The order is found without recursion, so a graph of any depth works under Python's default
recursion limit, and the work is linear in the number of edges.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from autograd.rules import rule_of
from autograd.value import Value, as_value


def _interior_order(root: Value, stop: frozenset[Value] = frozenset()) -> list[Value]:
    """Interior nodes (those with parents) reachable from root, each after all of its parents.

    An iterative depth-first search: a node is appended once every parent has been. Leaves are
    left out: they pass no gradient on. Nodes in `stop` are treated as leaves.
    """
    return interior_order([root], set(stop))


def interior_order(roots: list[Value], visited: set[Value]) -> list[Value]:
    """`_interior_order` from several roots at once, skipping the nodes in `visited` (and adding
    every node it orders to it)."""
    order: list[Value] = []
    for root in roots:
        edges = root.edges
        if not edges or root in visited:
            continue
        visited.add(root)
        # The path from root to the node being expanded, and where each stands in its parents.
        path, rest = [root], [iter(edges[: len(edges) >> 1])]
        while rest:
            for parent in rest[-1]:
                edges = parent.edges
                if edges and parent not in visited:
                    visited.add(parent)
                    path.append(parent)
                    n = len(edges)
                    rest.append(iter((edges[0],) if n == 2 else edges[: n >> 1]))
                    break
            else:
                rest.pop()
                order.append(path.pop())
    return order


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from root, each after all of its parents (leaves first, root last)."""
    interior = _interior_order(root)
    leaves = {
        parent: None for node in interior for parent in node.parents if not parent.edges
    }
    if not interior:
        return [root]
    return [*leaves, *interior]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block, then put it back as it was.

    A chainrule graph holds no reference cycles (a node keeps its parents and some numbers, never
    a closure), so reference counting frees it and the cyclic collector can find nothing in it:
    while a big graph is alive the collector only rescans it, again and again. A training step
    (forward, loss, backward, update) inside `with gc_paused():` skips that work. Cycles made by
    other code inside the block are collected after it, as usual.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _LastBackward(threading.local):
    root: weakref.ref[Value] | None = None


_last_backward = _LastBackward()


def last_backward_root() -> Value | None:
    """The Value the latest `backward()` in this thread started from, while it is alive, else None.

    A diagram uses it to say what the grads it shows are derivatives of, and which nodes that
    backward pass reached (the others show no gradient at all, rather than a misleading 0).
    """
    ref = _last_backward.root
    return None if ref is None else ref()


def backward(root: Value, grad: float = 1.0) -> None:
    """Set `node.grad = d(root)/d(node)` (times `grad`) for every node; leaves accumulate.

    The cyclic garbage collector is paused while it runs (`gc_paused`): the pass allocates no
    cycles. A node whose gradient is exactly 0 (a relu that was off) passes nothing on.
    """
    _last_backward.root = weakref.ref(root)
    with gc_paused():
        order = _interior_order(root)
        if not order:
            root.grad += grad
            return
        sweep(root, order, grad)


def sweep(
    root: Value,
    order: list[Value],
    grad: float = 1.0,
    before: Callable[[tuple[Value, ...]], object] | None = None,
) -> None:
    """The chain rule over `order` (interior nodes, each after its parents), last to first.

    Every node of `order` starts from 0 and root from `grad`. Nodes of `order` that root does
    not depend on keep 0. `before` is passed on to `propagate`.
    """
    for node in order:
        node.grad = 0.0
    root.grad = grad
    propagate(order, before)


def propagate(
    order: list[Value], before: Callable[[tuple[Value, ...]], object] | None = None
) -> None:
    """Last node of `order` first, each passes `local * node.grad` on to each of its parents.

    `before`, if given, is called with a node's parents before the node passes them anything (a
    `Tape` uses it to meet nodes it did not record). Most nodes have one or two parents;
    unpacking those directly saves building a zip (and a slice of `edges`) per node: two thirds
    of the sweep's work on a chain.
    """
    for node in reversed(order):
        g = node.grad
        if g == 0.0:
            continue
        edges = node.edges
        n = len(edges)
        if before is not None:
            before(edges[: n >> 1])
        if n == 2:
            parent, local = edges
            parent.grad += local * g
        elif n == 4:
            a, b, local_a, local_b = edges
            a.grad += local_a * g
            b.grad += local_b * g
        else:
            for parent, local in zip(edges, edges[n >> 1 :]):
                parent.grad += local * g


def gradients(root: Value, inputs: list[Value], grad: float | Value = 1.0) -> list[Value]:
    """d(root)/d(input) for each input, as Values in a new graph that can be differentiated again.

    Paths are followed only as far as `inputs` (they are treated as leaves), and no `.grad` is
    touched, so a gradient taken inside another gradient's function does not mix with it.
    """
    totals = _propagate(root, grad, frozenset(inputs))
    return [as_value(totals.get(x, 0.0)) for x in inputs]


def backward_graph(root: Value, grad: float = 1.0) -> dict[Value, Value]:
    """`backward` that also builds each leaf's gradient as a Value (create_graph=True).

    The float `.grad` of every node is set as `backward` sets it; the returned dict maps each
    leaf to its gradient as a Value in a graph of its own, ready to be differentiated again.
    """
    totals = _propagate(root, grad, frozenset())
    backward(root, grad)
    return {node: as_value(total) for node, total in totals.items() if not node.edges}


def _times(g: Value | float, local: Value | float) -> Value | float:
    """g * local, without a node for a factor of exactly 1 (the seed, or an add's derivative)."""
    if isinstance(local, float) and local == 1.0:
        return g
    if isinstance(g, float) and g == 1.0:
        return local
    return g * local


def _propagate(
    root: Value, seed: Value | float, stop: frozenset[Value]
) -> dict[Value, Value | float]:
    """The chain rule on Values: each local derivative comes from its rule's `symbolic` form.

    Numbers stay numbers until they meet a Value, so the gradient's graph holds no `* 1` nodes.
    """
    totals: dict[Value, Value | float] = {root: seed}
    for node in reversed(_interior_order(root, stop)):
        g = totals.pop(node, None)
        if g is None:
            continue
        rule, c = rule_of(node.op)
        for parent, local in zip(node.parents, rule.symbolic(node, c)):
            if isinstance(local, float) and local == 0.0:
                continue
            term = _times(g, local)
            previous = totals.get(parent)
            totals[parent] = term if previous is None else previous + term
    return totals
