"""The explain view: every chain-rule path from the loss back to one parameter, factor by factor.

A weight W_l[j][k] reaches the cost C through neuron j of layer l, then through any one neuron of
each later layer. Along one path the chain rule multiplies local derivatives, as the first seed
writes them:

    dC/da2[0] * da2[0]/dz2[0] * dz2[0]/da1[1] * da1[1]/dz1[1] * dz1[1]/dW1[1][0]

and the gradient is the sum of those products over every path (and, for a batch, every sample).
That sum is what `param.grad` holds after `backward()`, and what the four equations compute in
`nn.manual` without listing a single path: delta_l[j] is the sum over all paths from C down to
z_l[j], built one layer at a time.

The paths are those of the real graph of `Value`s (`autograd.draw.paths`, the same code that
highlights paths in a diagram), told through the nodes the notes name: C, each a and z, and the
parameter. Everything between C and the output activations (the loss formula) is one factor,
dC/da, as the notes write it; a linear neuron's a is its z, so its factor da/dz is 1. bce reads a
sigmoid's output from its logit (ln a = ln σ(z), see `nn.losses.bce`), so its graph goes from C
straight to z and never through a: each path starts with dC/dz = (a - t)/m, the third note's
shortcut, already multiplied out, and has no factor da/dz.

Listing paths costs one product per path, and there are m * n_{l+1} * ... * n_L of them: it grows
exponentially with depth. `explain` shows the first `max_paths` and sums them all only while there
are at most `sum_limit`; beyond that the deltas are the only sensible way, which is the point.
"""

# The names are the notation: X, Y, L, and l for a layer.
# ruff: noqa: N803, N806, E741

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from autograd import Value
from autograd import sum as vsum
from autograd.backward import topological_order
from autograd.draw.paths import find_paths
from nn.compare import check_loss_fits
from nn.losses import LOSSES
from nn.manual import Sample, Target, as_floats, backprop, target_vector
from nn.module import ModelLike


class Model(ModelLike, Protocol):
    """An MLP as `explain` uses it: its layers, and calling it on one sample."""

    def __call__(self, x: Sequence[float]) -> Value | list[Value]: ...


@dataclass(frozen=True)
class ParamRef:
    """Where a parameter sits: layer `layer` (1 .. L), neuron `neuron`, weight `index` or the bias.

    `index=None` is the bias b_l[j]; otherwise the weight W_l[j][k] from neuron k of layer l-1.
    """

    layer: int
    neuron: int
    index: int | None = None

    @property
    def name(self) -> str:
        """`W2[0][1]` or `b2[0]`, as in the notation."""
        if self.index is None:
            return f"b{self.layer}[{self.neuron}]"
        return f"W{self.layer}[{self.neuron}][{self.index}]"


_NOTATION = re.compile(r"^\s*([WwBb])(\d+)\[(\d+)\](?:\[(\d+)\])?\s*$")


def parse_param(text: str) -> ParamRef | None:
    """`W2[0][1]` -> ParamRef(2, 0, 1); `b2[0]` -> ParamRef(2, 0); None if it is not that form."""
    match = _NOTATION.match(text)
    if match is None:
        return None
    kind, layer, neuron, index = match.groups()
    if (kind in "Ww") != (index is not None):
        return None
    return ParamRef(int(layer), int(neuron), None if index is None else int(index))


def _parameters(model: ModelLike) -> Iterator[tuple[ParamRef, Value]]:
    for l, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                yield ParamRef(l, j, k), w
            yield ParamRef(l, j), neuron.b


def find_param(
    model: ModelLike, which: str | Value | ParamRef | tuple[int, int, int | None]
) -> tuple[ParamRef, Value]:
    """The parameter named by `which`, and its place.

    `which` is a `ParamRef`, a tuple `(layer, neuron, index)` (layer counted from 1, index None
    for the bias), a string in the notation (`"W2[0][1]"`, `"b1[3]"`), a `Value`'s label, or
    the parameter `Value` itself.
    """
    if isinstance(which, tuple):
        which = ParamRef(*which)
    if isinstance(which, str) and (parsed := parse_param(which)) is not None:
        which = parsed
    found = []
    for ref, value in _parameters(model):
        if (
            (isinstance(which, ParamRef) and ref == which)
            or (isinstance(which, Value) and value is which)
            or (isinstance(which, str) and which and value.label == which)
        ):
            found.append((ref, value))
    if len(found) == 1:
        return found[0]
    sizes = [len(layer.neurons) for layer in model.layers]
    shown = which.name if isinstance(which, ParamRef) else repr(which)
    if found:
        raise ValueError(f"explain: {len(found)} parameters have the label {shown}; name one by "
                         f"its place instead, like W1[0][0]")
    raise ValueError(
        f"explain: no parameter {shown} in a model with layer sizes {sizes}; name one like "
        f"W1[0][0] (layer from 1, neuron, input) or b1[0]"
    )


@dataclass(frozen=True)
class Factor:
    """One local derivative on a path: its name, like `da1[0]/dz1[0]`, and its value."""

    name: str
    value: float


@dataclass(frozen=True)
class Path:
    """One chain-rule path from C to a parameter, for one sample of the batch."""

    sample: int
    factors: tuple[Factor, ...]

    @property
    def product(self) -> float:
        """The chain rule along this path: the product of its factors."""
        return math.prod(f.value for f in self.factors)


def path_count(model: ModelLike, ref: ParamRef, m: int) -> int:
    """m * n_{l+1} * ... * n_L: one path per sample and per choice of neuron in each later layer."""
    return m * math.prod(len(layer.neurons) for layer in list(model.layers)[ref.layer :])


@dataclass
class _Graph:
    """The cost's graph, with the nodes the notes name, and the sample each belongs to."""

    cost: Value
    lower: dict[Value, str]  # a node's name where a path arrives at it: a2[0]
    upper: dict[Value, str]  # its name where a path leaves it: z2[0] (the same node if linear)
    sample: dict[Value, int]
    built: list[Value]  # every z and a, in the order the forward pass made them

    def order(self) -> list[Value]:
        """The graph's nodes, parents first and C last, each z and a in the order it was built.

        Paths are listed in this order: sample by sample, then neuron 0, 1, ... of each later
        layer. An order searched from C alone would meet the output neurons in the order the
        loss formula uses them (cross_entropy uses the true class's logit first). So the search
        starts from a node made for it, whose parents are the built nodes in order and then C.
        """
        ahead = vsum([*self.built, self.cost])
        return topological_order(ahead)[:-1]


def _graph(model: ModelLike, X: Sequence[Sample], Y: Sequence[Target], loss: str) -> _Graph:
    """C for the batch, built neuron by neuron so that every a and z is known by its place."""
    if loss not in LOSSES:
        raise ValueError(f"explain: unknown loss {loss!r}; choose one of {sorted(LOSSES)}")
    check_loss_fits(model, loss)
    lower: dict[Value, str] = {}
    upper: dict[Value, str] = {}
    sample: dict[Value, int] = {}
    built: list[Value] = []
    preds: list[list[Value]] = []
    for i, x in enumerate(X):
        values: Sequence[float | Value] = as_floats(x, "sample", i)
        outputs: list[Value] = []
        for l, layer in enumerate(model.layers, start=1):
            outputs = []
            for j, neuron in enumerate(layer.neurons):
                a = neuron(values)
                z = a if neuron.activation == "linear" else a.parents[0]
                lower[a], upper[z], sample[a], sample[z] = f"a{l}[{j}]", f"z{l}[{j}]", i, i
                built += [z, a]
                outputs.append(a)
            values = outputs
        preds.append(outputs)
    targets = [target_vector(y, len(outputs), loss, i) for i, y in enumerate(Y)]
    cost = LOSSES[loss](preds, targets)
    return _Graph(cost, lower, upper, sample, built)


def _paths(graph: _Graph, ref: ParamRef, param: Value) -> Iterator[Path]:
    """The chain-rule paths of `graph` from C down to `param`, as the notes name the factors."""
    named = set(graph.lower) | set(graph.upper)
    paths = find_paths(graph.order(), param, named)
    for steps in paths.each():
        factors = []
        for step in steps:
            top = "C" if step.upper is graph.cost else (
                graph.upper.get(step.upper) or graph.lower[step.upper])
            if step.lower is param:
                bottom = ref.name
            else:
                bottom = graph.lower.get(step.lower) or graph.upper[step.lower]
            factors.append(Factor(f"d{top}/d{bottom}", step.factor))
            if step.lower in graph.lower and step.lower in graph.upper:  # a linear neuron: a = z
                a, z = graph.lower[step.lower], graph.upper[step.lower]
                factors.append(Factor(f"d{a}/d{z}", 1.0))
        yield Path(graph.sample[steps[-1].upper], tuple(factors))


def chain_paths(
    model: ModelLike, X: Sequence[Sample], Y: Sequence[Target], ref: ParamRef,
    loss: str = "half_mse",
) -> Iterator[Path]:
    """Every path from C back to the parameter `ref`, sample by sample, found lazily in the real
    graph of `Value`s (the order: sample, then the neuron taken in each later layer)."""
    _, param = find_param(model, ref)
    return _paths(_graph(model, X, Y, loss), ref, param)


def autograd_gradient(
    model: Model, X: Sequence[Sample], Y: Sequence[Target], param: Value, loss: str
) -> float:
    """param.grad after `backward()` of the `nn.losses` loss; every parameter's grad is reset."""
    for _, value in _parameters(model):
        value.grad = 0.0
    loss_fn = LOSSES[loss]
    preds = [model(as_floats(x, "sample", i)) for i, x in enumerate(X)]
    loss_fn(preds, list(Y)).backward()
    return param.grad


@dataclass(frozen=True)
class Explanation:
    """The paths to one parameter and three values of its gradient that must agree."""

    ref: ParamRef
    label: str
    loss: str
    m: int
    paths: list[Path]
    path_count: int
    path_sum: float | None
    manual: float
    autograd: float
    note: str = ""

    def agrees(self, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
        """Path sum (when there is one), manual and autograd within `rtol` of each other."""
        values = [self.manual, self.autograd]
        if self.path_sum is not None:
            values.append(self.path_sum)
        return all(math.isclose(v, self.autograd, rel_tol=rtol, abs_tol=atol) for v in values)

    def render(self) -> str:
        """The view as text: each path as a product of named factors, then the three sums."""
        name = self.ref.name + (f" ({self.label!r})" if self.label else "")
        lines = [
            f"dC/d{name}, loss {self.loss}, {self.m} sample(s): "
            f"{self.path_count} chain-rule path(s) from C to {self.ref.name}",
            "",
        ]
        for n, path in enumerate(self.paths, start=1):
            cells = [(f.name, f"{f.value:.6g}") for f in path.factors]
            widths = [max(len(a), len(b)) for a, b in cells]
            head = f"path {n} (sample {path.sample}): "
            lines.append(head + " * ".join(a.ljust(w) for (a, _), w in zip(cells, widths)))
            values = " * ".join(b.ljust(w) for (_, b), w in zip(cells, widths))
            lines.append(" " * (len(head) - 2) + "= " + values + f" = {path.product:.6g}")
        if len(self.paths) < self.path_count:
            lines.append(f"... {self.path_count - len(self.paths)} more path(s) not shown")
        if self.note:
            lines.append(self.note)
        lines.append("")
        if self.path_sum is None:
            lines.append(f"sum over paths:      not listed: {self.path_count} paths is more than "
                         "the limit; the deltas sum them layer by layer instead")
        else:
            lines.append(f"sum over paths:      {self.path_sum:+.17g}")
        l, j, k = self.ref.layer, self.ref.neuron, self.ref.index
        equation = f"delta{l}[{j}]" if k is None else f"delta{l}[{j}] * a{l - 1}[{k}]"
        lines.append(f"nn.manual (deltas):  {self.manual:+.17g}   "
                     f"= Σ over samples of {equation}")
        lines.append(f"autograd param.grad: {self.autograd:+.17g}")
        lines.append(
            "agree: all three match within 1e-9 relative" if self.agrees()
            else "DISAGREE: the values above differ by more than 1e-9 relative"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def explain(
    model: Model,
    X: Sequence[Sample],
    Y: Sequence[Target],
    which: str | Value | ParamRef | tuple[int, int, int | None],
    loss: str = "half_mse",
    max_paths: int = 12,
    sum_limit: int = 100_000,
) -> Explanation:
    """List the chain-rule paths to one parameter and compare their sum with manual and autograd.

    A target holds one number per output; for cross_entropy it may be the class index instead.
    A loss that cannot score the model's outputs (`nn.compare.check_loss_fits`) raises
    ValueError before anything is computed. Shows at most `max_paths` paths; sums every path
    only if there are at most `sum_limit`. Runs `backward()` on the model, so every parameter's
    `grad` is overwritten.
    """
    ref, param = find_param(model, which)
    check_loss_fits(model, loss)
    weight_grads, bias_grads = backprop(model, X, Y, loss)
    if ref.index is None:
        manual = bias_grads[ref.layer - 1][ref.neuron]
    else:
        manual = weight_grads[ref.layer - 1][ref.neuron][ref.index]
    count = path_count(model, ref, len(X))
    graph = _graph(model, X, Y, loss)
    paths = list(itertools.islice(_paths(graph, ref, param), max_paths))
    layers = list(model.layers)
    note = ""
    L = len(layers)
    output_activations = {n.activation for n in layers[-1].neurons}
    if loss == "bce" and output_activations == {"sigmoid"}:
        note = (f"bce reads a sigmoid's z{L}[j] itself (ln a = ln σ(z)): the first factor is "
                f"dC/dz{L}[j] = (a{L}[j] - t[j])/m, the shortcut nn.manual uses")
    elif loss == "cross_entropy" and output_activations == {"linear"}:
        note = (f"softmax with cross-entropy: the first factor is dC/dz{L}[j] = "
                f"(softmax(z{L})[j] - y[j])/m (a linear output's a{L} is its z{L}), the "
                "shortcut nn.manual uses")
    elif loss == "cross_entropy":
        note = (f"cross_entropy reads the outputs a{L} as logits: the first factor is "
                f"dC/da{L}[j] = (softmax(a{L})[j] - y[j])/m")
    path_sum = None
    if count <= sum_limit:
        path_sum = math.fsum(p.product for p in _paths(graph, ref, param))
    return Explanation(
        ref=ref,
        label=param.label,
        loss=loss,
        m=len(X),
        paths=paths,
        path_count=count,
        path_sum=path_sum,
        manual=manual,
        autograd=autograd_gradient(model, X, Y, param, loss),
        note=note,
    )


__all__ = [
    "Explanation",
    "Factor",
    "ParamRef",
    "Path",
    "autograd_gradient",
    "chain_paths",
    "explain",
    "find_param",
    "parse_param",
    "path_count",
]
