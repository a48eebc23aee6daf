"""The local derivatives nn.manual needs, in plain floats: f'(z) per activation, dC/da per loss.

Each entry sits beside the function it differentiates, so a derivative can be checked by hand in
one place. Nothing here builds a `Value` graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable

Activation = tuple[Callable[[float], float], Callable[[float, float], float]]
LossSlope = Callable[[float, float, int], float]


# ---------------------------------------------------------------------------------------------
# activations: a = f(z) and f'(z) side by side. f' takes both z and a, since the neat forms use a.


def sigmoid(z: float) -> float:
    """a = 1/(1 + e^-z), computed from e^-|z| so it never overflows."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


ACTIVATIONS: dict[str, Activation] = {
    # name:     (a = f(z),                  f'(z), given z and a)
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (math.tanh, lambda z, a: 1.0 - a * a),
    "relu": (lambda z: z if z > 0.0 else 0.0, lambda z, a: 1.0 if z > 0.0 else 0.0),
    "linear": (lambda z: z, lambda z, a: 1.0),
}



def activation_and_slope(name: str) -> Activation:
    """(f, f') for the activation called `name`, or ValueError."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"nn.manual: unknown activation {name!r}; known: {sorted(ACTIVATIONS)}"
        ) from None


# ---------------------------------------------------------------------------------------------
# losses: dC/da for one output of one sample, with m samples in the batch (DESIGN.md's definitions)


def _bce_slope(a: float, t: float, m: int) -> float:
    if not 0.0 < a < 1.0:
        raise ValueError(
            f"nn.manual: bce needs outputs strictly between 0 and 1 (log a and log(1 - a)), "
            f"got a = {a!r}; use a sigmoid output layer"
        )
    return -(t / a - (1.0 - t) / (1.0 - a)) / m


LOSS_SLOPES: dict[str, LossSlope] = {
    # C = (1/2m) Σ (a - t)^2        ->  dC/da = (a - t)/m
    "half_mse": lambda a, t, m: (a - t) / m,
    # C = (1/m) Σ (a - t)^2         ->  dC/da = 2 (a - t)/m
    "mse": lambda a, t, m: 2.0 * (a - t) / m,
    # C = Σ (a - t)^2               ->  dC/da = 2 (a - t)
    "sse": lambda a, t, m: 2.0 * (a - t),
    # C = -(1/m) Σ [t ln a + (1 - t) ln(1 - a)]   ->  dC/da = -(t/a - (1 - t)/(1 - a))/m
    "bce": _bce_slope,
    # C = (1/m) Σ max(0, 1 - t a)   ->  dC/da = -t/m where 1 - t a > 0, else 0
    "hinge": lambda a, t, m: -t / m if 1.0 - t * a > 0.0 else 0.0,
}


def loss_slope(loss: str, a: float, t: float, m: int) -> float:
    """dC/da for one output `a` with target `t`, in a batch of `m` samples."""
    try:
        slope = LOSS_SLOPES[loss]
    except KeyError:
        raise ValueError(
            f"nn.manual: unknown loss {loss!r}; known: {sorted(LOSS_SLOPES)}"
        ) from None
    return slope(a, t, m)


__all__ = [
    "ACTIVATIONS",
    "LOSS_SLOPES",
    "Activation",
    "LossSlope",
    "activation_and_slope",
    "loss_slope",
    "sigmoid",
]
