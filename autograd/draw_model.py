"""Drawing networks: an MLP's architecture, and which nodes of a Value graph belong to which neuron.

`autograd` never imports `nn`; a model is anything shaped like one (duck typing): an object with
`.layers`, each with `.neurons`, each with `.w` (a list of Values), `.b` (a Value) and
`.activation` (a name). A single layer (`.neurons`) or neuron (`.w`, `.b`) works too.

Neuron j of layer l is named "L{l}.N{j}" (layers counted from 1, as the nn package labels its
parameters "L1.N0.w0"), and the arrow from neuron k of layer l-1 into it carries W[l][j][k].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from autograd.draw_style import KINDS, Options, add_legend, html, new_digraph
from autograd.value import Value

if TYPE_CHECKING:
    import graphviz

NeuronName = str
WEIGHT_COLOURS = ("#2166ac", "#b2182b")  # positive, negative


class NeuronLike(Protocol):
    """What a neuron must have to be drawn (or, in `nn.manual`, backpropagated by hand):
    `z = w·x + b`, `a = activation(z)`."""

    @property
    def w(self) -> Sequence[Value]: ...

    @property
    def b(self) -> Value: ...

    @property
    def activation(self) -> str: ...


Layers = list[list[NeuronLike]]


def layers_of(model: object) -> Layers | None:
    """The neurons of an MLP-, Layer- or Neuron-shaped object, layer by layer, or None."""
    if hasattr(model, "layers"):
        layers = [list(getattr(layer, "neurons", ())) for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [list(model.neurons)]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [[model]]
    else:
        return None
    for layer in layers:
        for neuron in layer:
            if not (
                all(isinstance(w, Value) for w in getattr(neuron, "w", [None]))
                and isinstance(getattr(neuron, "b", None), Value)
                and isinstance(getattr(neuron, "activation", None), str)
            ):
                raise TypeError(
                    f"cannot draw {type(model).__name__}: a neuron needs .w (Values), .b (a Value) "
                    f"and .activation (a name); got {neuron!r}"
                )
    if not layers or not all(layers):
        raise TypeError(f"cannot draw {type(model).__name__}: it has no neurons")
    return layers


def neuron_names(layers: Layers) -> dict[NeuronName, NeuronLike]:
    """{"L1.N0": neuron, ...} in layer order."""
    return {f"L{i}.N{j}": n for i, layer in enumerate(layers, 1) for j, n in enumerate(layer)}


def parameter_owners(layers: Layers) -> dict[Value, NeuronName]:
    """Each weight and bias, mapped to the name of its neuron."""
    owners: dict[Value, NeuronName] = {}
    for name, neuron in neuron_names(layers).items():
        for p in (*neuron.w, neuron.b):
            owners[p] = name
    return owners


def node_owners(order: list[Value], layers: Layers) -> dict[Value, NeuronName]:
    """The interior nodes of a Value graph that a neuron made: its z = w·x + b and its a = f(z).

    A node belongs to neuron N when one of its operands is N's weight or bias (the products, the
    fused `wsum`, the `+ b`), or when all its operands belong to N and it is a sum or N's
    activation. So a loss built on top, `(a - t)**2`, stays outside every neuron.
    """
    params = parameter_owners(layers)
    activation = {name: n.activation for name, n in neuron_names(layers).items()}
    owners: dict[Value, NeuronName] = {}
    for node in order:
        if not node.parents:
            continue
        owner = next((params[p] for p in node.parents if p in params), None)
        if owner is None:
            found = {owners.get(p) for p in node.parents}
            if len(found) == 1 and None not in found:
                candidate = found.pop()
                assert candidate is not None
                if node.op in ("+", "sum") or node.op == activation[candidate]:
                    owner = candidate
        if owner is not None:
            owners[node] = owner
    return owners


def seed_names(
    order: list[Value], owners: dict[Value, NeuronName], layers: Layers
) -> tuple[dict[Value, str], set[Value]]:
    """Names in the seeds' notation for unlabelled nodes a neuron made, and the sample's inputs.

    Neuron j of layer l made z[l][j] (the node with its bias as an operand) and a[l][j] (its
    activation); the leaves a layer-1 `wsum` reads as x are the inputs x[k].
    """
    neurons = neuron_names(layers)
    names: dict[Value, str] = {}
    inputs: set[Value] = set()
    last: dict[NeuronName, Value] = {}
    for node in order:
        owner = owners.get(node)
        if owner is None:
            continue
        layer, j = owner[1:].split(".N")
        neuron = neurons[owner]
        if any(p is neuron.b for p in node.parents):
            names[node] = f"z[{layer}][{j}]"
            n = len(neuron.w)
            if layer == "1" and node.op == "weighted_sum" and len(node.parents) == 2 * n + 1:
                for k, x in enumerate(node.parents[n : 2 * n]):
                    if not x.parents:
                        inputs.add(x)
                        names[x] = f"x[{k}]"
        last[owner] = node
    for owner, node in last.items():
        if node.op == neurons[owner].activation:
            layer, j = owner[1:].split(".N")
            names[node] = f"a[{layer}][{j}]"
    return {node: name for node, name in names.items() if not node.label}, inputs


def draw_architecture(layers: Layers, options: Options, show_weights: bool) -> graphviz.Digraph:
    """The network itself: inputs, then each layer's neurons, an arrow per weight.

    Past `options.max_nodes` neurons (or four times as many weights), each layer is one box.
    """
    nin = len(layers[0][0].w)
    nodes = nin + sum(len(layer) for layer in layers)
    weights = sum(len(layer) * len(layer[0].w) for layer in layers)
    graph = new_digraph("model", options)
    if nodes > options.max_nodes or weights > 4 * options.max_nodes:
        _collapsed_architecture(graph, layers, nin)
        note = (f"each box is a whole layer: {nodes} neurons and inputs is more than "
                f"max_nodes={options.max_nodes} (raise it to draw every neuron)")
        if options.legend:
            add_legend(graph, ["input", "neuron", "output layer"], [note])
        return graph
    with graph.subgraph(name="cluster_input") as box:
        box.attr(label="input", style="rounded", color="#bbbbbb")
        for k in range(nin):
            box.node(f"x{k}", label=f"x{k}", shape="circle", style="filled",
                     fillcolor=KINDS["input"][0], width="0.4")
    previous = [f"x{k}" for k in range(nin)]
    for number, layer in enumerate(layers, 1):
        names = [f"L{number}.N{j}" for j in range(len(layer))]
        kind = "output layer" if number == len(layers) else "neuron"
        with graph.subgraph(name=f"cluster_L{number}") as box:
            box.attr(label=f"layer {number}: {len(layer)} × {_activations(layer)}", style="rounded",
                     color="#bbbbbb")
            for name, neuron in zip(names, layer):
                box.node(name, label=_neuron_label(name, neuron, kind, options, show_weights),
                         shape="plain")
        for j, (name, neuron) in enumerate(zip(names, layer)):
            for k, (source, w) in enumerate(zip(previous, neuron.w)):
                tooltip = f"W[{number}][{j}][{k}] = {options.number(w.data)}"
                if show_weights:
                    graph.edge(source, name, label=options.number(w.data), tooltip=tooltip,
                               color=WEIGHT_COLOURS[w.data < 0],
                               penwidth=f"{0.6 + min(abs(w.data), 3.0):.2f}")
                else:
                    graph.edge(source, name, tooltip=tooltip)
        previous = names
    if options.legend:
        notes = ["z = w·x + b: each arrow into a neuron carries one weight W[l][j][k]"]
        if show_weights:
            notes.append("arrow label: the weight; blue positive, red negative, thicker = larger")
        add_legend(graph, ["input", "neuron", "output layer"], notes)
    return graph


def _collapsed_architecture(graph: graphviz.Digraph, layers: Layers, nin: int) -> None:
    """One box per layer, an arrow per weight matrix labelled with its shape."""
    graph.node("input", label=f"input\n{nin} numbers", shape="box", style="filled,rounded",
               fillcolor=KINDS["input"][0])
    previous, width = "input", nin
    for number, layer in enumerate(layers, 1):
        name = f"L{number}"
        kind = "output layer" if number == len(layers) else "neuron"
        parameters = sum(len(n.w) + 1 for n in layer)
        graph.node(name, shape="box", style="filled,rounded", fillcolor=KINDS[kind][0],
                   label=f"layer {number}\n{len(layer)} × {_activations(layer)}\n"
                         f"{parameters} parameters")
        graph.edge(previous, name, label=f"W[{number}]: {len(layer)}×{width}")
        previous, width = name, len(layer)


def _activations(layer: list[NeuronLike]) -> str:
    names = sorted({n.activation for n in layer})
    return names[0] if len(names) == 1 else "/".join(names)


def _neuron_label(
    name: str, neuron: NeuronLike, kind: str, options: Options, show_weights: bool
) -> str:
    rows = [f"<b>{html(name)}</b>", f"a = {html(neuron.activation)}(z)"]
    if show_weights:
        rows.append(f"b = {html(options.number(neuron.b.data))}")
    cells = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
    return (f'<<table border="1" cellborder="0" cellspacing="0" cellpadding="3" '
            f'bgcolor="{KINDS[kind][0]}">{cells}</table>>')


__all__ = [
    "Layers",
    "NeuronLike",
    "draw_architecture",
    "layers_of",
    "neuron_names",
    "node_owners",
    "parameter_owners",
    "seed_names",
]
