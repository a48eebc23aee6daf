"""`Tape`: the nodes of a graph written down in the order they were made.

An op needs its operands' values before it can run, so every node is made after its parents: the
order of creation is already a topological order. `backward()` does not know that order and finds
one by searching the graph from the root, visiting every edge. A `Tape` writes the order down while
the graph is built, so its `backward` can go straight to the chain rule:

    >>> from autograd import Tape, Value
    >>> w, x = Value(2.0, "w"), Value(3.0, "x")
    >>> with Tape() as tape:
    ...     z = w * x             # recorded first
    ...     a = z.tanh()          # recorded after z, which it needs
    >>> tape.backward(a)
    >>> round(w.grad, 12) == round((1 - a.data**2) * x.data, 12)   # da/dw = (1 - a^2) x
    True

The gradients are exactly those of `a.backward()`. On micrograd's demo step the search is about a
third of the work of a training step (see benchmarks/), and `nn.train_step` records each step on a
tape. Leaves (`Value(...)`) are not recorded: they pass no gradient on. Nodes made under `no_grad`
are leaves too.
"""

from __future__ import annotations

from itertools import chain
from operator import attrgetter

from autograd import value
from autograd.backward import backward, gc_paused, sweep
from autograd.value import Value

_parents = attrgetter("parents")


class Tape:
    """Inside `with Tape() as tape:`, every node made is appended to `tape.nodes`, in order.

    Tapes nest: when an inner tape closes, its nodes are appended to the enclosing one. Like
    `no_grad`, the switch is global, not per thread.
    """

    __slots__ = ("_enclosing", "nodes")

    def __init__(self) -> None:
        self.nodes: list[Value] = []
        self._enclosing: list[Value] | None = None

    def __enter__(self) -> Tape:
        self._enclosing = value._tape
        value._tape = self.nodes
        return self

    def __exit__(self, *exc: object) -> None:
        value._tape = self._enclosing
        if self._enclosing is not None:
            self._enclosing.extend(self.nodes)
        self._enclosing = None

    def backward(self, root: Value, grad: float = 1.0) -> None:
        """`root.backward(grad)`, sweeping the recorded order instead of searching for one.

        The tape can only order what it recorded. When root was not recorded on it, or root
        depends on a node with parents that was made before the tape started, this is plain
        `backward(root, grad)`. Recorded nodes that root does not depend on get grad 0.
        """
        nodes = self.nodes
        recorded = set(nodes)
        if root not in recorded or any(
            map(_parents, set(chain.from_iterable(map(_parents, nodes))) - recorded)
        ):
            backward(root, grad)
            return
        with gc_paused():
            sweep(root, nodes, grad)

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"Tape({len(self.nodes)} nodes)"


__all__ = ["Tape"]
