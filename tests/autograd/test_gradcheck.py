"""numerical_grad and gradcheck: central differences as an independent check of backward()."""

from __future__ import annotations

import math

import pytest

from autograd import GradcheckError, Value, define_op, gradcheck, numerical_grad


def test_central_differences_of_a_known_function() -> None:
    # f(x, y) = x^2 y + sin-free closed form: df/dx = 2xy, df/dy = x^2
    estimate = numerical_grad(lambda x, y: x * x * y, [1.5, -2.0])
    assert estimate == pytest.approx([2 * 1.5 * -2.0, 1.5**2], rel=1e-8)


def test_gradcheck_passes_for_every_op() -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return (
            (x * y).tanh() / (z * z + 1.0)
            + 2**x
            + (y * y + 0.5) ** z
            + (z * z + 1).log()
            + x.sigmoid() * abs(y)
            + (x - 3.0).relu()
            + (-y).exp()
            - 1 / (x * x + 1)
        )

    assert gradcheck(f, [0.3, -0.8, 1.2])


def test_gradcheck_names_the_input_and_both_values_when_a_rule_is_wrong() -> None:
    square = define_op("square", lambda x: x * x, lambda x, out: (1.0,))  # 1, not 2x: wrong

    def wrong_square(x: Value) -> Value:
        return square(x)  # type: ignore[no-any-return]

    with pytest.raises(GradcheckError) as raised:
        gradcheck(wrong_square, [3.0])
    message = str(raised.value)
    assert "input 0" in message and "x0 = 3.0" in message
    assert "analytical gradient 1.0" in message and "numerical 6.0" in message


def test_numerical_grad_refuses_a_non_positive_step() -> None:
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(lambda x: x, [1.0], eps=0.0)


def test_gradcheck_needs_a_value_back() -> None:
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda x: math.pi, [1.0])  # type: ignore[arg-type,return-value]
