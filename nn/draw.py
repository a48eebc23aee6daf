"""Drawing networks: an MLP's architecture, and one sample's graph in the seeds' notation.

    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> svg = draw_svg(model)                    # the architecture, no graphviz needed
    >>> C = sample_graph(model, [0.5, -1.0], [1.0])
    >>> page = step_through(C, model=model)      # backward through it, one node at a time

`autograd.draw` knows Values only; this module tells it what a network's nodes are. Neuron j of
layer l (layers counted from 1) is the group "L{l}.N{j}": its weighted sum is z[l][j], its
activation a[l][j], and its gradient dC/dz[l][j] is the seeds' error δ[l][j]. The inputs of a
sample are x[k], and the arrow from neuron k of layer l-1 into neuron j carries W[l][j][k].
A model is anything shaped like one: `.layers` of `.neurons`, each with `.w`, `.b`, `.activation`.
"""

# l is the seeds' name for a layer.
# ruff: noqa: E741

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value
from autograd.backward import topological_order
from autograd.draw.crowds import thin_crowds
from autograd.draw.diagram import scene_svg, value_scene
from autograd.draw.dot import to_digraph
from autograd.draw.groups import Group
from autograd.draw.output import mimebundle as _mimebundle
from autograd.draw.scene import Arrow, Box, Cell, Cluster, Scene
from autograd.draw.step import StepThrough
from autograd.draw.step import step_through as _step_through
from autograd.draw.style import DEFAULT_MAX_NODES, KINDS, Options
from nn.losses import LOSSES
from nn.manual import target_vector
from nn.module import NeuronLike, neuron_layers

if TYPE_CHECKING:
    import graphviz

WEIGHT_COLOURS = ("#2166ac", "#b2182b")  # positive, negative
WEIGHT_ROOM = 150.0  # points between two layers, for the weights written beside their arrows
FAN_ROOM = 72.0  # points between two layers, for their arrows to fan out
NEURON_FILL = KINDS["group"][0]
OUTPUT_FILL = KINDS["output"][0]


Layers = list[list[NeuronLike]]


def layers_of(model: object) -> Layers:
    """The neurons of an MLP-, Layer- or Neuron-shaped object, layer by layer, or TypeError."""
    layers = neuron_layers(model)
    if layers is None:
        raise TypeError(
            f"cannot draw {type(model).__name__}: a network has .layers (of .neurons), a layer "
            f".neurons, a neuron .w and .b; got {model!r:.80}"
        )
    for layer in layers:
        for neuron in layer:
            if not (
                all(isinstance(w, Value) for w in getattr(neuron, "w", [None]))
                and isinstance(getattr(neuron, "b", None), Value)
                and isinstance(getattr(neuron, "activation", None), str)
            ):
                raise TypeError(
                    f"cannot draw {type(model).__name__}: a neuron needs .w (Values), .b (a Value) "
                    f"and .activation (a name); got {neuron!r:.80}"
                )
    if not layers or not all(layers):
        raise TypeError(f"cannot draw {type(model).__name__}: it has no neurons")
    return layers


# --- the architecture ----------------------------------------------------------------------------


def architecture_scene(
    model: object,
    *,
    show_weights: bool = False,
    rankdir: str = "LR",
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    legend: bool = True,
) -> Scene:
    """The network itself: inputs, then each layer's neurons in order, an arrow per weight.

    Past `max_nodes` neurons (or four times as many weights), each layer is one box.
    """
    layers = layers_of(model)
    options = Options(rankdir, False, False, number_format, max_nodes, legend)
    scene = Scene("model", options)
    nin = len(layers[0][0].w)
    nodes = nin + sum(len(layer) for layer in layers)
    weights = sum(len(layer) * len(layer[0].w) for layer in layers)
    if nodes > max_nodes or weights > 4 * max_nodes:
        _layer_boxes(scene, layers, nin)
        if legend:
            scene.legend = [
                (KINDS["input"][0], "input: the numbers of one sample"),
                (NEURON_FILL, "a hidden layer of neurons"),
                (OUTPUT_FILL, "output layer: its activations are the network's prediction"),
                ("", f"each box is a whole layer: {nodes} neurons and inputs is more than "
                     f"max_nodes={max_nodes} (raise it to draw every neuron)"),
            ]
        return scene
    scene.clusters.append(Cluster("cluster_input", "input", None, "outer"))
    previous = [f"x{k}" for k in range(nin)]
    for k, name in enumerate(previous):
        scene.boxes.append(Box(name, [[Cell(f"x[{k}]")]], shape="circle",
                               fill=KINDS["input"][0], cluster="cluster_input"))
    scene.orders.append(list(previous))
    for l, layer in enumerate(layers, 1):
        names = [f"L{l}.N{j}" for j in range(len(layer))]
        cluster = f"cluster_L{l}"
        scene.clusters.append(Cluster(cluster, f"layer {l}: {len(layer)} × {_activations(layer)}",
                                      None, "outer"))
        fill = OUTPUT_FILL if l == len(layers) else NEURON_FILL
        for name, neuron in zip(names, layer):
            rows = [[Cell(name, "title")], [Cell(f"a = {neuron.activation}(z)")]]
            if show_weights:
                rows.append([Cell(f"b = {options.number(neuron.b.data)}")])
            scene.boxes.append(Box(name, rows, fill=fill, cluster=cluster))
        scene.orders.append(names)
        for j, (name, neuron) in enumerate(zip(names, layer)):
            for k, (source, w) in enumerate(zip(previous, neuron.w)):
                arrow = Arrow(f"w{l}_{j}_{k}", source, name, straight=True, room=FAN_ROOM,
                              tooltip=f"W[{l}][{j}][{k}] = {options.number(w.data)}")
                if show_weights:
                    arrow.color = WEIGHT_COLOURS[w.data < 0]
                    arrow.width = 0.4 + min(abs(w.data), 3.0)
                    arrow.label, arrow.room = options.number(w.data), WEIGHT_ROOM
                scene.arrows.append(arrow)
        previous = names
    crowded = thin_crowds(scene)
    if legend:
        scene.legend = [
            (KINDS["input"][0], "input: x[k], the numbers of one sample"),
            (NEURON_FILL, "neuron: weighted sum z = w·x + b and activation a = f(z)"),
            (OUTPUT_FILL, "output layer: its activations are the network's prediction"),
            ("", "z = w·x + b: each arrow into a neuron carries one weight W[l][j][k]"),
        ]
        if show_weights:
            scene.legend.append(("", "number beside an arrow: its weight; blue positive, red "
                                     "negative, thicker = larger"))
        if crowded:
            scene.legend.append(("", "faint lines: every neuron of a layer receives every "
                                     "output of the one before (too many weights to label)"))
    return scene


def _layer_boxes(scene: Scene, layers: Layers, nin: int) -> None:
    """One box per layer, an arrow per weight matrix labelled with its shape."""
    scene.boxes.append(Box("input", [[Cell("input", "title")], [Cell(f"{nin} numbers")]],
                           fill=KINDS["input"][0]))
    previous, width = "input", nin
    for l, layer in enumerate(layers, 1):
        name = f"L{l}"
        parameters = sum(len(n.w) + 1 for n in layer)
        fill = OUTPUT_FILL if l == len(layers) else NEURON_FILL
        scene.boxes.append(Box(name, [[Cell(f"layer {l}", "title")],
                                      [Cell(f"{len(layer)} × {_activations(layer)}")],
                                      [Cell(f"{parameters} parameters")]], fill=fill))
        scene.arrows.append(Arrow(f"W{l}", previous, name, f"W[{l}]: {len(layer)}×{width}"))
        previous, width = name, len(layer)


def _activations(layer: list[NeuronLike]) -> str:
    names = sorted({n.activation for n in layer})
    return names[0] if len(names) == 1 else "/".join(names)


# --- a sample through the network ----------------------------------------------------------------


def sample_graph(
    model: Any, x: Sequence[float], target: Sequence[float] | float | None = None,
    loss: str = "half_mse",
) -> Value:
    """The graph of one sample through `model`: the cost C of `target` under `loss` (by name,
    from `nn.losses.LOSSES`), or the output itself without a target. Inputs are leaves, so the
    diagram shows them as x[k]; no backward() is run."""
    inputs = [Value(float(v)) for v in x]
    out = model(inputs)
    if target is None:
        return out  # type: ignore[no-any-return]
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))}")
    preds = out if isinstance(out, list) else [out]
    targets = target_vector(target, len(preds), loss, 0)
    if len(targets) != len(preds):
        raise ValueError(f"the model has {len(preds)} outputs but the target has {len(targets)}")
    cost = LOSSES[loss]([preds], [targets])
    cost.label = "C"
    return cost


def graph_hooks(model: object, root: Value) -> dict[str, Any]:
    """What `autograd.draw` needs to know about `root`'s graph to draw it as the network's:
    the keyword arguments `parameters`, `inputs`, `names`, `grad_names`, `groups`, `notes`."""
    layers = layers_of(model)
    order = topological_order(root)
    users: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            users.setdefault(parent, []).append(node)
    made_with: dict[Value, Value] = {}
    for node in order:
        for parent in node.parents:
            made_with.setdefault(parent, node)
    names: dict[Value, str] = {}
    grad_names: dict[Value, str] = {}
    groups: list[Group] = []
    parameters: list[Value] = []
    inputs: list[Value] = []
    outputs: set[Value] = set()
    for l, layer in enumerate(layers, 1):
        for j, neuron in enumerate(layer):
            parameters += [*neuron.w, neuron.b]
            z = made_with.get(neuron.b)
            if z is None:
                continue
            a = z
            if neuron.activation != "linear":
                after = [u for u in users.get(z, []) if u.parents == (z,)]
                a = after[0] if len(after) == 1 else z
            outputs.add(a)
            names[z] = f"z[{l}][{j}]"
            if a is not z:
                names[a] = f"a[{l}][{j}]"
            grad_names[z] = f"δ[{l}][{j}]"
            members = {z, a, *neuron.w, neuron.b}
            if l == 1:
                for k, x in enumerate(p for p in z.parents if not p.parents
                                      and p not in members):
                    if x not in names:
                        names[x] = f"x[{k}]"
                        inputs.append(x)
            groups.append(Group(f"L{l}.N{j}", members, (z, a) if a is not z else (z,),
                                f"a = {neuron.activation}(z)", f"layer {l}"))
    if root in outputs:
        grad_names.clear()  # δ is dC/dz for a cost C; the output of the network is not one
    notes = ["L{l}.N{j}: neuron j of layer l; z[l][j] = w·x + b, a[l][j] = f(z[l][j])"]
    if grad_names:
        notes.append("δ[l][j] = dC/dz[l][j]: the error of the neuron, as the seeds write it")
    return {"parameters": parameters, "inputs": inputs, "names": names,
            "grad_names": grad_names, "groups": groups, "notes": notes}


# --- entry points --------------------------------------------------------------------------------


def draw(what: object, *, model: object = None, show_weights: bool = False,
         **options: Any) -> graphviz.Digraph:
    """A graphviz Digraph: a model's architecture (`draw(model, show_weights=...)`), or a Value's
    graph with a model's neurons boxed and named (`draw(C, model=model)`). `options` are
    `autograd.draw`'s."""
    if isinstance(what, Value):
        hooks = graph_hooks(model, what) if model is not None else {}
        return to_digraph(value_scene(what, **hooks, **options))
    return to_digraph(architecture_scene(what, show_weights=show_weights, **options))


def draw_svg(what: object, *, model: object = None, show_weights: bool = False,
             engine: str = "auto", **options: Any) -> str:
    """`draw` as SVG text, laid out by `dot` or, without it, by grandalf."""
    if isinstance(what, Value):
        hooks = graph_hooks(model, what) if model is not None else {}
        return scene_svg(value_scene(what, **hooks, **options), engine)
    return scene_svg(architecture_scene(what, show_weights=show_weights, **options), engine)


def step_through(root: Value, *, model: object = None, by_layer: bool = False,
                 **options: Any) -> StepThrough:
    """`autograd.draw.step_through` with a model's neurons boxed and named. A graph too big to
    draw node by node is drawn a neuron a box, and stepped a neuron at a time, or with
    `by_layer=True` a whole layer at a time (backpropagation's order: the deltas of a layer all
    at once, from those of the layer above)."""
    hooks = graph_hooks(model, root) if model is not None else {}
    return _step_through(root, **hooks, by_within=by_layer, **options)


def mimebundle(model: object) -> dict[str, Any]:
    """What Jupyter shows for a model: its architecture as SVG (drawn without needing `dot`)."""
    return _mimebundle(lambda: draw_svg(model), model)


__all__ = [
    "Layers",
    "NeuronLike",
    "architecture_scene",
    "draw",
    "draw_svg",
    "graph_hooks",
    "layers_of",
    "mimebundle",
    "sample_graph",
    "step_through",
]
