"""Functions of functions: `grad`, `value_and_grad` and `hessian`, in the style of JAX.

`f` takes Values and returns a Value. `grad(f)` is a new function returning df/dx. Called with
numbers it returns numbers; called with Values (as it is inside another `grad`) it returns Values
in a graph, so `grad(grad(f))` is the second derivative, and so on to any order.

Each call wraps its inputs in fresh nodes and differentiates only with respect to those, so a
gradient taken inside another (an inner function that closes over an outer variable) counts only
its own variable:

    >>> from autograd import grad
    >>> grad(lambda x: x * grad(lambda y: x * y)(x))(3.0)    # d/dx [x * x] = 2x
    6.0
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.backward import gradients
from autograd.value import Operand, Value

Function = Callable[..., Value]
Result = float | Value | tuple[float | Value, ...]

def _fresh(x: Operand) -> Value:
    """A new node for this call: a leaf for a number, an identity node over a Value."""
    if isinstance(x, Value):
        return x + 0  # an identity node: the same number, a node of this call's own
    return Value(x)


def _unwrap(values: list[Value], keep_graph: bool) -> tuple[float | Value, ...]:
    return tuple(values) if keep_graph else tuple(v.data for v in values)


def _call(f: Function, args: tuple[Operand, ...]) -> tuple[Value, list[Value], bool]:
    if not args:
        raise TypeError("grad: the function needs at least one argument to differentiate")
    keep_graph = any(isinstance(x, Value) for x in args)
    inputs = [_fresh(x) for x in args]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"grad: f must return a Value, got {type(out).__name__}: {out!r}")
    return out, inputs, keep_graph


def value_and_grad(f: Function) -> Callable[..., tuple[float | Value, Result]]:
    """`(f(*xs), grad(f)(*xs))` from one forward and one backward pass."""

    def value_and_gradient(*args: Operand) -> tuple[float | Value, Result]:
        out, inputs, keep_graph = _call(f, args)
        grads = _unwrap(gradients(out, inputs), keep_graph)
        value: float | Value = out if keep_graph else out.data
        return value, grads[0] if len(grads) == 1 else grads

    return value_and_gradient


def grad(f: Function) -> Callable[..., Result]:
    """df/dx: a float for one argument, a tuple of floats for several (Values if given Values)."""
    value_and_gradient = value_and_grad(f)

    def gradient(*args: Operand) -> Result:
        return value_and_gradient(*args)[1]

    return gradient


def hessian(f: Function) -> Callable[..., list[list[float]]]:
    """The matrix of second derivatives H[i][j] = d2f/dx_i dx_j, for a function of a few scalars."""

    def matrix(*args: float) -> list[list[float]]:
        inputs = [Value(x) for x in args]
        out = f(*inputs)
        first = gradients(out, inputs)
        return [[g.data for g in gradients(d, inputs)] for d in first]

    return matrix


__all__ = ["grad", "hessian", "value_and_grad"]
