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

The gradients are those of `a.backward()`, up to the order in which a node's contributions are
added (the last bit of a float can differ). On micrograd's demo step the search takes a fifth of
a training step's time (`benchmarks/profile_engine.py`); `nn.train_step` records each step on a
tape. Leaves (`Value(...)`) are not recorded: they pass no gradient on. Nodes made under `no_grad`
are leaves too.
"""

from __future__ import annotations

from autograd import value
from autograd.backward import backward, gc_paused, interior_order, propagate, sweep
from autograd.value import Value


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

        Leaves get what `backward` gives them, and so does every node the gradient flows
        through. The tape can only order what it recorded; a root it did not record gets
        plain `backward`. A node with parents made before the tape started (a "foreign" node) is
        found when a recorded node first passes it a gradient: it is zeroed then, before anything
        reaches it, and once every recorded node is done, the part of the graph behind the
        foreign nodes is searched and swept as `backward` does. Two differences from `backward`
        in what interior nodes hold: recorded nodes that root does not depend on get grad 0, and
        a foreign node that root reaches only through zero gradients keeps the grad it had.
        """
        nodes = self.nodes
        known = set(nodes)
        if root not in known:
            backward(root, grad)
            return
        covers = known.issuperset
        foreign: list[Value] = []

        def meet(parents: tuple[Value, ...]) -> None:
            if not covers(parents):
                _admit(parents, known, foreign)

        with gc_paused():
            sweep(root, nodes, grad, meet)
            if foreign:
                _sweep_behind(foreign)

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"Tape({len(self.nodes)} nodes)"


def _admit(parents: tuple[Value, ...], known: set[Value], foreign: list[Value]) -> None:
    """Add the parents not seen yet to `known`; a foreign one is zeroed and listed."""
    for parent in parents:
        if parent not in known:
            known.add(parent)
            if parent.edges:
                parent.grad = 0.0
                foreign.append(parent)


def _sweep_behind(foreign: list[Value]) -> None:
    """Finish backward through the nodes made before the tape, which hold the tape's share.

    They and everything behind them were made before every recorded node, so they come after
    all of those in the sweep: order them by searching (as `backward` does), start the ones
    the tape did not reach from 0, and pass the gradients on.
    """
    order = interior_order(foreign, set())
    reached = set(foreign)
    for node in order:
        if node not in reached:
            node.grad = 0.0
    propagate(order)


__all__ = ["Tape"]
