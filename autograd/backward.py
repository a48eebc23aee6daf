"""The backward pass: the chain rule applied to every node, in reverse topological order.

Every node records the local derivative of its value with respect to each parent. Going from the
output back to the inputs, each node passes its gradient on to its parents, times that local
derivative:

    parent.grad += local_grad * node.grad          (the chain rule, one edge at a time)

A node used twice (`a + a`, or a neuron feeding two others) receives both contributions: the sum
over paths. Nothing here knows any particular op. A node is visited only after every node that
uses it, so its gradient is complete before it is passed on: that is what the topological order is
for. The order is found without recursion, so a graph of any depth works under Python's default
recursion limit, and the work grows linearly with the number of edges.

The same walk with Values instead of floats (`gradients`) gives derivatives that are graphs
themselves, which is how derivatives of derivatives are taken.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection
from typing import Literal, overload

from autograd.collector import collector_paused
from autograd.grad_mode import enable_grad
from autograd.value import Number, Value


def topological_order(root: Value, stop: Collection[Value] = ()) -> list[Value]:
    """Every node `root` depends on (itself included), each after all of its parents.

    A depth-first search without recursion: a node joins the order once all of its parents
    have. The parents of nodes in `stop` are not followed (they count as leaves).
    """
    order: list[Value] = []
    visited = {root}
    stack = [(root, iter(root.parents))]
    with collector_paused():
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(() if parent in stop else parent.parents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def backward(root: Value, grad: float = 1.0) -> None:
    """Set `node.grad` to d(root)/d(node), times `grad`, for every node of root's graph.

    Leaves accumulate (`+=`), as in PyTorch, so call `zero_grad()` between steps; interior nodes
    start from zero on every call, so two calls give exactly twice the leaves' gradients.
    """
    if isinstance(grad, bool) or not isinstance(grad, (int, float)):
        raise TypeError(f"backward: grad must be a number, got {type(grad).__name__}: {grad!r}")
    _last_backward.root = weakref.ref(root)
    order = topological_order(root)
    for node in order:
        if node.parents:
            node.grad = 0.0
    root.grad += grad
    for node in reversed(order):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad += local_grad * node.grad


@overload
def gradients(
    root: Value, inputs: list[Value], grad: Number = 1.0, *, create_graph: Literal[False] = False
) -> list[float]: ...


@overload
def gradients(
    root: Value, inputs: list[Value], grad: Number = 1.0, *, create_graph: Literal[True]
) -> list[Value]: ...


@overload
def gradients(
    root: Value, inputs: list[Value], grad: Number = 1.0, *, create_graph: bool
) -> list[Value] | list[float]: ...


def gradients(
    root: Value, inputs: list[Value], grad: Number = 1.0, *, create_graph: bool = False
) -> list[Value] | list[float]:
    """d(root)/d(input) for each input, changing no `.grad`: the walk of `backward`, with the
    gradients kept in a dict.

    Paths stop at the inputs, so a gradient taken inside another one's function counts only its
    own inputs. With `create_graph`, each local derivative is taken as a Value
    (`node.local_grads_as_values()`), and the gradients are Values: graphs that can be
    differentiated again, which is how derivatives of derivatives work. Without it they are the
    recorded numbers, and the gradients numbers.
    """
    stop = set(inputs)
    grads: dict[Value, Number] = {root: grad}
    with enable_grad():  # a gradient's graph is recorded even inside no_grad()
        for node in reversed(topological_order(root, stop)):
            if node in stop:
                continue
            node_grad = grads[node]
            local_grads = node.local_grads_as_values() if create_graph else node.local_grads
            for parent, local_grad in zip(node.parents, local_grads):
                term = _product(local_grad, node_grad)
                grads[parent] = grads[parent] + term if parent in grads else term
    results = [grads.get(x, 0.0) for x in inputs]
    if create_graph:
        return [_as_value(g) for g in results]
    return [g.data if isinstance(g, Value) else g for g in results]


def backward_graph(root: Value, grad: float = 1.0) -> dict[Value, Value]:
    """`backward(root, grad)`, and each leaf's gradient as a Value (`create_graph=True`)."""
    leaves = [node for node in topological_order(root) if not node.parents]
    as_values = gradients(root, leaves, grad, create_graph=True)
    backward(root, grad)
    return {leaf: _as_value(g) for leaf, g in zip(leaves, as_values)}


def _product(local_grad: Number, grad: Number) -> Number:
    """local_grad * grad, without a node for a factor of exactly 1: a gradient's graph then reads
    as the derivative written by hand (a (1 - a) x, not 1 * a (1 - a) * x)."""
    if isinstance(local_grad, float) and local_grad == 1.0:
        return grad
    if isinstance(grad, float) and grad == 1.0:
        return local_grad
    return local_grad * grad


def _as_value(x: Number) -> Value:
    return x if isinstance(x, Value) else Value(x)


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


__all__ = ["backward", "backward_graph", "gradients", "last_backward_root", "topological_order"]
