"""Loss functions C(preds, targets): one number saying how far the predictions are from the truth.

`preds` and `targets` hold one entry per sample; an entry is a `Value` or a float, or a list of
them (one per output neuron). With m samples, and a the prediction, t the target:

    sse            C = Σ (a - t)^2                      summed over samples and outputs
    mse            C = (1/m) Σ (a - t)^2
    half_mse       C = 1/(2m) Σ (a - t)^2                the seeds' choice: dC/da = (a - t)/m
    bce            C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)]     binary cross-entropy, a in [0, 1]
    hinge          C = (1/m) Σ max(0, 1 - t a)           t in {-1, +1}, a any real number
    cross_entropy  C = -(1/m) Σ ln softmax(z)[class]     z the k logits of a sample, k >= 2

`LOSSES` is the one table of losses: each entry is called as the loss (`LOSSES["bce"](preds,
targets)`) and carries its derivative worked out by hand, `slope(a, t, m)`, and its formulas as
one line of text, `math`. Each sum over samples is a single `autograd.sum` node, so a loss over a
batch adds few nodes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd import Value, sigmoid
from autograd import sum as vsum
from nn.data import class_index
from nn.probabilities import log_sigmoid, log_softmax, softmax

Scalar = Value | float
Entry = Scalar | Sequence[Scalar]
Loss = Callable[[Sequence[Entry], Sequence[Entry]], Value]
Slope = Callable[[Sequence[float], Sequence[float], int], list[float]]

BCE_EPS = 1e-12
"""bce clamps a prediction that no sigmoid made into [BCE_EPS, 1 - BCE_EPS]: ln 0 would be -inf,
and each term is then at most -ln(1e-12) ≈ 27.6. A clamped prediction is a constant, as in
`torch.clamp`, so it passes no gradient back; inside the clamp the gradient is exactly that of
PyTorch's `binary_cross_entropy`. A sigmoid's output is read from its logit instead, unclamped."""


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
    """C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)], with a in [0, 1] and t in [0, 1].

    A prediction made by a sigmoid, a = σ(z), is read from its logit z: ln a = ln σ(z) and
    ln(1 - a) = ln σ(-z), each finite for any z, and then dC/dz = (a - t)/m exactly (the third
    note's A - Y): the gradient never vanishes, however confidently wrong the prediction, where
    a rounded to 1.0 would have made da/dz = 0. Any other prediction (a number, a Value made some
    other way) is clamped into [BCE_EPS, 1 - BCE_EPS]; there dC/da = (a - t) / (a (1 - a) m).
    A NaN prediction gives a NaN loss.
    """
    terms: list[Scalar] = []
    for i, (a, t) in enumerate(_pairs(preds, targets, "bce")):
        a_data, t_data = _data(a), _data(t)
        if a_data < 0.0 or a_data > 1.0:
            raise ValueError(
                f"bce: prediction {a_data!r} (sample {i}) is outside [0, 1]; bce needs "
                "probabilities, e.g. from a sigmoid output layer"
            )
        if not 0.0 <= t_data <= 1.0:
            raise ValueError(f"bce: target {t_data!r} (sample {i}) is outside [0, 1]")
        if isinstance(a, Value) and sigmoid.made(a):
            terms.append(_log_likelihood_of_logit(a.parents[0], t))
            continue
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


def cross_entropy(preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
    """C = -(1/m) Σ_i Σ_j y_ij ln softmax(z_i)_j from logits z (linear outputs); dC/dz = (p - y)/m.

    Each prediction is a sample's k >= 2 logits; its target is the true class, as an index
    0..k-1 (3 or 3.0) or a one-hot list of k numbers (any list of k probabilities summing to 1
    is read the same way). With a class index only the term j = class is left: -ln p_class.
    Computed through `log_softmax`, it is finite with a finite gradient for any finite logits.

        >>> z = [Value(0.0), Value(math.log(3.0))]       # softmax(z) = (1/4, 3/4)
        >>> C = cross_entropy([z], [0])                  # class 0: C = -ln(1/4) = ln 4
        >>> C.backward()
        >>> round(C.data, 6), [round(v.grad, 6) for v in z]   # dC/dz = softmax(z) - y
        (1.386294, [-0.75, 0.75])
    """
    _check_batch(preds, targets, "cross_entropy")
    terms: list[Value] = []
    for i, (z, t) in enumerate(zip(preds, targets)):
        k = 1 if isinstance(z, (Value, int, float)) else len(z)
        if isinstance(z, (Value, int, float)) or k < 2:
            raise ValueError(
                f"cross_entropy: sample {i} has {k} output(s), but cross_entropy compares k >= 2 "
                "logits (one output per class); for one output use bce with a sigmoid"
            )
        y = _class_probabilities(t, k, i)
        log_p = log_softmax(z)
        terms.extend(lp if y_j == 1.0 else y_j * lp for y_j, lp in zip(y, log_p) if y_j != 0.0)
    return vsum(terms) / -len(preds)


@dataclass(frozen=True)
class LossEntry:
    """A loss in the `LOSSES` table: called, it is the loss; `slope` is its derivative by hand.

    `slope(a, t, m)` is dC/da for every output of one sample (`a` and `t` lists of floats, one per
    output, and m the number of samples in the batch); for cross_entropy `a` are the logits and
    `t` the one-hot target. `math` states both in one line.
    """

    name: str
    function: Loss
    slope: Slope
    math: str

    def __call__(self, preds: Sequence[Entry], targets: Sequence[Entry]) -> Value:
        return self.function(preds, targets)


def _bce_slope(a: Sequence[float], t: Sequence[float], m: int) -> list[float]:
    """-(t/a - (1 - t)/(1 - a))/m; 0 where a is clamped (beyond BCE_EPS of 0 or 1), as in `bce`."""
    slopes = []
    for a_j, t_j in _outputs(a, t):
        if a_j < 0.0 or a_j > 1.0:  # a NaN prediction passes, and gives NaN, as in `bce`
            raise ValueError(
                f"bce: prediction {a_j!r} is outside [0, 1]; bce needs probabilities, e.g. from "
                "a sigmoid output layer"
            )
        clamped = a_j < BCE_EPS or a_j > 1.0 - BCE_EPS
        slopes.append(0.0 if clamped else -(t_j / a_j - (1.0 - t_j) / (1.0 - a_j)) / m)
    return slopes


def _hinge_slope(a: Sequence[float], t: Sequence[float], m: int) -> list[float]:
    """-t/m where t a < 1, 0 where t a >= 1 (at the kink too, as relu's slope is), NaN for NaN."""
    slopes = []
    for a_j, t_j in _outputs(a, t):
        margin = t_j * a_j
        slopes.append(-t_j / m if margin < 1.0 else 0.0 if margin >= 1.0 else math.nan)
    return slopes


def _cross_entropy_slope(z: Sequence[float], y: Sequence[float], m: int) -> list[float]:
    """(softmax(z) - y)/m: the derivative with respect to each logit, y one-hot."""
    return [(p_j - y_j) / m for p_j, y_j in _outputs(softmax(list(z)), y)]


LOSSES: dict[str, LossEntry] = {
    entry.name: entry
    for entry in [
        LossEntry("sse", sse,
                  lambda a, t, m: [2.0 * (a_j - t_j) for a_j, t_j in _outputs(a, t)],
                  "C = Σ (a - t)^2;  dC/da = 2 (a - t)"),
        # (a - t)/m before the 2: 2 (a - t) overflows where the slope itself is a float
        LossEntry("mse", mse,
                  lambda a, t, m: [2.0 * ((a_j - t_j) / m) for a_j, t_j in _outputs(a, t)],
                  "C = (1/m) Σ (a - t)^2;  dC/da = 2 (a - t)/m"),
        LossEntry("half_mse", half_mse,
                  lambda a, t, m: [(a_j - t_j) / m for a_j, t_j in _outputs(a, t)],
                  "C = 1/(2m) Σ (a - t)^2;  dC/da = (a - t)/m"),
        LossEntry("bce", bce, _bce_slope,
                  "C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)];  dC/da = (a - t) / (a (1 - a) m)"),
        LossEntry("hinge", hinge, _hinge_slope,
                  "C = (1/m) Σ max(0, 1 - t a);  dC/da = -t/m where t a < 1, else 0"),
        LossEntry("cross_entropy", cross_entropy, _cross_entropy_slope,
                  "C = -(1/m) Σ ln softmax(z)[class];  dC/dz = (softmax(z) - y)/m"),
    ]
}


def get_loss(name: str) -> LossEntry:
    """The loss called `name`, or ValueError listing the names there are."""
    loss = LOSSES.get(name)
    if loss is None:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(map(repr, LOSSES))}")
    return loss


def _outputs(a: Sequence[float], t: Sequence[float]) -> list[tuple[float, float]]:
    """(a_j, t_j) for every output of one sample, for a slope; ValueError if the lengths differ."""
    if len(a) != len(t):
        raise ValueError(f"slope: {len(a)} outputs but {len(t)} targets; give one per output")
    return list(zip(a, t))


def _class_probabilities(t: Entry, k: int, i: int) -> list[float]:
    """The target of sample i as k probabilities: a class index one-hot, a list checked."""
    if isinstance(t, numbers.Real):
        c = class_index(t, k)
        if c is None:
            raise ValueError(
                f"cross_entropy: target {t!r} (sample {i}) is not a class index 0..{k - 1} "
                f"for {k} logits"
            )
        return [1.0 if j == c else 0.0 for j in range(k)]
    if isinstance(t, Value) or not isinstance(t, Sequence):
        raise TypeError(
            f"cross_entropy: target of sample {i} must be a class index or a list of {k} "
            f"numbers (one-hot), got {t!r}"
        )
    y = [_data(y_j) for y_j in t]
    if len(y) != k:
        raise ValueError(f"cross_entropy: sample {i} has {k} logits but {len(y)} targets")
    if not all(0.0 <= y_j <= 1.0 for y_j in y) or abs(math.fsum(y) - 1.0) > 1e-9:
        raise ValueError(
            f"cross_entropy: target {y!r} (sample {i}) is not one-hot: give numbers in [0, 1] "
            "that sum to 1, or the class index"
        )
    return y


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


def _log_likelihood_of_logit(z: Value, t: Scalar) -> Value:
    """t ln σ(z) + (1 - t) ln(1 - σ(z)), with ln(1 - σ(z)) = ln σ(-z).

    Both terms are always there, even for t = 0 or 1 (where one is 0 times a finite number), so
    the graph is the same whatever the targets: a training step with bce compiles whole.
    """
    return t * log_sigmoid(z) + (1.0 - t) * log_sigmoid(-z)


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
    _check_batch(preds, targets, loss)
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


def _check_batch(preds: Sequence[Entry], targets: Sequence[Entry], loss: str) -> None:
    if len(preds) != len(targets):
        raise ValueError(
            f"{loss}: {len(preds)} predictions but {len(targets)} targets; "
            "give one target per sample"
        )
    if not preds:
        raise ValueError(f"{loss}: no samples (preds and targets are empty)")
