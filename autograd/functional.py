"""Functions of functions: `grad`, `value_and_grad` and `hessian`, in the style of JAX.

`f` takes Values and returns a Value. `grad(f)` is a new function returning df/dx. Called with
numbers, it runs `f` on fresh leaves and walks the chain rule back from the result, and returns
numbers. Called with Values (as it is inside another `grad`), it returns Values in a graph, so
`grad(grad(f))` is the second derivative, and so on to any order. Either way it changes no
`.grad`: the gradients are kept apart (`autograd.backward.gradients`), so nothing leaks into the
Values `f` uses, and a gradient may be asked for inside `no_grad()`.

Each call differentiates only with respect to its own arguments, so a gradient taken inside
another one (an inner function that closes over an outer variable) counts only its own variable:

    >>> from autograd import grad
    >>> grad(lambda x: x * grad(lambda y: x * y)(x))(3.0)    # d/dx [x * x] = 2x
    6.0

The inner `grad` is called with `x`, a Value, so it returns a Value that the outer one can
differentiate; called with a number, it returns a number, a constant to the outer `grad`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.backward import gradients
from autograd.grad_mode import enable_grad
from autograd.value import Number, Operand, Value, real

Function = Callable[..., Value]
Result = Number | tuple[Number, ...]


def value_and_grad(f: Function) -> Callable[..., tuple[Number, Result]]:
    """`(f(*xs), grad(f)(*xs))` from one forward and one backward pass."""

    def value_and_gradient(*args: Operand) -> tuple[Number, Result]:
        if not args:
            raise TypeError("grad: the function needs at least one argument to differentiate")
        keep_graph = any(isinstance(x, Value) for x in args)
        # A node of this call's own for each argument (an identity node over a Value), so that
        # the paths end here and not at an outer call's inputs.
        inputs = [x + 0.0 if isinstance(x, Value) else Value(real(x, "grad")) for x in args]
        with enable_grad():
            out = _call(f, inputs)
        grads = gradients(out, inputs, create_graph=keep_graph)
        return (out if keep_graph else out.data), _one_or_all(grads)

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
        inputs = [Value(real(x, "hessian")) for x in args]
        with enable_grad():
            out = _call(f, inputs)
        first = gradients(out, inputs, create_graph=True)
        return [gradients(d, inputs) for d in first]

    return matrix


def _call(f: Function, inputs: list[Value]) -> Value:
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"grad: f must return a Value, got {type(out).__name__}: {out!r:.60}")
    return out


def _one_or_all(grads: Sequence[Number]) -> Result:
    return grads[0] if len(grads) == 1 else tuple(grads)


__all__ = ["grad", "hessian", "value_and_grad"]
