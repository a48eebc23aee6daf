"""An op's forward pass as an expression of generated code, taken from the op's own function.

The op's `forward` is run on `Code` operands (numbers folded into the node stay numbers), so
`lambda a, b: a * b` writes `a * b`, and `weighted_sum` writes `b + w0 * x0 + w1 * x1`, the sum in
the order the function adds. A branch on a condition (`0.0 if x <= 0.0 else x`, relu) is explored
both ways: the function is run once per path and the results become one conditional expression,
so a kink is computed from the data in the generated code, never fixed by the trace. When the
function does something that has no expression (calls `math.exp`, raises in a branch, asks for
`float(x)`), the generated code calls the function itself instead, by a name bound to it.

A written expression is checked once per kind of node against the number the op really computed
when the graph was traced; if they differ (a forward that tests `isinstance(x, float)`, say), the
code calls the function. Either way the generated line computes what the op computes.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.compile.code import (
    COMPARISON,
    Code,
    NotWritableError,
    as_code,
    call,
    conditional,
    deciding,
)
from autograd.value import Op

MAX_PATHS = 16  # a function with more paths through its branches is called, not written out
MAX_BRANCHES = 8  # ... and so is one that branches more often than this in a single run

Decisions = tuple[bool, ...]

# Names the generated code uses for itself; a function is never bound to one of them.
RESERVED = frozenset({"abs", "inf", "nan", "local"})


def write(function: Callable[..., Any], operands: Sequence[Code | float]) -> Code | None:
    """`function(*operands)` as one expression, or None when it cannot be written as one.

    Every path through the function's branches is run (at most MAX_PATHS); each comparison it
    branches on becomes the condition of a conditional expression.
    """
    results: dict[Decisions, Code] = {}
    conditions: dict[Decisions, Code] = {}
    to_explore: list[Decisions] = [()]
    while to_explore:
        if len(results) + len(to_explore) > MAX_PATHS:
            return None
        path = to_explore.pop()
        taken: list[bool] = []

        def decide(condition: Code, path: Decisions = path, taken: list[bool] = taken) -> bool:
            here = tuple(taken)
            known = conditions.setdefault(here, condition)
            if known.text != condition.text or len(taken) >= MAX_BRANCHES:
                raise NotWritableError("the branches are not the same on every run")
            if len(taken) < len(path):
                choice = path[len(taken)]
            else:  # a branch not met before: take it, and come back for the other way
                choice = True
                to_explore.append((*here, False))
            taken.append(choice)
            return choice

        token = deciding.set(decide)
        try:
            result = function(*operands)
            written = as_code(float(result) if type(result) is int else result)
        except Exception:  # any failure means: call the function instead
            return None
        finally:
            deciding.reset(token)
        if written.precedence == COMPARISON:  # a condition is a bool, not a number
            return None
        results[tuple(taken)] = written
    return _join((), results, conditions)


def _join(path: Decisions, results: dict[Decisions, Code], conditions: dict[Decisions, Code]
          ) -> Code:
    if path in results:
        return results[path]
    then = _join((*path, True), results, conditions)
    otherwise = _join((*path, False), results, conditions)
    return conditional(then, conditions[path], otherwise)


class Namespace:
    """The functions the generated code calls, each bound to a name, and its numeric names."""

    def __init__(self, reserved: set[str]) -> None:
        self.values: dict[str, object] = {"inf": math.inf, "nan": math.nan}
        self._taken = set(reserved) | set(RESERVED)
        self._of_op: dict[int, str] = {}
        self._checked: dict[tuple[object, ...], bool] = {}

    def bind(self, wanted: str, value: object) -> str:
        """A new name for `value`: `wanted` if it is a plain identifier and free, else `wanted_2`,
        ..., with "op" standing in for a name that is not a plain identifier (user text never
        becomes code)."""
        base = wanted if _plain(wanted) else "op"
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._taken.add(name)
        self.values[name] = value
        return name

    def function_of(self, op: Op) -> str:
        """The name the code calls `op.forward` by."""
        name = self._of_op.get(id(op))
        if name is None:
            # An operator's name ("**") is no identifier: its function's may be ("_power").
            function_name = getattr(op.forward, "__name__", "").lstrip("_")
            wanted = op.name if _plain(op.name) or not _plain(function_name) else function_name
            name = self._of_op[id(op)] = self.bind(wanted, op.forward)
        return name

    def forward(self, op: Op, operands: Sequence[Code | float], numbers: Sequence[float],
                result: float) -> Code:
        """The expression of `op` on `operands`: written out, or a call of its forward.

        `numbers` are the operands' values when the graph was traced and `result` what the op
        gave then; the first written expression of each kind of node is checked against them.
        """
        kind = (id(op), *(None if isinstance(x, Code) else x for x in operands))
        if kind not in self._checked:
            self._checked[kind] = _agrees(op, operands, numbers, result, self.values)
        written = write(op.forward, operands) if self._checked[kind] else None
        if written is None:
            return call(self.function_of(op), [as_code(x) for x in operands])
        return written


def _agrees(op: Op, operands: Sequence[Code | float], numbers: Sequence[float], result: float,
            namespace: dict[str, object]) -> bool:
    """Whether `op.forward` written on stand-in names gives `result` for the traced `numbers`."""
    stand_ins = [Code.name(f"_{i}") if isinstance(x, Code) else x for i, x in enumerate(operands)]
    written = write(op.forward, stand_ins)
    if written is None:
        return False
    values = {f"_{i}": n for i, (x, n) in enumerate(zip(operands, numbers)) if isinstance(x, Code)}
    try:
        value = eval(written.text, dict(namespace), values)  # our own expression
    except Exception:
        return False
    return same_number(value, result)


def same_number(a: object, b: float) -> bool:
    """a == b as floats, NaN equal to NaN."""
    if not isinstance(a, (int, float)) or isinstance(a, bool):
        return False
    return a == b or (math.isnan(a) and math.isnan(b))


def _plain(name: str) -> bool:
    return (name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
            and not name.startswith("_"))


__all__ = ["Namespace", "same_number", "write"]
