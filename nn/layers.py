"""Neurons, layers and multi-layer perceptrons, in the seeds' notation.

Layer l (counted from 1; layer 0 is the input) holds neurons j = 0, 1, ...; neuron j of layer l
has weights W[l][j][k], one per neuron k of layer l-1, and a bias b[l][j]:

    z[l][j] = Σ_k W[l][j][k] a[l-1][k] + b[l][j]        a[l][j] = f(z[l][j])

A neuron's z is one `weighted_sum` node (one node per neuron, not 2n) and f an op from
`nn.activations` ("linear" adds no node). Nothing is cached: a neuron reads its weights every time
it is called, so a weight or bias replaced by hand (`neuron.b = Value(5.0)`) is what the next
forward pass, `parameters()` and `state_dict()` see. Parameters are labelled "L1.N0.w0", "L1.N0.b",
..., so a diagram says which weight is which.

Initial weights are uniform in [-r, r] with r = sqrt(3 / nin) (variance 1/nin, so z starts with
roughly unit variance whatever the fan-in), r = sqrt(6 / nin) for relu (variance 2/nin: relu
zeroes half its inputs); biases start at 0. The same `seed` always gives the same network.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

from autograd import Value, weighted_sum
from nn._rng import Seed, make_rng
from nn.activations import ACTIVATIONS, get_activation
from nn.module import Architecture, Inputs, Module
from nn.serialize import describe, load_document, read


def init_limit(nin: int, activation: str) -> float:
    """r, the half-width of the uniform distribution that initial weights are drawn from."""
    return math.sqrt((6.0 if activation == "relu" else 3.0) / nin)


class Neuron(Module):
    """a = f(z), z = Σ_k w[k] x[k] + b: `nin` weights `w`, a bias `b` and an activation name."""

    def __init__(
        self, nin: int, activation: str = "sigmoid", *, seed: Seed = None, name: str = ""
    ) -> None:
        _size("nin", nin)
        self.activation = get_activation(activation).name
        rng = make_rng(seed)
        prefix = f"{name}." if name else ""
        r = init_limit(nin, activation)
        self.w = [Value(rng.uniform(-r, r), f"{prefix}w{k}") for k in range(nin)]
        self.b = Value(0.0, f"{prefix}b")

    @property
    def nin(self) -> int:
        """How many inputs the neuron takes."""
        return len(self.w)

    def __call__(self, x: Inputs) -> Value:
        _check_inputs(x, self.nin, "Neuron")
        z = weighted_sum(self.w, x, self.b)
        return ACTIVATIONS[self.activation].f(z)  # type: ignore[no-any-return]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [*((f"w{k}", w) for k, w in enumerate(self.w)), ("b", self.b)]

    def architecture(self) -> Architecture:
        return {"kind": "Neuron", "nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs; calling it returns a list of `nout` Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        *,
        seed: Seed = None,
        name: str = "",
    ) -> None:
        _size("nin", nin)
        _size("nout", nout)
        get_activation(activation)
        rng = make_rng(seed)
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, activation, seed=rng, name=f"{prefix}N{j}") for j in range(nout)
        ]

    @property
    def activation(self) -> str:
        """The activation of the layer's neurons ("mixed" if they differ)."""
        names = {neuron.activation for neuron in self.neurons}
        return names.pop() if len(names) == 1 else "mixed"

    @property
    def nin(self) -> int:
        """How many inputs each neuron takes."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """How many neurons (outputs) the layer has."""
        return len(self.neurons)

    def __call__(self, x: Inputs) -> list[Value]:
        _check_inputs(x, self.nin, "Layer")
        x = as_values(x)
        return [neuron(x) for neuron in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"N{j}.{name}", p)
            for j, neuron in enumerate(self.neurons)
            for name, p in neuron.named_parameters()
        ]

    def architecture(self) -> Architecture:
        return {"kind": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` on `nin` inputs.

    Hidden layers apply `activation`, the last one `output_activation` (None: the same as
    `activation`). Called on one sample it returns a list of Values, or the single Value when the
    last layer has one neuron. `seed` makes the initial weights reproducible.

        >>> model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
        >>> round(model([0.5, -1.0]).data, 4)    # one output neuron: a Value, not a list
        0.4963
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        seed: Seed = None,
    ) -> None:
        _size("nin", nin)
        if not isinstance(nouts, Sequence) or isinstance(nouts, str):
            raise TypeError(f"nouts must be a list of layer sizes like [16, 16, 1], got {nouts!r}")
        if not nouts:
            raise ValueError("nouts must list at least one layer size, e.g. [16, 16, 1]")
        for number, size in enumerate(nouts, start=1):
            _size(f"layer {number} size (nouts={list(nouts)})", size)
        last = activation if output_activation is None else output_activation
        self.activation = get_activation(activation).name
        self.output_activation = get_activation(last).name
        rng = make_rng(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(
                sizes[number - 1],
                sizes[number],
                activation if number < len(nouts) else last,
                seed=rng,
                name=f"L{number}",
            )
            for number in range(1, len(sizes))
        ]

    @property
    def nin(self) -> int:
        """How many inputs a sample has."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The size of every layer, the output layer last."""
        return [layer.nout for layer in self.layers]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        _check_inputs(x, self.nin, "MLP")
        a = as_values(x)
        for layer in self.layers:
            a = layer(a)
        return a[0] if len(a) == 1 else a

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"L{number}.{name}", p)
            for number, layer in enumerate(self.layers, start=1)
            for name, p in layer.named_parameters()
        ]

    def architecture(self) -> Architecture:
        return {
            "kind": "MLP",
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )


_BUILDERS: dict[str, type[Module]] = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}
_FIELDS = {
    "Neuron": ("nin", "activation"),
    "Layer": ("nin", "nout", "activation"),
    "MLP": ("nin", "nouts", "activation", "output_activation"),
}
# A model is built only if it costs about what reading its file did: at most this many
# parameters more than the file holds. A file a few parameters short is then told which ones.
_SLACK = 10_000


def load_model(path: str | os.PathLike[str]) -> Module:
    """A new model built from the architecture in `path`, with the parameters saved there.

    Nothing is built until the architecture is one the constructors accept and the number of
    parameters it implies (arithmetic alone) is at most 10,000 more than the file holds: a
    200-byte file cannot make chainrule build a model of 10^10 Values.
    """
    document = read(path)
    where = os.fspath(path)
    arch = document["architecture"]
    kind = arch.get("kind")
    builder = _BUILDERS.get(kind) if isinstance(kind, str) else None
    if builder is None:
        raise ValueError(f"model file {where!r} holds an unknown kind {describe(kind)}")
    try:
        implied = _parameter_count(arch)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"model file {where!r} has a bad architecture {describe(arch)}: {error}"
        ) from None
    held = len(document["parameters"])
    if implied > held + _SLACK:
        count = f"{implied:,}" if implied < 10**18 else f"more than 10^{len(str(implied)) - 1}"
        raise ValueError(
            f"model file {where!r} holds {held:,} parameters, but its architecture "
            f"{describe(arch)} implies {count}"
        )
    model = builder(**{name: value for name, value in arch.items() if name != "kind"})
    load_document(document, model, path)  # names any parameter missing or unexpected
    return model


def _parameter_count(architecture: Mapping[str, object]) -> int:
    """How many parameters the module `architecture()` describes, by arithmetic alone.

    MLP(nin, nouts) has Σ_l (n[l-1] + 1) n[l] with n[0] = nin (a weight per input and a bias per
    neuron); Layer(nin, nout) (nin + 1) nout; Neuron(nin) nin + 1. The fields are checked as the
    constructors check them (TypeError or ValueError), and must be exactly those that
    `architecture()` writes.
    """
    kind = architecture.get("kind")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise ValueError(f"unknown kind {describe(kind)}; the kinds are {', '.join(_FIELDS)}")
    fields = _FIELDS[kind]
    missing = [name for name in fields if name not in architecture]
    extra = [name for name in architecture if name != "kind" and name not in fields]
    if missing or extra:
        raise ValueError(
            f"a {kind} has the fields {', '.join(fields)}; "
            f"missing {describe(missing)}, unexpected {describe(extra)}"
        )
    for name in fields:
        activation = architecture[name]
        if name.endswith("activation") and not (
            isinstance(activation, str) and activation in ACTIVATIONS
        ):  # get_activation would say the same, but print a value of any size in full
            raise ValueError(f"unknown {name} {describe(activation)}; choose one of "
                             f"{', '.join(map(repr, ACTIVATIONS))}")
    nin = _size("nin", architecture["nin"])
    if kind == "Neuron":
        return nin + 1
    if kind == "Layer":
        return (nin + 1) * _size("nout", architecture["nout"])
    nouts = architecture["nouts"]
    if not isinstance(nouts, list) or not nouts:
        raise TypeError(f"nouts must be a non-empty list of layer sizes, got {describe(nouts)}")
    return parameter_count(nin, [_size(f"layer {n} size", size)
                                 for n, size in enumerate(nouts, start=1)])


def parameter_count(nin: int, nouts: Sequence[int]) -> int:
    """How many parameters MLP(nin, nouts) has: each neuron a weight per input, and a bias."""
    sizes = [nin, *nouts]
    return sum((sizes[k - 1] + 1) * sizes[k] for k in range(1, len(sizes)))


def as_values(x: Inputs) -> list[Value]:
    """A sample's inputs as Values: each number becomes a leaf once, for every neuron to read."""
    return [v if isinstance(v, Value) else Value(v) for v in x]


def _size(what: str, n: object) -> int:
    """`n` if it is a whole number of at least 1; else TypeError or ValueError, one line long
    whatever `n` is (it may come from a file)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be an int, got {type(n).__name__}: {describe(n)}")
    if n < 1:
        raise ValueError(f"{what} must be at least 1, got {describe(n)}")
    return n


def _check_inputs(x: object, nin: int, who: str) -> None:
    try:
        n = len(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{who} takes a list of {nin} inputs (one sample), got {type(x).__name__}: {x!r:.60}"
        ) from None
    if n != nin:
        raise ValueError(f"{who} expects {nin} inputs per sample, got {n}")
