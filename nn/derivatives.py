"""dC/da by hand for each loss, in plain floats, for nn.manual.

Each entry sits beside the definition of the loss it differentiates (DESIGN.md's), so a derivative
can be checked by hand in one place.
"""

from __future__ import annotations

from collections.abc import Callable

LossSlope = Callable[[float, float, int], float]


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


__all__ = ["LOSS_SLOPES", "LossSlope", "loss_slope"]
