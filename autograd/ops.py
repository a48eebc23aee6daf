"""Operations on many Values at once, each one node: `sum` and a neuron's `weighted_sum`.

A loss over 32 samples written as `a1 + a2 + ... + a32` is 31 nodes; `sum` makes it one node with
32 parents, each local derivative 1. A neuron's `w . x + b` is 2n nodes unfused; `weighted_sum`
makes it one, recording `x_k` for `w_k`, `w_k` for `x_k` and 1 for `b`. The gradients are exactly
those of the unfused graph; only the bookkeeping shrinks.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import mul

from autograd.rules import RULES
from autograd.value import Operand, Value, _number, as_value, make

_sum_forward = RULES["sum"].forward
_add_floats = builtins.sum  # `sum` below is the one-node sum of Values


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
    data, local = _sum_forward([v.data for v in parents], constant)
    op = "sum" if constant == 0.0 else f"sum{'+' if constant > 0 else ''}{constant!r}"
    return make(data, op, (*parents, *local))


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
    return weighted_sums([weights], inputs, [bias])[0]


def weighted_sums(
    weights: Sequence[Sequence[Operand]], inputs: Sequence[Operand], biases: Sequence[Operand]
) -> list[Value]:
    """A layer's z_j = Σ_k W[j][k] x_k + b_j: one `weighted_sum` node per row of `weights`.

    The same nodes as calling `weighted_sum` row by row, but the inputs are checked and read once
    for the whole layer instead of once per neuron.
    """
    if len(weights) != len(biases):
        raise ValueError(
            f"weighted_sums: {len(weights)} rows of weights but {len(biases)} biases; "
            "they must match"
        )
    rows = [_values(row) for row in weights]
    return layer_sums(rows, _values(inputs), list(map(as_value, biases)))


def layer_sums(
    weights: Sequence[Sequence[Value]], inputs: Sequence[Value], biases: Sequence[Value]
) -> list[Value]:
    """`weighted_sums` for arguments that are Values already (a layer's own parameters).

    No type checks: this is the hot path of every forward pass through an `nn.Layer`.
    """
    return batch_layer_sums(weights, [inputs], biases)[0]


def batch_layer_sums(
    weights: Sequence[Sequence[Value]],
    batch: Sequence[Sequence[Value]],
    biases: Sequence[Value],
) -> list[list[Value]]:
    """`layer_sums` for every sample of a batch: each weight's number is read once per batch.

    The nodes are exactly those of calling `layer_sums` sample by sample (same parents, same
    local derivatives); reading `w.data` for every weight is most of a small layer's forward cost,
    and here it is paid once instead of once per sample.
    """
    if not batch:
        return []
    n = len(batch[0])
    for row in weights:
        if len(row) != n:
            raise ValueError(f"weighted_sum: {len(row)} weights but {n} inputs; they must match")
    # Comprehensions, not map(attrgetter("data")): the bytecode reads a slot faster than the
    # generic attribute lookup attrgetter makes from C.
    w_data = [[w.data for w in row] for row in weights]
    b_data = [b.data for b in biases]
    outputs = []
    for inputs in batch:
        x_data = [x.data for x in inputs]
        if len(x_data) != n:
            raise ValueError(
                f"weighted_sum: {n} weights but {len(x_data)} inputs; they must match"
            )
        z = []
        for row, w, b, b_number in zip(weights, w_data, biases, b_data):
            # rules.weighted_sum, inline: z = Σ_k w_k x_k + b with derivatives x, w and 1 put
            # straight into the node's edges rather than into a tuple of their own first.
            z.append(make(_add_floats(map(mul, w, x_data), b_number), "wsum",
                          (*row, *inputs, b, *x_data, *w, 1.0)))
        outputs.append(z)
    return outputs


__all__ = ["batch_layer_sums", "layer_sums", "sum", "weighted_sum", "weighted_sums"]
