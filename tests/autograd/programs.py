"""Random expression graphs as small programs, run the same way in chainrule, PyTorch and sympy.

A program is a list of steps; each step applies one op to earlier results (any earlier result, so
subexpressions are shared and `a + a` happens) and appends the result. Inputs that could leave an
op's domain are first mapped into it (`log(a*a + 0.5)`, `(b*b + 0.5) ** tanh(a)`), so every program
is defined at every point and the comparison is about derivatives, not domain errors.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# Each op: (number of operands, a function of (ops namespace, operands, number)).
Step = tuple[str, tuple[int, ...], float]


@dataclass(frozen=True)
class Namespace:
    """How one library spells the elementary functions."""

    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    tanh: Callable[[Any], Any]
    sigmoid: Callable[[Any], Any]
    relu: Callable[[Any], Any]


OPS: dict[str, tuple[int, Callable[[Namespace, list[Any], float], Any]]] = {
    "add": (2, lambda ns, v, c: v[0] + v[1]),
    "sub": (2, lambda ns, v, c: v[0] - v[1]),
    "mul": (2, lambda ns, v, c: v[0] * v[1]),
    "div": (2, lambda ns, v, c: v[0] / (v[1] * v[1] + 0.5)),
    "add_number": (1, lambda ns, v, c: v[0] + c),
    "number_add": (1, lambda ns, v, c: c + v[0]),
    "sub_number": (1, lambda ns, v, c: v[0] - c),
    "number_sub": (1, lambda ns, v, c: c - v[0]),
    "mul_number": (1, lambda ns, v, c: v[0] * c),
    "number_mul": (1, lambda ns, v, c: c * v[0]),
    "div_number": (1, lambda ns, v, c: v[0] / (abs(c) + 0.5)),
    "number_div": (1, lambda ns, v, c: c / (v[0] * v[0] + 0.5)),
    "square": (1, lambda ns, v, c: v[0] ** 2),
    "cube": (1, lambda ns, v, c: v[0] ** 3),
    "sqrt": (1, lambda ns, v, c: (v[0] * v[0] + 0.5) ** 0.5),
    "pow_value": (2, lambda ns, v, c: (v[1] * v[1] + 0.5) ** ns.tanh(v[0])),
    "number_pow": (1, lambda ns, v, c: (abs(c) + 0.5) ** ns.tanh(v[0])),
    "neg": (1, lambda ns, v, c: -v[0]),
    "abs": (1, lambda ns, v, c: abs(v[0])),
    "exp": (1, lambda ns, v, c: ns.exp(ns.tanh(v[0]))),
    "log": (1, lambda ns, v, c: ns.log(v[0] * v[0] + 0.5)),
    "tanh": (1, lambda ns, v, c: ns.tanh(v[0])),
    "sigmoid": (1, lambda ns, v, c: ns.sigmoid(v[0])),
    "relu": (1, lambda ns, v, c: ns.relu(v[0])),
}


@st.composite
def programs(draw: st.DrawFn, n_inputs: int = 3, max_steps: int = 10) -> list[Step]:
    """A random program over `n_inputs` inputs; every op appears with equal chance."""
    steps: list[Step] = []
    for i in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(OPS)))
        arity = OPS[name][0]
        available = n_inputs + i
        operands = tuple(draw(st.integers(0, available - 1)) for _ in range(arity))
        number = draw(st.floats(-3.0, 3.0, allow_nan=False).filter(lambda c: abs(c) > 1e-3))
        steps.append((name, operands, number))
    return steps


def inputs(n: int = 3) -> st.SearchStrategy[list[float]]:
    """Input points away from the kinks of relu and abs at 0."""
    point = st.floats(-2.0, 2.0, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
    return st.lists(point, min_size=n, max_size=n)


def run(
    program: list[Step],
    ns: Namespace,
    xs: list[Any],
    results: list[Any] | None = None,
    enter_at: tuple[int, AbstractContextManager[object]] | None = None,
) -> Any:
    """The program's output: the sum of every result no later step consumed (so all are used).

    `results`, if given, receives the inputs and every step's result. `enter_at=(i, context)`
    enters `context` just before step i and leaves it after the output is made.
    """
    results = [] if results is None else results
    results.extend(xs)
    consumed: set[int] = set()
    with ExitStack() as stack:
        for step, (name, operands, number) in enumerate(program):
            if enter_at is not None and step == enter_at[0]:
                stack.enter_context(enter_at[1])
            results.append(OPS[name][1](ns, [results[i] for i in operands], number))
            consumed.update(operands)
        out = results[-1]
        for i in range(len(xs), len(results) - 1):
            if i not in consumed:
                out = out + results[i]
    return out
