"""`compile(f, *example_args)`: trace `f` once, and run it from then on as straight-line Python.

A function of Values builds the same graph every time it runs, only the numbers change. So
`compile` runs `f` once on the example numbers, keeps the graph (`trace`), and writes it out as a
Python function: one line per node for the forward pass, then the backward pass, each gradient
the sum over the node's consumers of the local derivative times the consumer's gradient. Every
expression in it comes from the op's own rule (`expressions`, `program`); `compiled.source` is
the code, the chain rule written out:

    >>> from autograd import compile
    >>> f = compile(lambda x, y: (x * y).sigmoid() + x, 1.0, 2.0)
    >>> value, (df_dx, df_dy) = f(0.5, -1.0)       # what value_and_grad(f)(0.5, -1.0) gives
    >>> round(value, 6), round(df_dx, 6), round(df_dy, 6)
    (0.877541, 0.764996, 0.117502)

Running it creates no nodes, so it is many times faster than building the graph again. The price
is the one `jax.jit` asks: `f` must not branch on the data. An `if x.data > 0:` in `f` is taken
once, at the example numbers, and the code would follow that branch for every input. Kinks
written as ops (`relu`, `abs`) are fine: their branches are computed in the generated code.
`compile` traces `f` a second time at other numbers and refuses (`TraceError`) when the graph
differs, which catches such a branch when the other numbers take it; it cannot prove that no
input would.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any, cast

from autograd.backward import gradients
from autograd.compile.function import FUNCTION, write_function
from autograd.compile.trace import Trace, TraceError, check_other_numbers, trace
from autograd.functional import value_and_grad
from autograd.value import Value, real

Result = tuple[float, float | tuple[float, ...]]


class Compiled:
    """`f` compiled: `compiled(*numbers)` returns `(value, grads)` as `value_and_grad(f)` does.

    `grads` is a float for a function of one argument, a tuple of floats otherwise. Values that
    `f` uses besides its arguments are read afresh on every call (a model's weights), and receive
    their gradients in `.grad` (added, as `backward()` adds them). `source` is the generated code.
    """

    def __init__(self, f: Callable[..., Value], t: Trace) -> None:
        self.f = f
        self.arity = len(t.inputs)
        self.source, namespace = write_function(t)
        self._leaves = tuple(t.leaves)
        self._function = build(self.source, namespace, FUNCTION)

    def __call__(self, *numbers: float) -> Result:
        if len(numbers) != self.arity:
            raise TypeError(f"the compiled function takes {self.arity} numbers, "
                            f"got {len(numbers)}")
        xs = [x if type(x) is float else _number(x) for x in numbers]
        try:
            value, grads, leaf_grads = self._function(*xs, self._leaves)
        except Exception:  # run f itself, which raises the engine's own error
            failed = True
        else:
            failed = False
        if failed:
            return cast(Result, value_and_grad(self.f)(*xs))
        for leaf, g in zip(self._leaves, leaf_grads):
            leaf.grad += g
        return value, grads[0] if self.arity == 1 else grads

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"<compiled function of {self.arity} numbers: {lines} lines of Python>"

    def check(self, t: Trace) -> None:
        """Compare the generated code with the engine at the traced numbers; raise if they differ.

        A safety net under the rules' own expressions: the engine's gradients come from
        `autograd.gradients`, which leaves every `.grad` as it was.
        """
        value, grads, leaf_grads = self._function(*(x.data for x in t.inputs), self._leaves)
        engine = gradients(t.output, [*t.inputs, *self._leaves])
        for what, ours, theirs in [("value", value, t.output.data),
                                   *(("a gradient", a, b) for a, b in
                                     zip([*grads, *leaf_grads], engine))]:
            if not agrees(ours, theirs):
                raise RuntimeError(
                    f"compile: the generated code gives {ours!r} for {what} where the engine "
                    f"gives {theirs!r}; this is a bug in the compiler: please report it with f"
                )


def compile(f: Callable[..., Value], *example_args: float) -> Compiled:
    """Trace `f(*example_args)` and generate straight-line Python for its value and gradients.

    `f` takes Values and returns a Value. It runs a few times here (at the example numbers, then
    at others to check that the graph stays the same), never again. Raises `TraceError` when `f`
    builds another graph at other numbers (it branches on the data), and whatever `f` raises at
    the example numbers.
    """
    if not callable(f):
        raise TypeError(f"compile: f must be a function of Values, got {type(f).__name__}")
    if not example_args:
        raise TypeError("compile: give example numbers for f's arguments, e.g. compile(f, 1.0)")
    if any(isinstance(x, Value) for x in example_args):
        raise TypeError("compile: give the examples as numbers, e.g. compile(f, 1.0); compile "
                        "makes the Values itself")
    first = trace(f, example_args)
    check_other_numbers(f, first)
    compiled = Compiled(f, first)
    compiled.check(first)
    return compiled


def build(source: str, namespace: dict[str, object], name: str) -> Callable[..., Any]:
    """Compile the generated source once and return the function it defines."""
    scope = dict(namespace)
    exec(builtins.compile(source, "<chainrule compiled>", "exec"), scope)
    return cast(Callable[..., Any], scope[name])


def _number(x: object) -> float:
    if isinstance(x, Value):
        raise TypeError("a compiled function takes numbers, not Values; for derivatives of "
                        "derivatives use autograd.grad on the function itself")
    return real(x, "compiled")


def agrees(a: float, b: float) -> bool:
    """The compiled code's number and the engine's agree: equal to 1e-9 relative, or both NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


__all__ = ["Compiled", "TraceError", "agrees", "build", "compile"]
