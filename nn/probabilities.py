"""softmax: a network's k output logits z as k probabilities, and their logarithms; the same
for one logit through a sigmoid.

    softmax(z)_j     = e^{z_j} / Σ_k e^{z_k}
    log_softmax(z)_j = z_j - ln Σ_k e^{z_k}

Both are computed from the shifted logits s_j = z_j - M, with M = max_k z_k held as a constant:
softmax(z) = softmax(s) exactly, and every e^{s_j} lies in (0, 1], so nothing overflows and the
largest term of the sum is 1 (the log-sum-exp trick). Treating M as a constant changes no gradient,
because the shift cancels. So logits of ±1000 give finite probabilities and finite derivatives;
a NaN logit makes every output NaN.

Everything is built from `Value` arithmetic, `exp`, `log` and `autograd.sum`, so `backward()`
differentiates it like any other graph: d softmax(z)_j / dz_k = p_j ([j = k] - p_k).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

from autograd import Value, define_op, no_grad, sigmoid
from autograd import sum as vsum

Logit = Value | float


def _log_sigmoid(z: float) -> float:
    """ln σ(z) = -ln(1 + e^-z), with e^ taken of -|z| only, so it is finite for any finite z."""
    if z >= 0.0:
        return -math.log1p(math.exp(-z))
    return z - math.log1p(math.exp(z))


# y = ln σ(z);  dy/dz = 1 - σ(z) = σ(-z). bce reads a sigmoid output's ln a and ln(1 - a) from
# its logit with it: ln a = log_sigmoid(z), ln(1 - a) = log_sigmoid(-z).
log_sigmoid = define_op("log_sigmoid", _log_sigmoid, lambda z, y: (sigmoid(-z),),
                        finite_slopes=True)


# The first overload that matches wins, so a list of floats gives floats; mypy flags the overlap.
@overload
def softmax(logits: Sequence[float]) -> list[float]: ...  # type: ignore[overload-overlap]


@overload
def softmax(logits: Sequence[Logit]) -> list[Value]: ...


def softmax(logits: Sequence[Logit]) -> list[float] | list[Value]:
    """p_j = e^{z_j - M} / Σ_k e^{z_k - M}: probabilities that are positive and sum to 1.

    Plain numbers in, plain numbers out; if any logit is a `Value`, the probabilities are Values
    whose gradients flow back to the logits.

        >>> [round(p, 4) for p in softmax([1.0, 2.0, 3.0])]
        [0.09, 0.2447, 0.6652]
        >>> softmax([1000.0, -1000.0])       # e^1000 would overflow; e^(1000 - 1000) does not
        [1.0, 0.0]
    """
    _check(logits, "softmax")
    if any(isinstance(z, Value) for z in logits):
        return _probabilities(logits)
    with no_grad():
        return [p.data for p in _probabilities(logits)]


def log_softmax(logits: Sequence[Logit]) -> list[Value]:
    """ln p_j = (z_j - M) - ln Σ_k e^{z_k - M}; finite for any finite logits, unlike ln(softmax).

    `cross_entropy` is -ln p at the true class, read from here.
    """
    _check(logits, "log_softmax")
    shifted = _shifted(logits)
    log_total = vsum([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def _probabilities(logits: Sequence[Logit]) -> list[Value]:
    exps = [s.exp() for s in _shifted(logits)]
    total = vsum(exps)
    return [e / total for e in exps]


def _check(logits: object, who: str) -> None:
    if isinstance(logits, (str, bytes)) or not isinstance(logits, Sequence):
        raise TypeError(f"{who} takes a list of logits, got {type(logits).__name__}: {logits!r}")
    if not logits:
        raise ValueError(f"{who} takes a non-empty list of logits, got an empty one")


def _shifted(logits: Sequence[Logit]) -> list[Value]:
    """s_j = z_j - M, M = max_k z_k as a number (NaN when a logit is NaN, which then spreads)."""
    values = [z if isinstance(z, Value) else Value(z) for z in logits]
    numbers = [v.data for v in values]
    top = float("nan") if any(map(math.isnan, numbers)) else max(numbers)
    return [v - top for v in values]
