"""grad, value_and_grad and hessian, checked against sympy and PyTorch."""

from __future__ import annotations

import math

import sympy

from autograd import Value, grad, hessian, value_and_grad
from tests.autograd.test_oracle_torch import close
from tests.conftest import require_torch


def f(x: Value, y: Value) -> Value:
    return (x * y).tanh() + (x * x + 1.0).log() * y.exp() + x**3 / (y * y + 2.0)


def sympy_f() -> tuple[sympy.Expr, sympy.Symbol, sympy.Symbol]:
    x, y = sympy.symbols("x y", real=True)
    return sympy.tanh(x * y) + sympy.log(x * x + 1) * sympy.exp(y) + x**3 / (y * y + 2), x, y


POINT = (0.7, -0.4)


def test_grad_returns_a_float_for_one_argument_and_a_tuple_for_several() -> None:
    assert grad(lambda x: x * x)(3.0) == 6.0
    expression, x, y = sympy_f()
    point = {x: POINT[0], y: POINT[1]}
    dx, dy = grad(f)(*POINT)  # type: ignore[misc]
    assert close(dx, float(sympy.diff(expression, x).evalf(subs=point)))
    assert close(dy, float(sympy.diff(expression, y).evalf(subs=point)))


def test_value_and_grad_returns_both_from_one_pass() -> None:
    value, gradient = value_and_grad(lambda x: x.exp() * x)(1.0)  # x e^x, derivative (1 + x) e^x
    assert close(value, math.e)  # type: ignore[arg-type]
    assert close(gradient, 2 * math.e)  # type: ignore[arg-type]


def test_grad_composes_to_the_fourth_derivative() -> None:
    x = sympy.Symbol("x", real=True)
    expression = sympy.tanh(x) * sympy.exp(x / 2) + x**5
    function = grad(lambda v: v.tanh() * (v / 2).exp() + v**5)
    for order in range(1, 5):
        expected = float(sympy.diff(expression, x, order).evalf(subs={x: 0.3}))
        assert close(float(function(0.3)), expected, tol=1e-10), order  # type: ignore[arg-type]
        function = grad(function)  # type: ignore[arg-type]


def test_nested_grad_does_not_confuse_an_outer_variable_with_its_own() -> None:
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x; mixing the two would give 3x or x.
    assert grad(lambda x: x * grad(lambda y: x * y)(x))(3.0) == 6.0  # type: ignore[operator]
    # d/dx [d/dy (x + y) at y = x] = d/dx [1] = 0
    assert grad(lambda x: grad(lambda y: x + y)(x) * 1.0)(2.0) == 0.0  # type: ignore[operator]


def test_hessian_matches_sympy() -> None:
    expression, x, y = sympy_f()
    point = {x: POINT[0], y: POINT[1]}
    matrix = hessian(f)(*POINT)
    for i, a in enumerate((x, y)):
        for j, b in enumerate((x, y)):
            expected = float(sympy.diff(expression, a, b).evalf(subs=point))
            assert close(matrix[i][j], expected, tol=1e-10), (i, j)


def test_third_derivatives_match_pytorch_triple_backward() -> None:
    torch = require_torch()
    t = torch.tensor(0.3, requires_grad=True)
    out = torch.sigmoid(t) * torch.exp(t) + t**3 / (t * t + 1)
    (d1,) = torch.autograd.grad(out, t, create_graph=True)
    (d2,) = torch.autograd.grad(d1, t, create_graph=True)
    (d3,) = torch.autograd.grad(d2, t)

    def g(v: Value) -> Value:
        return v.sigmoid() * v.exp() + v**3 / (v * v + 1)

    assert close(float(grad(g)(0.3)), d1.item())  # type: ignore[arg-type]
    assert close(float(grad(grad(g))(0.3)), d2.item())  # type: ignore[arg-type]
    assert close(float(grad(grad(grad(g)))(0.3)), d3.item())  # type: ignore[arg-type]


def test_grad_of_grad_through_nodes_made_by_every_public_means() -> None:
    """Operators, methods, the op functions, sum, weighted_sum and a user's define_op."""
    from autograd import define_op, exp, sigmoid, tanh, weighted_sum
    from autograd import sum as value_sum

    cube = define_op("cube", lambda a: a * a * a, lambda a, out: (3.0 * a * a,))

    def f(x: Value) -> Value:
        parts = [x * x, 2.0 ** x, abs(x - 3.0), x.log(), -x / (x + 1.0), x.relu(), x.tanh()]
        return value_sum([*parts, weighted_sum([x, x], [x, 2.0], 1.0), exp(x), sigmoid(x),
                          tanh(x * 0.5), cube(x)])

    s = sympy.Symbol("s", positive=True)
    expression = (s * s + 2**s + (3 - s) + sympy.log(s) - s / (s + 1) + s + sympy.tanh(s)
                  + s * s + 2 * s + 1 + sympy.exp(s) + 1 / (1 + sympy.exp(-s))
                  + sympy.tanh(s / 2) + s**3)
    for order, function in enumerate([grad(f), grad(grad(f))], start=1):
        expected = float(sympy.diff(expression, s, order).evalf(subs={s: 0.8}))
        assert close(float(function(0.8)), expected, tol=1e-12), order  # type: ignore[arg-type]


def test_grad_at_numbers_changes_no_grad_of_the_values_it_closes_over() -> None:
    w = Value(2.0)
    assert grad(lambda x: x * w)(3.0) == 2.0
    assert w.grad == 0.0

    def outer(x: Value) -> Value:
        grad(lambda y: x * y)(2.0)  # an inner gradient at a number: a side computation
        return x * 1.0

    assert grad(outer)(3.0) == 1.0


def test_gradients_are_taken_inside_no_grad_too() -> None:
    from autograd import no_grad

    f = lambda x: x * x * x  # noqa: E731
    outside = (grad(f)(2.0), grad(grad(f))(2.0), hessian(lambda x, y: x * x * y)(1.0, 2.0))
    with no_grad():
        inside = (grad(f)(2.0), grad(grad(f))(2.0), hessian(lambda x, y: x * x * y)(1.0, 2.0))
    assert inside == outside == (12.0, 12.0, [[4.0, 2.0], [2.0, 0.0]])
