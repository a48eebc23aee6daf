"""Derivatives of derivatives: random graphs to third order against PyTorch and sympy."""

from __future__ import annotations

import math
from typing import Any

import pytest
import sympy
from hypothesis import example, given, settings

from autograd import Value, gradients
from tests.autograd.programs import Step, inputs, programs, run
from tests.autograd.test_oracle_sympy import SYMBOLS, SYMPY
from tests.autograd.test_oracle_torch import CHAINRULE, close, torch_namespace
from tests.conftest import require_torch


def chainrule_derivatives(program: list[Step], xs: list[float]) -> list[list[float]]:
    """[d out/d x_i, d2 out/d x0 d x_i, d3 out/d x0^2 d x_i] for every input i."""
    leaves = [Value(x) for x in xs]
    out = run(program, CHAINRULE, leaves)
    first = gradients(out, leaves, create_graph=True)
    second = gradients(first[0], leaves, create_graph=True)
    third = gradients(second[0], leaves, create_graph=True)
    return [[g.data for g in order] for order in (first, second, third)]


def torch_derivatives(torch: Any, program: list[Step], xs: list[float]) -> list[list[float]]:
    leaves = [torch.tensor(x, requires_grad=True) for x in xs]
    out = run(program, torch_namespace(torch), leaves)
    result = []
    target = out
    for _ in range(3):
        if not target.requires_grad:
            result.append([0.0] * len(xs))
            target = torch.tensor(0.0)
            continue
        grads = torch.autograd.grad(target, leaves, create_graph=True, allow_unused=True)
        result.append([0.0 if g is None else g.item() for g in grads])
        target = grads[0] if grads[0] is not None else torch.tensor(0.0)
    return result


ZERO_EXPONENT = (  # (x0^2 + 0.5) ** tanh(1 - x0) at x0 = 1: an exponent of exactly 0
    [("abs", (0,), 1.0), ("abs", (0,), 1.0), ("number_sub", (0,), 1.0), ("abs", (0,), 1.0),
     ("abs", (0,), 1.0), ("abs", (0,), 1.0), ("pow_value", (5, 0), 1.0)],
    [1.0, 1.0, 1.0],
)


@settings(max_examples=150, deadline=None)
@given(programs(max_steps=8), inputs())
@example(*ZERO_EXPONENT)
def test_orders_one_to_three_match_pytorch(program: list[Step], xs: list[float]) -> None:
    """Where PyTorch differs, sympy decides: at an exponent of exactly 0, PyTorch's slope of
    a ** b in a is a constant 0 (`where(b == 0, 0, ...)`), which loses its derivative in b, and
    its second and third derivatives there are wrong; chainrule's equal sympy's."""
    torch = require_torch()
    ours = chainrule_derivatives(program, xs)
    theirs = torch_derivatives(torch, program, xs)
    for order, (mine, other) in enumerate(zip(ours, theirs), start=1):
        for i, (a, b) in enumerate(zip(mine, other)):
            if not close(a, b, tol=1e-8):
                expected = sympy_derivative(program, xs, order, i)
                assert close(a, expected, tol=1e-8), (order, i, a, b, expected)


def sympy_derivative(program: list[Step], xs: list[float], order: int, i: int) -> float:
    """d^order out / d x0^(order - 1) d x_i at xs, by sympy (its DiracDelta at a kink read as 0,
    the flat slope of |x| and relu that PyTorch and chainrule both take)."""
    expression = run(program, SYMPY, list(SYMBOLS))
    derivative = sympy.diff(expression, *([SYMBOLS[0]] * (order - 1)), SYMBOLS[i])
    derivative = derivative.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    return float(derivative.evalf(subs=dict(zip(SYMBOLS, xs))))


@settings(max_examples=25, deadline=None)
@given(programs(max_steps=4), inputs())
@example([("abs", (0,), 1.0), ("number_sub", (0,), 1.0), ("abs", (4,), 1.0)], [1.0, 1.0, 1.0])
def test_orders_one_to_three_match_sympy(program: list[Step], xs: list[float]) -> None:
    ours = chainrule_derivatives(program, xs)
    for order, mine in enumerate(ours, start=1):
        for i, a in enumerate(mine):
            assert close(a, sympy_derivative(program, xs, order, i), tol=1e-8), (order, i)


def test_backward_with_create_graph_returns_gradients_as_values() -> None:
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    out = x * x * y + y.exp()
    grads = out.backward(create_graph=True)
    assert grads is not None
    assert (x.grad, y.grad) == pytest.approx((2 * 1.5 * -0.5, 1.5**2 + math.exp(-0.5)))
    dx = grads[x]  # 2xy, a Value in a graph of its own
    assert dx.data == x.grad
    dx.backward()  # d(2xy)/dx = 2y, d(2xy)/dy = 2x, accumulated onto the first pass
    assert (x.grad, y.grad) == pytest.approx((-1.5 + 2 * -0.5, 2.25 + math.exp(-0.5) + 3.0))


@pytest.mark.parametrize(
    ("make", "torch_make", "x"),
    [
        (lambda v: v**2, lambda t, v: v**2, 0.0),
        (lambda v: v ** Value(2.0), lambda t, v: v ** t.tensor(2.0), 0.0),
        (lambda v: v.relu(), lambda t, v: t.relu(v), 0.0),
        (lambda v: abs(v), lambda t, v: t.abs(v), 0.0),
        (lambda v: v**0, lambda t, v: v**0, 0.0),
    ],
)
def test_singular_points_take_pytorch_values(make, torch_make, x) -> None:  # type: ignore[no-untyped-def]
    torch = require_torch()
    v = Value(x)
    first = gradients(make(v), [v], create_graph=True)[0]
    second = gradients(first, [v], create_graph=True)[0]
    t = torch.tensor(x, requires_grad=True)
    (d1,) = torch.autograd.grad(torch_make(torch, t), t, create_graph=True)
    d2 = torch.autograd.grad(d1, t, allow_unused=True)[0] if d1.requires_grad else None
    assert first.data == d1.item()
    assert second.data == (0.0 if d2 is None else d2.item())


def test_a_gradient_graph_is_the_derivative_as_written_by_hand() -> None:
    """da/dw for a = sigmoid(w x) is a (1 - a) x: seven nodes, no multiplications by 1."""
    from autograd import topological_order

    w, x = Value(-0.8, "w"), Value(1.5, "x")
    a = (w * x).sigmoid()
    grads = a.backward(create_graph=True)
    assert grads is not None
    da_dw = grads[w]
    nodes = topological_order(da_dw)
    assert len(nodes) == 7  # w, x, w*x, a, 1 - a, a (1 - a), a (1 - a) x
    assert sorted(node.op for node in nodes) == sorted(["", "", "*", "sigmoid", "1 -", "*", "*"])
    assert da_dw.data == pytest.approx(a.data * (1 - a.data) * 1.5, rel=1e-15)
