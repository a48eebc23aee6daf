"""The gradient of a loss three ways, and how far apart they are, layer by layer.

For a network and a batch, dC/dW and dC/db come from

    autograd      `backward()` through the graph of `Value`s,
    nn.manual     the four backpropagation equations in plain floats,
    central       (C(p + eps) - C(p - eps)) / (2 eps), one parameter at a time,

and `compare` reports, per layer, the largest absolute and relative difference of the last two
from autograd. A difference passes when |g - g_autograd| <= atol + rtol * |g_autograd|.

nn.manual and autograd do the same arithmetic in a different order, so they agree to rounding
(about 1e-16 relative); central differences carry an error of order eps^2 plus rounding / eps,
about 1e-10 absolute with eps = 1e-6, so they need a looser tolerance. `chainrule check` prints
these reports.
"""

# X and Y name a batch of samples and targets, as in the seeds.
# ruff: noqa: N806

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from autograd import Value, no_grad
from nn.layers import MLP
from nn.losses import LOSSES, Loss
from nn.manual import ModelLike, backprop

Batch = tuple[list[list[float]], list[list[float]]]
Tolerance = tuple[float, float]


@dataclass(frozen=True)
class Difference:
    """The largest |g - g_autograd| and |g - g_autograd| / |g_autograd| over some parameters."""

    abs: float
    rel: float
    failures: int

    @staticmethod
    def between(
        values: Sequence[float], reference: Sequence[float], atol: float, rtol: float
    ) -> Difference:
        """Compare `values` with `reference` entry by entry; count those outside the tolerance."""
        largest_abs = largest_rel = 0.0
        failures = 0
        for g, ref in zip(values, reference):
            diff = abs(g - ref)
            rel = diff / abs(ref) if ref != 0.0 else (0.0 if diff == 0.0 else float("inf"))
            largest_abs, largest_rel = max(largest_abs, diff), max(largest_rel, rel)
            if not diff <= atol + rtol * abs(ref):
                failures += 1
        return Difference(largest_abs, largest_rel, failures)


@dataclass(frozen=True)
class LayerReport:
    """One layer's parameters: nn.manual and central differences, each against autograd."""

    layer: int
    count: int
    manual: Difference
    central: Difference


def check_loss_fits(model: ModelLike, loss: str) -> None:
    """ValueError, before any work, when `loss` cannot score the outputs of `model`.

    cross_entropy turns k >= 2 outputs into the probabilities of k classes, so one output is not
    enough; bce takes the logarithm of a and of 1 - a, so every output must be a sigmoid, in
    (0, 1). Every other loss of the table scores any number of outputs of any activation.
    """
    _loss(loss)
    outputs = list(model.layers)[-1].neurons
    if loss == "cross_entropy" and len(outputs) < 2:
        raise ValueError(
            "cross_entropy needs one output per class, at least 2, but the last layer has 1 "
            "neuron; make the last layer 2 or more wide, or use bce with a sigmoid output"
        )
    activations = sorted({neuron.activation for neuron in outputs} - {"sigmoid"})
    if loss == "bce" and activations:
        raise ValueError(
            f"bce needs sigmoid outputs, not {', '.join(map(repr, activations))}: it takes ln a "
            "and ln(1 - a), so every output must be a probability in (0, 1)"
        )


def random_batch(model: MLP, m: int, loss: str, rng: random.Random) -> Batch:
    """m inputs uniform in [-1, 1] and targets that suit the loss.

    Targets are 0/1 for bce, -1/+1 for hinge, one-hot rows for cross_entropy, and uniform in
    [0, 1) for the squared errors.
    """
    outputs = len(model.layers[-1].neurons)
    X = [[rng.uniform(-1.0, 1.0) for _ in range(model.nin)] for _ in range(m)]
    if loss == "bce":
        Y = [[float(rng.randint(0, 1)) for _ in range(outputs)] for _ in range(m)]
    elif loss == "hinge":
        Y = [[rng.choice((-1.0, 1.0)) for _ in range(outputs)] for _ in range(m)]
    elif loss == "cross_entropy":
        classes = [rng.randrange(outputs) for _ in range(m)]
        Y = [[float(k == c) for k in range(outputs)] for c in classes]
    else:
        Y = [[rng.random() for _ in range(outputs)] for _ in range(m)]
    return X, Y


def parameters_by_layer(model: MLP) -> list[list[Value]]:
    """Each layer's parameters in the order W[j][0], W[j][1], ..., b[j], neuron j by neuron j."""
    return [[p for n in layer.neurons for p in (*n.w, n.b)] for layer in model.layers]


def compare(model: MLP, batch: Batch, loss: str, eps: float = 1e-6,
            manual_tol: Tolerance = (1e-14, 1e-10),
            central_tol: Tolerance = (1e-8, 1e-5)) -> list[LayerReport]:
    """The gradient of `loss` on `batch` three ways, per layer; tolerances are (atol, rtol).

    The model's parameters are left as they were; their `.grad` holds autograd's gradient.
    A loss that cannot score the model's outputs raises ValueError first (`check_loss_fits`).
    """
    loss_fn = _loss(loss)
    check_loss_fits(model, loss)
    X, Y = batch
    params = parameters_by_layer(model)

    model.zero_grad()
    loss_fn([model(x) for x in X], Y).backward()
    by_autograd = [[p.grad for p in layer] for layer in params]

    weight_grads, bias_grads = backprop(model, X, Y, loss)
    by_manual = [
        [g for row, b in zip(w_l, b_l) for g in (*row, b)]
        for w_l, b_l in zip(weight_grads, bias_grads)
    ]

    by_central = [[_central_difference(model, p, loss_fn, batch, eps) for p in layer]
                  for layer in params]

    return [
        LayerReport(
            layer=l,
            count=len(auto),
            manual=Difference.between(man, auto, *manual_tol),
            central=Difference.between(cen, auto, *central_tol),
        )
        for l, (auto, man, cen) in enumerate(zip(by_autograd, by_manual, by_central), start=1)  # noqa: E741
    ]


def _central_difference(model: MLP, p: Value, loss_fn: Loss, batch: Batch, eps: float) -> float:
    """(C(p + eps) - C(p - eps)) / (2 eps), with p put back exactly as it was."""
    X, Y = batch
    start = p.data
    try:
        with no_grad():
            p.data = start + eps
            above = loss_fn([model(x) for x in X], Y).data
            p.data = start - eps
            below = loss_fn([model(x) for x in X], Y).data
    finally:
        p.data = start
    return (above - below) / (2.0 * eps)


def _loss(name: str) -> Loss:
    loss = LOSSES.get(name)
    if loss is None:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(map(repr, LOSSES))}")
    return loss


__all__ = [
    "Difference", "LayerReport", "Tolerance", "check_loss_fits", "compare", "parameters_by_layer",
    "random_batch",
]
