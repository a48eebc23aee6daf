"""The four equations of backpropagation, in plain Python floats.

This module never builds a `Value` graph. It reads the numbers out of a model (`w.data`, `b.data`)
and applies the chain rule the way it is written on paper, so its answers can be set beside
autograd's `param.grad` and compared digit for digit.

Notation (DESIGN.md): layers are numbered l = 1 .. L, and a0 is the input x.

    z_l = W_l a_{l-1} + b_l            a_l = f(z_l)           delta_l = dC/dz_l

    (1) delta_L = dC/da_L * f'(z_L)                        the error at the output
    (2) delta_l = (W_{l+1}^T delta_{l+1}) * f'(z_l)        the error one layer back
    (3) dC/db_l[j]    = delta_l[j]
    (4) dC/dW_l[j][k] = delta_l[j] * a_{l-1}[k]

`*` is element by element. With m samples, C is a sum over samples (each loss carries its 1/m),
so the gradient is the sum of the per-sample gradients: their average, for the averaged losses.
f and f' by hand come from the table in `nn.activations`, dC/da from the losses'. Python lists
count from 0: `weight_grads[l - 1]` is dC/dW_l, for `model.layers[l - 1]`.
"""

# The names are the notation: X, Y, L, T, a_L, dE_da, and l for a layer.
# ruff: noqa: N803, N806, E741

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autograd import Value
from nn.activations import get_activation
from nn.data import one_hot
from nn.losses import get_loss
from nn.module import LayerLike, ModelLike, NeuronLike

Number = float | int | Value
Sample = Sequence[Number] | Number
Target = Sequence[Number] | Number
WeightGrads = list[list[list[float]]]
BiasGrads = list[list[float]]


# ---------------------------------------------------------------------------------------------
# the forward pass, keeping every z and a


@dataclass(frozen=True)
class Trace:
    """One sample's forward pass: `a[l]` for l = 0 .. L (a[0] is x) and `z[l]` for l = 1 .. L.

    `z[0]` is an empty list, so the indices match the notation.
    """

    z: list[list[float]]
    a: list[list[float]]


def as_floats(entry: Sample | Target, what: str, i: int) -> list[float]:
    items: Sequence[Number] = entry if isinstance(entry, Sequence) else [entry]
    out = []
    for item in items:
        number = item.data if isinstance(item, Value) else item
        if not isinstance(number, (int, float)) or isinstance(number, bool):
            raise TypeError(f"nn.manual: {what} {i} holds {item!r}; expected numbers")
        out.append(float(number))
    return out


def target_vector(y: Target, outputs: int, loss: str, i: int) -> list[float]:
    """Sample i's target as one number per output; for cross_entropy a class index may stand for
    its one-hot list."""
    t = as_floats(y, "target", i)
    if loss == "cross_entropy" and len(t) == 1 and outputs > 1:
        return one_hot(t, outputs)[0]
    return t


def forward(model: ModelLike, x: Sequence[float]) -> Trace:
    """z_l = W_l a_{l-1} + b_l and a_l = f(z_l), layer by layer, from plain floats."""
    z: list[list[float]] = [[]]
    a: list[list[float]] = [list(x)]
    for layer in model.layers:
        z_l, a_l = [], []
        for neuron in layer.neurons:
            f = get_activation(neuron.activation).f
            if len(neuron.w) != len(a[-1]):
                raise ValueError(
                    f"nn.manual: layer {len(a)} expects {len(neuron.w)} inputs, "
                    f"got {len(a[-1])}"
                )
            total = neuron.b.data
            for w_jk, a_k in zip(neuron.w, a[-1]):
                total += w_jk.data * a_k
            z_l.append(total)
            a_l.append(f(total))
        z.append(z_l)
        a.append(a_l)
    return Trace(z, a)


def activation_slopes(model: ModelLike, trace: Trace) -> list[list[float]]:
    """f'(z_l[j]) = da_l[j]/dz_l[j] for l = 1 .. L (index 0 is an empty list), from a trace."""
    slopes: list[list[float]] = [[]]
    for layer, z_l, a_l in zip(model.layers, trace.z[1:], trace.a[1:]):
        slopes.append([
            get_activation(neuron.activation).slope(z, a)
            for neuron, z, a in zip(layer.neurons, z_l, a_l)
        ])
    return slopes


# ---------------------------------------------------------------------------------------------
# the four equations


def output_delta(
    loss: str, activations: Sequence[str], trace: Trace, t: Sequence[float], m: int
) -> list[float]:
    """Equation (1): delta_L[j] = dC/da_L[j] * f'(z_L[j]).

    dC/da_L is the loss's derivative by hand (`nn.losses.LOSSES[loss].slope`); for cross_entropy
    the outputs a_L are the logits, and with linear outputs delta_L = (softmax(a_L) - t)/m.
    For bce with sigmoid outputs the two factors are multiplied out by hand, as the third note
    does: -(t/a - (1 - t)/(1 - a)) * a(1 - a) = -[t(1 - a) - (1 - t) a] = a - t, so
    delta_L = (a - t)/m. That shortcut stays finite where a rounds to 0 or 1 and the factors
    alone would divide by zero; `nn.losses.bce` reads a sigmoid's output from its logit for the
    same reason, so autograd gives (a - t)/m there too.
    """
    z_L, a_L = trace.z[-1], trace.a[-1]
    if len(t) != len(a_L):
        raise ValueError(f"nn.manual: the model has {len(a_L)} outputs but a target has {len(t)}")
    if loss == "bce" and all(f == "sigmoid" for f in activations):
        return [(a_j - t_j) / m for a_j, t_j in zip(a_L, t)]
    dC_da = get_loss(loss).slope(a_L, t, m)
    return [
        dC_da_j * get_activation(f).slope(z_j, a_j)
        for dC_da_j, f, z_j, a_j in zip(dC_da, activations, z_L, a_L)
    ]


def hidden_delta(
    layer_above: LayerLike, delta_above: Sequence[float], activations: Sequence[str],
    z: Sequence[float], a: Sequence[float],
) -> list[float]:
    """Equation (2): delta_l[k] = (Σ_j W_{l+1}[j][k] delta_{l+1}[j]) * f'(z_l[k]).

    The sum over j is the transpose: neuron k of layer l feeds every neuron j of layer l+1, and
    its error collects what each of them passes back through the weight that joins them.
    """
    delta = []
    for k, (z_k, a_k) in enumerate(zip(z, a)):
        f_prime = get_activation(activations[k]).slope
        back = 0.0
        for neuron, delta_j in zip(layer_above.neurons, delta_above):
            back += neuron.w[k].data * delta_j
        delta.append(back * f_prime(z_k, a_k))
    return delta


def deltas(
    model: ModelLike, trace: Trace, t: Sequence[float], loss: str, m: int
) -> list[list[float]]:
    """delta_l for l = 1 .. L (index 0 is an empty list): equation (1), then (2) backwards."""
    layers = list(model.layers)
    names = [[n.activation for n in layer.neurons] for layer in layers]
    L = len(layers)
    result: list[list[float]] = [[] for _ in range(L + 1)]
    result[L] = output_delta(loss, names[L - 1], trace, t, m)
    for l in range(L - 1, 0, -1):
        result[l] = hidden_delta(layers[l], result[l + 1], names[l - 1], trace.z[l], trace.a[l])
    return result


def backprop(
    model: ModelLike, X: Sequence[Sample], Y: Sequence[Target], loss: str = "half_mse"
) -> tuple[WeightGrads, BiasGrads]:
    """The gradient of the loss over the batch (X, Y), by the four equations.

    Returns `(weight_grads, bias_grads)` with `weight_grads[l - 1][j][k]` = dC/dW_l[j][k] and
    `bias_grads[l - 1][j]` = dC/db_l[j]. Each sample contributes equations (3) and (4) with its
    own deltas; the 1/m of the loss makes the sum an average. `loss` names an entry of
    `nn.losses.LOSSES` (see `output_delta` for the bce shortcut). A target is a list with one
    number per output; for cross_entropy it may be a class index instead.

    """
    get_loss(loss)
    if len(X) != len(Y):
        raise ValueError(f"nn.manual: {len(X)} samples in X but {len(Y)} targets in Y")
    m = len(X)
    if m == 0:
        raise ValueError("nn.manual: the batch is empty; pass at least one sample")
    layers = list(model.layers)
    weight_grads = [[[0.0] * len(n.w) for n in layer.neurons] for layer in layers]
    bias_grads = [[0.0] * len(layer.neurons) for layer in layers]
    for i, (x, y) in enumerate(zip(X, Y)):
        trace = forward(model, as_floats(x, "sample", i))
        delta = deltas(model, trace, target_vector(y, len(trace.a[-1]), loss, i), loss, m)
        for l in range(1, len(layers) + 1):
            for j, delta_j in enumerate(delta[l]):
                bias_grads[l - 1][j] += delta_j                                # (3)
                row = weight_grads[l - 1][j]
                for k, a_k in enumerate(trace.a[l - 1]):
                    row[k] += delta_j * a_k                                    # (4)
    return weight_grads, bias_grads


__all__ = [
    "LayerLike",
    "ModelLike",
    "NeuronLike",
    "Sample",
    "Target",
    "Trace",
    "activation_slopes",
    "as_floats",
    "backprop",
    "deltas",
    "forward",
    "hidden_delta",
    "output_delta",
    "target_vector",
]
