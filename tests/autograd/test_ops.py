"""The fused ops give exactly the gradients of the graphs they replace."""

from __future__ import annotations

import random

import pytest

from autograd import Value, weighted_sum
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


def test_weighted_sum_folds_numbers_into_the_node() -> None:
    w = [Value(0.5), Value(-1.0)]
    z = weighted_sum(w, [2.0, 4], 0.25)
    assert z.data == 0.5 * 2 - 4 + 0.25
    assert z.parents == tuple(w) and z.local_grads == (2.0, 4.0)


def test_weighted_sum_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 weights but 2 inputs"):
        weighted_sum([Value(1.0)] * 3, [1.0, 2.0], 0.0)


def test_sum_is_one_node_with_numbers_folded() -> None:
    a, b = Value(1.5), Value(-2.0)
    total = vsum([a, 2.0, b, a, 3])
    assert (total.data, total.parents) == (1.5 + 2 - 2 + 1.5 + 3, (a, b, a))
    assert total.op == "sum(·, 2, ·, ·, 3)"
    total.backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


def test_sum_takes_an_iterable() -> None:
    with pytest.raises(TypeError, match="sum takes an iterable of Values and numbers, got int"):
        vsum(5)  # type: ignore[arg-type]


def test_sum_refuses_what_is_not_a_number() -> None:
    with pytest.raises(TypeError, match=r"sum.*str"):
        vsum([Value(1.0), "2"])  # type: ignore[list-item]
