"""Operations on many Values at once, each one node: `sum` and a neuron's `weighted_sum`.

A loss over 32 samples written as `a1 + a2 + ... + a32` is 31 nodes; `sum` makes it one node with
32 parents, each local derivative 1. A neuron's `w . x + b` is 2n nodes unfused; `weighted_sum`
makes it one, recording `x_k` for `w_k`, `w_k` for `x_k` and 1 for `b`. The gradients are exactly
those of the unfused graph; only the bookkeeping shrinks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import attrgetter

from autograd.rules import RULES
from autograd.value import Operand, Value, _number, as_value, node

_data = attrgetter("data")
_sum_forward = RULES["sum"].forward
_weighted_sum_forward = RULES["weighted_sum"].forward


def sum(values: Iterable[Operand], start: float = 0.0) -> Value:
    """z = start + Σ_i v_i as one node; plain numbers among `values` are folded into `start`."""
    parents: list[Value] = []
    constant = start
    for v in values:
        if type(v) is Value:
            parents.append(v)
            continue
        c = _number(v)
        if c is None:
            raise TypeError(f"sum: expected Values or numbers, got {type(v).__name__}: {v!r}")
        constant += c
    data, local = _sum_forward(list(map(_data, parents)), constant)
    op = "sum" if constant == 0.0 else f"sum{'+' if constant > 0 else ''}{constant!r}"
    return node(data, op, tuple(parents), local)


def _values(items: Sequence[Operand]) -> Sequence[Value]:
    """`items` itself when every entry is a Value (the common case, checked in C), else wrapped."""
    if all(map(isinstance, items, repeat(Value))):
        return items  # type: ignore[return-value]
    return tuple(map(as_value, items))


def weighted_sum(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand) -> Value:
    """z = Σ_k w_k x_k + b as one node with parents (w_0..w_{n-1}, x_0..x_{n-1}, b).

    Plain numbers become constant leaves, so every weight, input and the bias is a parent (and an
    input shows up in a diagram as a leaf of its own).
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs; they must match"
        )
    w = _values(weights)
    x = _values(inputs)
    b = bias if type(bias) is Value else as_value(bias)
    data, local = _weighted_sum_forward(list(map(_data, w)), list(map(_data, x)), b.data)
    return node(data, "wsum", (*w, *x, b), local)


__all__ = ["sum", "weighted_sum"]
