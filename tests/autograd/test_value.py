"""Value construction, what each op records, and the errors bad input gets."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autograd import Value, grad, topological_order


def test_a_leaf_holds_a_float_and_starts_with_zero_grad() -> None:
    v = Value(3, "x")
    assert (v.data, v.grad, v.label, v.op, v.parents, v.local_grads) == (3.0, 0.0, "x", "", (), ())
    assert type(v.data) is float


def test_any_real_number_is_data() -> None:
    assert Value(Fraction(1, 4)).data == 0.25
    assert (Value(1.0) + Fraction(1, 2)).data == 1.5


@pytest.mark.parametrize("bad", [True, False, "1.0", None, 1j, [1.0], (1.0,), {"x": 1}])
def test_non_numbers_are_refused_with_their_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


def test_a_value_of_a_value_says_what_to_do_instead() -> None:
    with pytest.raises(TypeError, match=r"use that Value itself, or Value\(v.data\)"):
        Value(Value(2.0))  # type: ignore[arg-type]


def test_a_label_must_be_text() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, 5)  # type: ignore[arg-type]


def test_repr_shows_label_data_and_grad() -> None:
    v = Value(2.5, "w")
    v.grad = -1.0
    assert repr(v) == "Value('w', data=2.5, grad=-1.0)"
    assert "op='*'" in repr(v * v)


def test_operands_are_kept_in_order_even_when_repeated() -> None:
    a, b = Value(2.0), Value(5.0)
    assert (a + a).parents == (a, a)
    assert (a - b).parents == (a, b)
    assert (b - a).local_grads == (1.0, -1.0)
    c = a * b  # dc/da = b, dc/db = a
    assert (c.parents, c.local_grads) == ((a, b), (5.0, 2.0))


def test_op_is_read_only() -> None:
    node = Value(2.0) * 3
    with pytest.raises(AttributeError):
        node.op = "+"  # type: ignore[misc]
    assert node.op == "* 3"


def test_numbers_are_folded_into_the_op() -> None:
    a = Value(4.0)
    cases = {
        "* 2": (a * 2, 8.0, 2.0),
        "2 -": (2 - a, -2.0, -1.0),
        "3 /": (3 / a, 0.75, -3.0 / 16.0),
        "** 2": (a**2, 16.0, 8.0),
        "2 **": (2**a, 16.0, 16.0 * math.log(2.0)),
        "1.5 +": (1.5 + a, 5.5, 1.0),
        "/ 4": (a / 4, 1.0, 0.25),
        "- 1": (a - 1, 3.0, 1.0),
    }
    for op, (node, data, local) in cases.items():
        assert (node.op, node.parents, node.data) == (op, (a,), data)
        assert node.local_grads == pytest.approx((local,), rel=1e-15)


@pytest.mark.parametrize(
    ("make", "data", "local"),
    [
        (lambda a, b: a + b, 1.0, (1.0, 1.0)),
        (lambda a, b: a - b, 5.0, (1.0, -1.0)),
        (lambda a, b: a * b, -6.0, (-2.0, 3.0)),
        (lambda a, b: a / b, -1.5, (-0.5, -0.75)),
        (lambda a, b: a**b, 1.0 / 9.0, (-2.0 / 27.0, (1.0 / 9.0) * math.log(3.0))),
    ],
)
def test_binary_ops_record_their_local_derivatives(make, data, local) -> None:  # type: ignore[no-untyped-def]
    a, b = Value(3.0), Value(-2.0)
    node = make(a, b)
    assert node.data == pytest.approx(data, rel=1e-15)
    assert node.local_grads == pytest.approx(local, rel=1e-15)


@pytest.mark.parametrize(
    ("name", "x", "data", "local"),
    [
        ("exp", 0.5, math.exp(0.5), math.exp(0.5)),
        ("log", 2.0, math.log(2.0), 0.5),
        ("tanh", 0.3, math.tanh(0.3), 1 - math.tanh(0.3) ** 2),
        ("sigmoid", 0.3, 1 / (1 + math.exp(-0.3)), math.exp(-0.3) / (1 + math.exp(-0.3)) ** 2),
        ("relu", -0.3, 0.0, 0.0),
        ("relu", 0.3, 0.3, 1.0),
        ("__abs__", -0.3, 0.3, -1.0),
        ("__neg__", 0.3, -0.3, -1.0),
    ],
)
def test_unary_ops_record_their_local_derivatives(
    name: str, x: float, data: float, local: float
) -> None:
    node = getattr(Value(x), name)()
    assert node.data == pytest.approx(data, rel=1e-14)
    assert node.local_grads == pytest.approx((local,), rel=1e-12)


@pytest.mark.parametrize("x", [-1000.0, -50.0, 50.0, 1000.0])
def test_sigmoid_and_tanh_are_finite_far_from_zero(x: float) -> None:
    for name in ("sigmoid", "tanh"):
        v = Value(x)
        out = getattr(v, name)()
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad)
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_kinks_take_pytorch_conventions() -> None:
    zero = Value(0.0)
    assert zero.relu().local_grads == (0.0,)
    assert abs(zero).local_grads == (0.0,)
    assert (zero**2).local_grads == (0.0,)
    assert (zero**0).local_grads == (0.0,)
    assert (zero ** Value(2.0)).local_grads == (0.0, 0.0)
    assert (Value(0.0) ** 0.5).local_grads == (math.inf,)


def test_the_slope_in_a_negative_base_exponent_is_nan_as_in_pytorch() -> None:
    base, exponent = Value(-2.0), Value(3.0)
    node = base**exponent  # (-2)^3 is real, but its slope in the exponent, -8 ln(-2), is not
    assert node.data == -8.0
    assert node.local_grads[0] == 12.0 and math.isnan(node.local_grads[1])


@pytest.mark.parametrize(
    ("expression", "error", "words"),
    [
        (lambda: Value(0.0).log(), ValueError, ["log", "0.0"]),
        (lambda: Value(-2.0).log(), ValueError, ["log", "-2.0"]),
        (lambda: Value(-8.0) ** 0.5, ValueError, ["**", "-8.0", "0.5"]),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, ["**", "-8.0"]),
        (lambda: (-8.0) ** Value(0.5), ValueError, ["**", "-8.0"]),
        (lambda: Value(1.0) / 0, ZeroDivisionError, ["/", "1.0"]),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, ["/"]),
        (lambda: 2.0 / Value(0.0), ZeroDivisionError, ["/", "2.0"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["**", "negative", "-1"]),
        (lambda: 0.0 ** Value(-2.0), ZeroDivisionError, ["**", "-2.0"]),
        (lambda: Value(710.0).exp(), OverflowError, ["exp", "710.0"]),
        (lambda: Value(10.0) ** 400, OverflowError, ["**", "10.0", "400"]),
    ],
)
def test_bad_arithmetic_raises_what_floats_raise_naming_op_and_value(
    expression, error, words  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(error) as raised:
        expression()
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize("other", ["2", None, [1.0], True, 1j])
def test_ops_with_non_numbers_raise_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Value(1.0) + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other * Value(1.0)  # type: ignore[operator]


NAN_OPS = {
    "+": lambda v: v + 1.0,
    "-": lambda v: 1.0 - v,
    "*": lambda v: v * 2.0,
    "/": lambda v: 1.0 / v,
    "**": lambda v: v**2,
    "** base": lambda v: 2.0**v,
    "neg": lambda v: -v,
    "abs": lambda v: abs(v),
    "exp": lambda v: v.exp(),
    "log": lambda v: v.log(),
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "relu": lambda v: v.relu(),
}


@pytest.mark.parametrize("op", sorted(NAN_OPS))
def test_nan_in_gives_nan_out(op: str) -> None:
    out = NAN_OPS[op](Value(math.nan))
    assert math.isnan(out.data)


class Tagged(Value):
    """A subclass, as a user might write one to carry extra information."""

    __slots__ = ("note",)


def test_subclasses_of_value_work_in_every_op() -> None:
    a, b = Value(1.5), Tagged(2.0)
    out = (a + b) * (b - a) / b + b**a + (-b).exp() + abs(b).log() + b.tanh() * b.sigmoid()
    out = out + b.relu() + 2.0 * b + 1.0 / b
    out.backward()
    h = 1e-6

    def f(x: float) -> float:
        return ((1.5 + x) * (x - 1.5) / x + x**1.5 + math.exp(-x) + math.log(abs(x))
                + math.tanh(x) / (1 + math.exp(-x)) + x + 2 * x + 1 / x)

    assert b.grad == pytest.approx((f(2.0 + h) - f(2.0 - h)) / (2 * h), rel=1e-7)
    assert b in topological_order(out)


def test_grad_works_through_a_node_whose_label_was_changed() -> None:
    def f(x: Value) -> Value:
        y = x * x
        y.label = "y"
        return y.sigmoid()

    s = 1 / (1 + math.exp(-4.0))
    assert grad(f)(2.0) == pytest.approx(s * (1 - s) * 4.0, rel=1e-14)
    assert grad(grad(f))(2.0) == pytest.approx(  # type: ignore[arg-type]
        s * (1 - s) * (1 - 2 * s) * 16.0 + s * (1 - s) * 2.0, rel=1e-12
    )
