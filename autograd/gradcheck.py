"""Checking gradients against central differences: df/dx ≈ (f(x + eps) - f(x - eps)) / (2 eps).

The error of a central difference shrinks like eps**2, so with eps = 1e-6 it agrees with the exact
derivative to about 1e-8 for smooth functions away from kinks (relu and abs at 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.backward import backward
from autograd.grad_mode import no_grad
from autograd.value import Value

Function = Callable[..., Value | float]


class GradcheckError(AssertionError):
    """An analytical gradient disagrees with central differences."""


def _evaluate(f: Function, xs: Sequence[float]) -> float:
    with no_grad():
        out = f(*(Value(x) for x in xs))
    return out.data if isinstance(out, Value) else float(out)


def numerical_grad(f: Function, xs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x_i + eps) - f(x_i - eps)) / (2 eps) for each input x_i."""
    if eps <= 0.0:
        raise ValueError(f"numerical_grad: eps must be positive, got {eps!r}")
    point = [float(x) for x in xs]
    result = []
    for i, x in enumerate(point):
        up = [*point[:i], x + eps, *point[i + 1 :]]
        down = [*point[:i], x - eps, *point[i + 1 :]]
        result.append((_evaluate(f, up) - _evaluate(f, down)) / (2.0 * eps))
    return result


def gradcheck(
    f: Callable[..., Value],
    xs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
) -> bool:
    """True if backward's gradient matches central differences at every input, else raise.

    The check for input i is |analytical - numerical| <= atol + rtol * |numerical|, as in
    `math.isclose`. The error names the input and both values.
    """
    inputs = [Value(float(x), f"x{i}") for i, x in enumerate(xs)]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}: {out!r}")
    backward(out)
    numerical = numerical_grad(f, xs, eps)
    for i, (x, estimate) in enumerate(zip(inputs, numerical)):
        if not abs(x.grad - estimate) <= atol + rtol * abs(estimate):
            raise GradcheckError(
                f"gradcheck: input {i} (x{i} = {x.data!r}): analytical gradient {x.grad!r} "
                f"but numerical {estimate!r} (difference {abs(x.grad - estimate):.3g}, "
                f"allowed {atol + rtol * abs(estimate):.3g})"
            )
    return True
