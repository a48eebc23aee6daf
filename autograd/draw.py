"""Diagrams of computation graphs: `draw(root)` returns a `graphviz.Digraph` to render or show.

    >>> a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(1.0, "c")
    >>> out = (a * b + c).tanh()
    >>> out.backward()
    >>> draw(out, show_local=True).render("graph", format="svg")    # doctest: +SKIP

Each Value is a box with its label (or a grey generated name), `data` and `grad`; each operation
is an ellipse with its op (a folded number shows in it: `*2`, `2-`, `**2`); one arrow per operand,
so `a + a` has two. With `show_local=True` the arrow from an operand `a` into the op that makes
`z` is labelled `dz/da = ...`, the number the op recorded, and the diagram reads right to left as
the seeds' chain `C <- A[L] <- Z[L] <- A[L-1] ...` with a factor on every arrow. `highlight=w`
draws the paths from the output to `w` bold and spells `dC/dw` out as a sum over those paths of
the products of their factors. The legend says what each colour means.

`draw(model)` draws an MLP's architecture instead (see `autograd.draw_model`); to write files
without the `dot` program, see `autograd.draw_output.save`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograd.backward import topological_order
from autograd.draw_model import (
    draw_architecture,
    layers_of,
    neuron_names,
    node_owners,
    parameter_owners,
    seed_names,
)
from autograd.draw_output import mimebundle, save
from autograd.draw_style import (
    DEFAULT_MAX_NODES,
    Options,
)
from autograd.draw_values import ValueDiagram
from autograd.value import Value

if TYPE_CHECKING:
    import graphviz

def draw(
    root: object,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    highlight: Value | str | None = None,
    parameters: Iterable[Value] = (),
    inputs: Iterable[Value] = (),
    model: object = None,
    show_weights: bool = False,
    legend: bool = True,
) -> graphviz.Digraph:
    """The diagram of `root`'s computation graph (or, for an nn model, of its architecture).

    rankdir: "LR" (operands left of results) or "TB" (top to bottom).
    show_grad: show each Value's `grad` next to its `data`.
    show_local: label every operand arrow with the local derivative its op recorded.
    number_format: a format spec for every number shown (".4g", ".3f", ...).
    max_nodes: refuse graphs with more Values than this (ValueError says how many there are);
        with `model=`, draw each neuron as one box instead, when that fits.
    highlight: a Value of the graph (or its label): the paths from root to it are drawn bold,
        their factors shown, and the caption sums their products into d root/d highlight.
    parameters, inputs: leaves to colour as parameters / inputs. Leaves labelled like the nn
        package's parameters ("L1.N0.w0", "L2.N1.b") are parameters without being listed.
    model: an nn model (duck typed: `.layers` of `.neurons` with `.w`, `.b`, `.activation`):
        its parameters are coloured, each neuron's nodes are boxed together and named in the
        seeds' notation (z[l][j], a[l][j], inputs x[k]).
    show_weights: for `draw(model)`, write each weight on its arrow.
    legend: add the legend box.
    """
    options = Options(rankdir, show_grad, show_local, number_format, max_nodes, legend)
    if not isinstance(root, Value):
        layers = layers_of(root)
        if layers is None:
            raise TypeError(
                f"draw() takes a Value or an nn model (an object with .layers), "
                f"got {type(root).__name__}: {root!r:.80}"
            )
        return draw_architecture(layers, options, show_weights)
    layers = None if model is None else layers_of(model)
    if model is not None and layers is None:
        raise TypeError(f"model= must be an nn model with .layers, got {type(model).__name__}")
    order = topological_order(root)
    owners = node_owners(order, layers) if layers else {}
    param_owner = parameter_owners(layers) if layers else {}
    collapse = len(order) > options.max_nodes
    if collapse:
        hidden = len(owners) + sum(1 for node in order if node in param_owner)
        shown = len(order) - hidden + len(set(owners.values()))
        if not owners or shown > options.max_nodes:
            raise ValueError(_too_big(len(order), options.max_nodes, layers is not None, shown))
        if highlight is not None:
            raise ValueError(
                f"highlight= needs every node drawn, but the graph has {len(order)} Values, more "
                f"than max_nodes={options.max_nodes}; pass max_nodes={len(order)}"
            )
    names, sample = seed_names(order, owners, layers) if layers else ({}, set())
    kinds = _kinds(order, root, set(parameters) | set(param_owner), set(inputs) | sample)
    diagram = ValueDiagram(options, order, kinds, owners, param_owner, names)
    if highlight is not None:
        diagram.highlight(_find(highlight, order))
    if collapse:
        diagram.collapsed(neuron_names(layers or []))
    else:
        diagram.expanded()
    return diagram.finish()


def _kinds(
    order: list[Value], root: Value, parameters: set[Value], inputs: set[Value]
) -> dict[Value, str]:
    """Each node's style: output, parameter, input, leaf or intermediate."""
    kinds: dict[Value, str] = {}
    for node in order:
        if node.parents:
            kinds[node] = "interior"
        elif node in parameters or _looks_like_parameter(node.label):
            kinds[node] = "parameter"
        elif node in inputs:
            kinds[node] = "input"
        else:
            kinds[node] = "leaf"
    kinds[root] = "output"
    return kinds


def _looks_like_parameter(label: str) -> bool:
    """True for the nn package's parameter labels: "L1.N0.w0", "L2.N3.b"."""
    parts = label.split(".")
    return (
        len(parts) == 3
        and parts[0][:1] == "L" and parts[0][1:].isdigit()
        and parts[1][:1] == "N" and parts[1][1:].isdigit()
        and (parts[2] == "b" or (parts[2][:1] == "w" and parts[2][1:].isdigit()))
    )


def _find(highlight: Value | str, order: list[Value]) -> Value:
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


def _too_big(count: int, max_nodes: int, has_model: bool, shown: int) -> str:
    how = f"draw(root, max_nodes={count}) draws it all (rendering thousands of nodes is slow)"
    if not has_model:
        return (f"this graph has {count} Values, more than max_nodes={max_nodes}; {how}, or pass "
                "model= to draw each neuron of an nn model as one box")
    return (f"this graph has {count} Values, more than max_nodes={max_nodes}, and still {shown} "
            f"with each neuron drawn as one box; {how}")


__all__ = ["DEFAULT_MAX_NODES", "draw", "mimebundle", "save"]
