"""Loss functions C(preds, targets): one number saying how far the predictions are from the truth.

`preds` and `targets` hold one entry per sample; an entry is a `Value` or a float, or a list of
them (one per output neuron). With m samples, and a the prediction, t the target:

    sse       C = Σ (a - t)^2                      summed over samples and outputs
    mse       C = (1/m) Σ (a - t)^2
    half_mse  C = 1/(2m) Σ (a - t)^2                the seeds' choice: dC/da = (a - t)/m
    bce       C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)]     binary cross-entropy, a in [0, 1]
    hinge     C = (1/m) Σ max(0, 1 - t a)            t in {-1, +1}, a any real number

Each sum over samples is a single `autograd.sum` node, so a loss over a batch adds few nodes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd import Value
from autograd import sum as vsum

Scalar = Value | float
Entry = Scalar | Sequence[Scalar]
Loss = Callable[[Sequence[Entry], Sequence[Entry]], Value]

BCE_EPS = 1e-12
"""bce clamps a into [BCE_EPS, 1 - BCE_EPS]: ln 0 would be -inf (a prediction of exactly 0 or 1,
which a saturated float sigmoid does give), and each term is then at most -ln(1e-12) ≈ 27.6.
A clamped prediction is a constant, as in `torch.clamp`, so it passes no gradient back; inside
the clamp the gradient is exactly that of PyTorch's `binary_cross_entropy`."""


def sse(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = Σ (a - t)^2 over samples and outputs; dC/da = 2 (a - t)."""
    return vsum(_squares(_pairs(preds, targets, "sse")))


def mse(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = (1/m) Σ (a - t)^2, m the number of samples; dC/da = 2 (a - t) / m."""
    pairs = _pairs(preds, targets, "mse")
    return vsum(_squares(pairs)) / len(preds)


def half_mse(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = 1/(2m) Σ (a - t)^2; the half cancels the 2 of the square: dC/da = (a - t) / m."""
    pairs = _pairs(preds, targets, "half_mse")
    return vsum(_squares(pairs)) / (2 * len(preds))


def bce(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)]; dC/da = (a - t) / (a (1 - a) m).

    Predictions must lie in [0, 1] (a sigmoid output) and are clamped into
    [BCE_EPS, 1 - BCE_EPS]; targets must lie in [0, 1]. Through a sigmoid the output delta is
    dC/dz = (a - t) / m (the seeds' simplification).
    """
    terms: list[Scalar] = []
    for i, (a, t) in enumerate(_pairs(preds, targets, "bce")):
        a_data, t_data = _data(a), _data(t)
        if not 0.0 <= a_data <= 1.0:
            raise ValueError(
                f"bce: prediction {a_data!r} (sample {i}) is outside [0, 1]; bce needs "
                "probabilities, e.g. from a sigmoid output layer"
            )
        if not 0.0 <= t_data <= 1.0:
            raise ValueError(f"bce: target {t_data!r} (sample {i}) is outside [0, 1]")
        if a_data < BCE_EPS:
            a = BCE_EPS
        elif a_data > 1.0 - BCE_EPS:
            a = 1.0 - BCE_EPS
        terms.append(_log_likelihood(a, t))
    return vsum(terms) / -len(preds)


def hinge(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = (1/m) Σ max(0, 1 - t a), t in {-1, +1}; dC/da = -t/m where t a < 1, else 0.

    Zero once every sample is on the right side of 0 with a margin of 1. Labels in {0, 1}
    become {-1, +1} with `2 * y - 1`.
    """
    terms: list[Value] = []
    for i, (a, t) in enumerate(_pairs(preds, targets, "hinge")):
        if not isinstance(t, Value) and t not in (1.0, -1.0):
            raise ValueError(
                f"hinge: target {t!r} (sample {i}) must be -1 or +1; map 0/1 labels with 2*y - 1"
            )
        a_value = a if isinstance(a, Value) else Value(a)
        if t == 1.0:
            terms.append((1.0 - a_value).relu())
        elif t == -1.0:
            terms.append((a_value + 1.0).relu())
        else:
            terms.append((1.0 - t * a_value).relu())
    return vsum(terms) / len(preds)


LOSSES: dict[str, Loss] = {
    "sse": sse,
    "mse": mse,
    "half_mse": half_mse,
    "bce": bce,
    "hinge": hinge,
}


def get_loss(name: str) -> Loss:
    """The loss function called `name`, or ValueError listing the names there are."""
    loss = LOSSES.get(name)
    if loss is None:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(map(repr, LOSSES))}")
    return loss


def _log_likelihood(a: Scalar, t: Scalar) -> Scalar:
    """t ln a + (1 - t) ln(1 - a), with only the term that survives when t is exactly 0 or 1."""
    if not isinstance(a, Value):
        t_data = _data(t)
        return t_data * math.log(a) + (1.0 - t_data) * math.log(1.0 - a)
    if not isinstance(t, Value):
        if t == 1.0:
            return a.log()
        if t == 0.0:
            return (1.0 - a).log()
    return t * a.log() + (1.0 - t) * (1.0 - a).log()


def _data(x: Scalar) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _squares(pairs: list[tuple[Scalar, Scalar]]) -> list[Scalar]:
    """(a - t)^2 for each pair, written d * d: one node, the same gradient 2d as d ** 2."""
    squares: list[Scalar] = []
    for a, t in pairs:
        d = a - t
        squares.append(d * d)
    return squares


def _pairs(
    preds: Sequence[Entry], targets: Sequence[Entry], loss: str
) -> list[tuple[Scalar, Scalar]]:
    """Every (prediction, target) pair, samples and outputs flattened, after checking the shapes."""
    if len(preds) != len(targets):
        raise ValueError(
            f"{loss}: {len(preds)} predictions but {len(targets)} targets; "
            "give one target per sample"
        )
    if not preds:
        raise ValueError(f"{loss}: no samples (preds and targets are empty)")
    pairs: list[tuple[Scalar, Scalar]] = []
    for i, (a, t) in enumerate(zip(preds, targets)):
        if isinstance(a, (Value, int, float)) and isinstance(t, (Value, int, float)):
            pairs.append((a, t))
            continue
        a_list = [a] if isinstance(a, (Value, int, float)) else list(a)
        t_list = [t] if isinstance(t, (Value, int, float)) else list(t)
        if len(a_list) != len(t_list):
            raise ValueError(
                f"{loss}: sample {i} has {len(a_list)} outputs but {len(t_list)} targets"
            )
        pairs.extend(zip(a_list, t_list))
    return pairs
