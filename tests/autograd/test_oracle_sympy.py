"""Random expressions differentiated symbolically by sympy, then evaluated, against backward()."""

from __future__ import annotations

import sympy
from hypothesis import given, settings

from autograd import Value, grad
from tests.autograd.programs import Namespace, Step, inputs, programs, run
from tests.autograd.test_oracle_torch import CHAINRULE, close

SYMPY = Namespace(
    exp=sympy.exp,
    log=sympy.log,
    tanh=sympy.tanh,
    sigmoid=lambda v: 1 / (1 + sympy.exp(-v)),
    relu=lambda v: sympy.Piecewise((v, v > 0), (0, True)),
)
SYMBOLS = sympy.symbols("x0 x1 x2", real=True)


@settings(max_examples=60, deadline=None)
@given(programs(max_steps=6), inputs())
def test_gradients_match_sympy_derivatives(program: list[Step], xs: list[float]) -> None:
    ours = [Value(x) for x in xs]
    out = run(program, CHAINRULE, ours)
    out.backward()

    expression = run(program, SYMPY, list(SYMBOLS))
    point = dict(zip(SYMBOLS, xs))
    assert close(out.data, float(expression.evalf(subs=point)))
    for symbol, x in zip(SYMBOLS, ours):
        derivative = sympy.diff(expression, symbol)
        assert close(x.grad, float(derivative.evalf(subs=point)), tol=1e-8), symbol


def test_seed_single_neuron_derivative_matches_sympy() -> None:
    """dE/dw for E = (a - T)^2 / 2, a = sigmoid(w a_prev + b): the first seed's chain."""
    w, b, a_prev, target = sympy.symbols("w b a_prev T", real=True)
    a = 1 / (1 + sympy.exp(-(w * a_prev + b)))
    error = (a - target) ** 2 / 2
    point = {w: 0.4, b: -0.3, a_prev: 0.9, target: 1.0}
    expected = float(sympy.diff(error, w).evalf(subs=point))

    def error_of(wv: Value) -> Value:
        return 0.5 * ((wv * 0.9 - 0.3).sigmoid() - 1.0) ** 2

    assert close(float(grad(error_of)(0.4)), expected, tol=1e-12)
