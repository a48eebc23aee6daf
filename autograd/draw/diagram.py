"""`draw` and `draw_svg`: the diagram of a Value's computation graph.

    >>> from autograd import Value
    >>> a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(1.0, "c")
    >>> out = (a * b + c).tanh()
    >>> out.backward()
    >>> svg = draw_svg(out, show_local=True)       # SVG text; needs no graphviz at all
    >>> svg.count('class="node"') > 6
    True

Each Value is a box with its label (or a grey generated name), `data` and `grad`; each operation
is an ellipse with its op (a folded number shows in it: `× 2`, `2 −`, `^ 2`); one arrow per
operand, so `a + a` has two. With `show_local=True` the arrow from an operand `a` into the op that
makes `z` is labelled `dz/da = ...`, the number the op recorded, and the diagram reads right to
left as the seeds' chain `C <- A[L] <- Z[L] <- A[L-1] ...` with a factor on every arrow.
`highlight=w` draws the paths from the output to `w` bold and spells `dC/dw` out as a sum over
those paths of the products of their factors. The legend says what each colour means, and what
the grads are derivatives of.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from autograd.draw.dot import to_digraph
from autograd.draw.graph import Hooks, graph_scene
from autograd.draw.groups import Group
from autograd.draw.layout import layout
from autograd.draw.scene import Scene
from autograd.draw.style import DEFAULT_MAX_NODES, Options
from autograd.draw.svg import to_svg
from autograd.value import Value

if TYPE_CHECKING:
    import graphviz


def value_scene(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    highlight: Value | str | None = None,
    parameters: Collection[Value] = (),
    inputs: Collection[Value] = (),
    names: Mapping[Value, str] | None = None,
    grad_names: Mapping[Value, str] | None = None,
    groups: Sequence[Group] = (),
    notes: Sequence[str] = (),
    legend: bool = True,
) -> Scene:
    """The scene `draw` and `draw_svg` render (see `draw` for the options)."""
    if not isinstance(root, Value):
        raise TypeError(
            f"draw() takes a Value, got {type(root).__name__}: {root!r:.80}; "
            "to draw a network, use nn.draw"
        )
    options = Options(rankdir, show_grad, show_local, number_format, max_nodes, legend)
    hooks = Hooks(parameters, inputs, names or {}, grad_names or {}, tuple(groups),
                  tuple(notes))
    return graph_scene(root, options, hooks, highlight).scene


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    highlight: Value | str | None = None,
    parameters: Collection[Value] = (),
    inputs: Collection[Value] = (),
    names: Mapping[Value, str] | None = None,
    grad_names: Mapping[Value, str] | None = None,
    groups: Sequence[Group] = (),
    notes: Sequence[str] = (),
    legend: bool = True,
) -> graphviz.Digraph:
    """The diagram of `root`'s computation graph, as a graphviz Digraph (rendering needs `dot`).

    rankdir: "LR" (operands left of results) or "TB" (top to bottom).
    show_grad: show each Value's `grad` next to its `data` (`—` where no backward() reached it).
    show_local: label every operand arrow with the local derivative its op recorded.
    number_format: a format spec for every number shown (".4g", ".3f", ...).
    max_nodes: past this many Values, draw each group as one box (ValueError without groups).
    highlight: a Value of the graph (or its label): the paths from root to it are drawn bold,
        their factors shown, and the caption sums their products into d root/d highlight.
    parameters, inputs: leaves to colour as parameters / inputs.
    names: names for unlabelled Values (a label always wins).
    grad_names: a second name for some Values' gradients, shown as `grad δ = 0.1`.
    groups: `Group`s of nodes to box together, each drawn as one box past `max_nodes`.
    notes: extra lines for the legend.
    legend: add the legend box.
    """
    return to_digraph(value_scene(
        root, rankdir=rankdir, show_grad=show_grad, show_local=show_local,
        number_format=number_format, max_nodes=max_nodes, highlight=highlight,
        parameters=parameters, inputs=inputs, names=names, grad_names=grad_names,
        groups=groups, notes=notes, legend=legend,
    ))


def draw_svg(
    root: Value,
    *,
    engine: str = "auto",
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    highlight: Value | str | None = None,
    parameters: Collection[Value] = (),
    inputs: Collection[Value] = (),
    names: Mapping[Value, str] | None = None,
    grad_names: Mapping[Value, str] | None = None,
    groups: Sequence[Group] = (),
    notes: Sequence[str] = (),
    legend: bool = True,
) -> str:
    """The same diagram as `draw`, as SVG text written by chainrule.

    Laid out by graphviz's `dot` when it is installed and by a pure-Python Sugiyama layout
    (grandalf) when it is not, or as `engine` ("dot", "grandalf") says; needs no graphviz Python
    package. The options are `draw`'s.
    """
    scene = value_scene(
        root, rankdir=rankdir, show_grad=show_grad, show_local=show_local,
        number_format=number_format, max_nodes=max_nodes, highlight=highlight,
        parameters=parameters, inputs=inputs, names=names, grad_names=grad_names,
        groups=groups, notes=notes, legend=legend,
    )
    return scene_svg(scene, engine)


def scene_svg(scene: Scene, engine: str = "auto") -> str:
    """Any scene (a Value graph's, or one a caller built) as SVG text."""
    return to_svg(scene, layout(scene, engine))


__all__ = ["draw", "draw_svg", "scene_svg", "value_scene"]
