"""The fused ops give exactly the gradients of the graphs they replace."""

from __future__ import annotations

import random

import pytest

from autograd import Value, weighted_sum, weighted_sums
from autograd import sum as vsum


def test_weighted_sum_equals_the_unfused_neuron() -> None:
    rng = random.Random(7)
    for n in (1, 2, 5, 16):
        w = [Value(rng.uniform(-1, 1)) for _ in range(n)]
        x = [Value(rng.uniform(-2, 2)) for _ in range(n)]
        b = Value(rng.uniform(-1, 1))
        fused = weighted_sum(w, x, b).tanh()
        fused.backward()
        fused_grads = [v.grad for v in (*w, *x, b)]
        for v in (*w, *x, b):
            v.grad = 0.0
        unfused = b
        for wk, xk in zip(w, x):
            unfused = unfused + wk * xk
        unfused = unfused.tanh()
        unfused.backward()
        assert fused.data == pytest.approx(unfused.data, rel=1e-15, abs=1e-15)
        assert fused_grads == [v.grad for v in (*w, *x, b)]
        assert len(fused.parents[0].parents) == 2 * n + 1


def test_weighted_sum_records_each_partner_as_the_local_derivative() -> None:
    w, x, b = [Value(2.0), Value(3.0)], [Value(5.0), Value(7.0)], Value(1.0)
    z = weighted_sum(w, x, b)
    assert z.data == 2 * 5 + 3 * 7 + 1
    assert z.parents == (*w, *x, b)
    assert z.local_grads == (5.0, 7.0, 2.0, 3.0, 1.0)


def test_weighted_sum_makes_numbers_into_constant_leaves() -> None:
    w = [Value(0.5), Value(-1.0)]
    z = weighted_sum(w, [2.0, 4], 0.25)
    assert z.data == 0.5 * 2 - 4 + 0.25
    inputs = z.parents[2:4]
    assert [v.data for v in inputs] == [2.0, 4.0] and all(v.op == "" for v in inputs)


def test_weighted_sum_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 weights but 2 inputs"):
        weighted_sum([Value(1.0)] * 3, [1.0, 2.0], 0.0)


def test_sum_is_one_node_with_numbers_folded() -> None:
    a, b = Value(1.5), Value(-2.0)
    total = vsum([a, 2.0, b, a, 3])
    assert (total.data, total.op, total.parents) == (1.5 + 2 - 2 + 1.5 + 3, "sum+5.0", (a, b, a))
    total.backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


def test_sum_refuses_what_is_not_a_number() -> None:
    with pytest.raises(TypeError, match="str"):
        vsum([Value(1.0), "2"])  # type: ignore[list-item]


def test_weighted_sums_makes_one_weighted_sum_node_per_row() -> None:
    rng = random.Random(3)
    rows = [[Value(rng.uniform(-1, 1)) for _ in range(4)] for _ in range(3)]
    biases = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    x = [Value(rng.uniform(-1, 1)) for _ in range(4)]
    layer = weighted_sums(rows, x, biases)
    single = [weighted_sum(row, x, b) for row, b in zip(rows, biases)]
    for z, expected in zip(layer, single):
        assert (z.data, z.op, z.parents, z.local_grads) == (
            expected.data, expected.op, expected.parents, expected.local_grads
        )


def test_weighted_sums_checks_every_shape() -> None:
    with pytest.raises(ValueError, match="2 rows of weights but 1 biases"):
        weighted_sums([[Value(1.0)], [Value(1.0)]], [1.0], [0.0])
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        weighted_sums([[Value(1.0)], [Value(1.0), Value(2.0)]], [1.0], [0.0, 0.0])
