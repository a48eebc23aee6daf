"""Neurons, layers and multi-layer perceptrons, in the seeds' notation.

Layer l (counted from 1; layer 0 is the input) holds neurons j = 0, 1, ...; neuron j of layer l
has weights W[l][j][k], one per neuron k of layer l-1, and a bias b[l][j]:

    z[l][j] = Σ_k W[l][j][k] a[l-1][k] + b[l][j]        a[l][j] = f(z[l][j])

Each z is a single `weighted_sum` node (one node per neuron, not 2n; a layer makes all of its
nodes with `weighted_sums`, reading its inputs once), and f is the `Value` method
chosen when the neuron is built ("linear" adds no node). Parameters are labelled "L1.N0.w0",
"L1.N0.b", ..., so a diagram of the graph says which weight is which.

Initial weights are uniform in [-r, r] with r = sqrt(3 / nin) (variance 1/nin, so z starts with
roughly unit variance whatever the fan-in), r = sqrt(6 / nin) for relu (variance 2/nin: relu
zeroes half its inputs); biases start at 0. The same `seed` always gives the same network.
"""

# X names a list of samples, as in scikit-learn.
# ruff: noqa: N803

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value, weighted_sum
from autograd.ops import batch_layer_sums
from nn._rng import Seed, make_rng
from nn.activations import ACTIVATIONS, check_activation
from nn.module import Architecture, Inputs, Module


def init_limit(nin: int, activation: str) -> float:
    """r, the half-width of the uniform distribution that initial weights are drawn from."""
    return math.sqrt((6.0 if activation == "relu" else 3.0) / nin)


class Neuron(Module):
    """a = f(z), z = Σ_k w[k] x[k] + b: `nin` weights `w`, a bias `b` and an activation name."""

    def __init__(
        self, nin: int, activation: str = "sigmoid", *, seed: Seed = None, name: str = ""
    ) -> None:
        _check_size("nin", nin)
        self._activation = check_activation(activation)
        self._activate = ACTIVATIONS[activation]
        rng = make_rng(seed)
        prefix = f"{name}." if name else ""
        r = init_limit(nin, activation)
        self.w = [Value(rng.uniform(-r, r), f"{prefix}w{k}") for k in range(nin)]
        self.b = Value(0.0, f"{prefix}b")
        self._set_parameters([*((f"w{k}", w) for k, w in enumerate(self.w)), ("b", self.b)])

    @property
    def activation(self) -> str:
        """The activation's name: "sigmoid", "tanh", "relu" or "linear"."""
        return self._activation

    @property
    def nin(self) -> int:
        """How many inputs the neuron takes."""
        return len(self.w)

    def __call__(self, x: Inputs) -> Value:
        _check_inputs(x, len(self.w), "Neuron")
        z = weighted_sum(self.w, x, self.b)
        f = self._activate
        return z if f is None else f(z)

    def architecture(self) -> Architecture:
        return {"kind": "Neuron", "nin": self.nin, "activation": self._activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self._activation!r})"


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
        _check_size("nin", nin)
        _check_size("nout", nout)
        self._activation = check_activation(activation)
        self._activate = ACTIVATIONS[activation]
        rng = make_rng(seed)
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, activation, seed=rng, name=f"{prefix}N{j}") for j in range(nout)
        ]
        self._weight_rows = [neuron.w for neuron in self.neurons]
        self._biases = [neuron.b for neuron in self.neurons]
        self._set_parameters(
            [
                (f"N{j}.{key}", p)
                for j, neuron in enumerate(self.neurons)
                for key, p in neuron._named_parameters
            ]
        )

    @property
    def activation(self) -> str:
        """The activation every neuron of the layer applies."""
        return self._activation

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
        return self.forward(_as_values(x))

    def forward_batch(self, X: Sequence[Inputs]) -> list[list[Value]]:
        return self.forward_all(_as_batch(X, self.nin, "Layer"))

    def forward(self, x: list[Value]) -> list[Value]:
        """The layer's outputs for inputs that are already checked `Value`s (the hot path)."""
        return self.forward_all([x])[0]

    def forward_all(self, batch: list[list[Value]]) -> list[list[Value]]:
        """`forward` for every sample of a batch, reading each weight's number once."""
        zs = batch_layer_sums(self._weight_rows, batch, self._biases)
        f = self._activate
        return zs if f is None else [list(map(f, z)) for z in zs]

    def architecture(self) -> Architecture:
        return {"kind": "Layer", "nin": self.nin, "nout": self.nout, "activation": self._activation}

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self._activation!r})"


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
        _check_size("nin", nin)
        if not isinstance(nouts, Sequence) or isinstance(nouts, str):
            raise TypeError(f"nouts must be a list of layer sizes like [16, 16, 1], got {nouts!r}")
        if not nouts:
            raise ValueError("nouts must list at least one layer size, e.g. [16, 16, 1]")
        for number, size in enumerate(nouts, start=1):
            _check_size(f"layer {number} size (nouts={list(nouts)})", size)
        self._activation = check_activation(activation)
        last = activation if output_activation is None else output_activation
        self._output_activation = check_activation(last)
        rng = make_rng(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(
                sizes[number - 1],
                sizes[number],
                self._activation if number < len(nouts) else self._output_activation,
                seed=rng,
                name=f"L{number}",
            )
            for number in range(1, len(sizes))
        ]
        self._set_parameters(
            [
                (f"L{number}.{key}", p)
                for number, layer in enumerate(self.layers, start=1)
                for key, p in layer._named_parameters
            ]
        )

    @property
    def activation(self) -> str:
        """The hidden layers' activation."""
        return self._activation

    @property
    def output_activation(self) -> str:
        """The last layer's activation (resolved: never None)."""
        return self._output_activation

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
        a = _as_values(x)
        for layer in self.layers:
            a = layer.forward(a)
        return a[0] if len(a) == 1 else a

    def forward_batch(self, X: Sequence[Inputs]) -> list[Value | list[Value]]:
        batch = _as_batch(X, self.nin, "MLP")
        for layer in self.layers:
            batch = layer.forward_all(batch)
        return [a[0] if len(a) == 1 else a for a in batch]

    def architecture(self) -> Architecture:
        return {
            "kind": "MLP",
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self._activation,
            "output_activation": self._output_activation,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self._activation!r}, "
            f"output_activation={self._output_activation!r})"
        )


def _check_size(what: str, n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be an int, got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"{what} must be at least 1, got {n}")


def _check_inputs(x: object, nin: int, who: str) -> None:
    try:
        n = len(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{who} takes a list of {nin} inputs (one sample), got {type(x).__name__}: {x!r}"
        ) from None
    if n != nin:
        raise ValueError(f"{who} expects {nin} inputs per sample, got {n}")


def _as_batch(X: Sequence[Inputs], nin: int, who: str) -> list[list[Value]]:
    """Every sample of `X` checked and wrapped, or an error naming the sample that is wrong."""
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        raise TypeError(
            f"{who}.forward_batch takes a list of samples, got {type(X).__name__}: {X!r}"
        )
    batch = []
    for i, x in enumerate(X):
        try:
            _check_inputs(x, nin, who)
            batch.append(_as_values(x))
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (sample {i} of the batch)") from None
    return batch


def _as_values(x: Inputs) -> list[Value]:
    """The inputs as Values, each number wrapped once (not once per neuron that reads it)."""
    return [v if type(v) is Value else Value(v) for v in x]  # type: ignore[arg-type]
