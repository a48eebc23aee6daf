"""One sample through the model, traced, with every node named in the seeds' notation.

The generated code computes one sample at a time. Its forward pass is the model's graph for one
sample: traced once by calling the model on leaves `a0_0, a0_1, ...` (a0 = x, the sample), so
whatever the model's `__call__` does is what the code does. In a network (`.layers` of
`.neurons`, as `nn.MLP`, `nn.Layer` and `nn.Neuron` are) the weighted sum of neuron j in layer l
is `z{l}_{j}`, its activation `a{l}_{j}`, its weights `W{l}_{j}_{k}` (W[l][j][k], from neuron k of
layer l-1) and its bias `b{l}_{j}`; a linear neuron's output is its `z`. Any other module's
parameters are `p0, p1, ...` and its nodes `u1, u2, ...`.

The model's part of the code stops at the output layer's z. An output made by one op on one node
of the model, a = f(z) (the output activation), is split off: `heads[z]` is that node and
`logits` holds each output's z (an output made any other way, a linear neuron's z, stands for
itself). The activation becomes the first node of the loss's part, traced on leaves standing for
z (`nn.compiled.loss`), so the loss is given the same kind of node as in `train_step`: bce sees
`sigmoid(z)` and reads it from z. The code still computes every a, right after its z.
"""

# l is the seeds' name for a layer; W its weights.
# ruff: noqa: E741

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from autograd import Value
from autograd import sum as vsum
from autograd.backward import topological_order
from autograd.compile.trace import Trace as GraphTrace
from autograd.compile.trace import TraceError, signature
from nn.activations import ACTIVATIONS
from nn.module import Module, NeuronLike, neuron_layers


@dataclass
class Neurons:
    """A network's neurons, layer by layer."""

    layers: list[list[NeuronLike]]


@dataclass
class Sample:
    """The graph of one sample through the model, and the names the code gives its nodes."""

    inputs: list[Value]
    outputs: list[Value]
    single: bool  # the model returns one Value (one output neuron), not a list
    nodes: list[Value]  # every op node, in the order the code computes them
    names: dict[Value, str]
    layer_of: dict[Value, int] = field(default_factory=dict)  # node -> its layer (networks)
    activations: dict[int, str] = field(default_factory=dict)  # layer -> its activation
    logits: list[Value] = field(default_factory=list)  # per output: where the model's part ends
    heads: dict[Value, Value] = field(default_factory=dict)  # z -> the output a = f(z), split off


def network(model: Module) -> Neurons | None:
    """The neurons of an MLP-, Layer- or Neuron-shaped model, or None for another module."""
    layers = neuron_layers(model)
    if layers is None:
        return None
    neurons = [n for layer in layers for n in layer]
    if not neurons or not all(hasattr(n, "w") and hasattr(n, "b") for n in neurons):
        return None
    return Neurons(layers)


def parameters(model: Module, neurons: Neurons | None) -> list[Value]:
    """The model's current parameters, in `model.parameters()` order.

    For a network, read straight from its neurons (w then b, neuron by neuron, layer by layer):
    the same list, without the names `named_parameters()` builds, so it costs little per step.
    """
    if neurons is None:
        return model.parameters()
    params: list[Value] = []
    for layer in neurons.layers:
        for neuron in layer:
            params.extend(neuron.w)
            params.append(neuron.b)
    return params


def activations(neurons: Neurons | None) -> tuple[str, ...]:
    """What the code depends on besides the parameters (whose list `parameters` gives)."""
    if neurons is None:
        return ()
    return tuple([getattr(n, "activation", "") for layer in neurons.layers for n in layer])


def trace_sample(model: Module, x: Sequence[float], neurons: Neurons | None) -> Sample:
    """Call the model on leaves holding the sample `x` and name the graph it builds."""
    inputs = [Value(float(v)) for v in x]
    out = model(inputs)
    single = isinstance(out, Value)
    outputs = [out] if isinstance(out, Value) else list(out)
    if not outputs or not all(isinstance(o, Value) for o in outputs):
        raise TypeError(f"compile_step: the model must return a Value or a list of Values, "
                        f"got {out!r:.60}")
    order = [node for node in _order(outputs) if node._op is not None]
    names: dict[Value, str] = {v: f"a0_{k}" for k, v in enumerate(inputs)}
    sample = Sample(inputs, outputs, single, order, names)
    if neurons is None or not _name_network(sample, neurons):
        sample.names = names  # another module: generic names
        sample.layer_of.clear()
        for i, p in enumerate(model.parameters()):
            names[p] = f"p{i}"
        names.update((node, f"u{i}") for i, node in enumerate(order, start=1))
    _split_heads(sample)
    return sample


def activate(head: Value, z: Value) -> Value:
    """The output `head` = f(z'), made again on another z: the same op, z in place of z'."""
    assert head._op is not None
    logit = _operand(head)
    return cast(Value, head._op(*[z if x is logit else x for x in head._operands]))


def logit_numbers(model: Module, x: Sequence[float], sample: Sample) -> list[float]:
    """The numbers of `sample.logits` for another sample x: z where an output is split off,
    the output itself elsewhere (the model is run on x, building its graph)."""
    out = model([float(v) for v in x])
    outputs = [out] if isinstance(out, Value) else list(out)
    numbers = []
    for a, logit in zip(outputs, sample.logits):
        z = _operand(a) if logit in sample.heads else None
        numbers.append((z if z is not None else a).data)
    return numbers


def _operand(node: Value) -> Value | None:
    """The one Value an op node is made from (numbers may be folded in), or None."""
    values = [x for x in node._operands if isinstance(x, Value)]
    return values[0] if node._op is not None and len(values) == 1 else None


def _split_heads(sample: Sample) -> None:
    """Split off each output a = f(z) made by one op on one node z of the model (see the
    module's docstring), unless something else reads a, or z is itself an output or the z of
    another output; fill `logits` and `heads`."""
    nodes = set(sample.nodes)
    read = {p for node in sample.nodes for p in node.parents}
    for a in sample.outputs:
        z = _operand(a)
        if (z is None or z not in nodes or a in read or z in sample.outputs
                or z in sample.heads or sum(o is a for o in sample.outputs) > 1):
            sample.logits.append(a)
            continue
        sample.heads[z] = a
        sample.logits.append(z)
    heads = set(sample.heads.values())
    sample.nodes = [node for node in sample.nodes if node not in heads]


def graph_of(sample: Sample) -> GraphTrace:
    """The sample's graph as one trace (its outputs joined), for comparing two traces."""
    return GraphTrace(sample.inputs, sample.outputs[0], _order(sample.outputs))


def same_graph(a: Sample, b: Sample) -> bool:
    """Whether two traces of the model built the same graph (at different numbers)."""
    try:
        return signature(graph_of(a)) == signature(graph_of(b))
    except TraceError:
        return False


def _order(outputs: list[Value]) -> list[Value]:
    """Every node the outputs depend on, parents first (through a sum that joins them)."""
    if len(outputs) == 1:
        return topological_order(outputs[0])
    joined = vsum(outputs)
    return topological_order(joined)[:-1]


def _name_network(sample: Sample, neurons: Neurons) -> bool:
    """Name every node of a network's graph; False if some node is not a neuron's z or a.

    z is the node with the neuron's bias among its parents; a is the one-parent node on z (none
    for a linear neuron, whose z is its output). The nodes are then ordered layer by layer.
    """
    names = sample.names
    neuron_of: dict[Value, tuple[int, int]] = {}
    for l, layer in enumerate(neurons.layers, start=1):
        sample.activations[l] = _activation(layer)
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron.w):
                names[w] = f"W{l}_{j}_{k}"
            names[neuron.b] = f"b{l}_{j}"
            neuron_of[neuron.b] = (l, j)
    z_of: dict[Value, tuple[int, int]] = {}
    for node in sample.nodes:
        bias = next((p for p in node.parents if p in neuron_of), None)
        if bias is not None:
            l, j = z_of[node] = neuron_of[bias]
            names[node] = f"z{l}_{j}"
        elif len(node.parents) == 1 and node.parents[0] in z_of:
            l, j = z_of[node.parents[0]]
            names[node] = f"a{l}_{j}"
        else:
            return False
        sample.layer_of[node] = l
    position = {node: i for i, node in enumerate(sample.nodes)}
    sample.nodes.sort(key=lambda node: (sample.layer_of[node], position[node]))
    return True


def _activation(layer: list[NeuronLike]) -> str:
    names = {getattr(n, "activation", "") for n in layer}
    name = names.pop() if len(names) == 1 else ""
    return name if name in ACTIVATIONS else "f"


__all__ = ["Neurons", "Sample", "activate", "activations", "logit_numbers", "network",
           "parameters", "same_graph", "trace_sample"]
