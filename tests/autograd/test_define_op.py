"""define_op: a user's op is an op like any other, to first order, to second order, in graphs."""

from __future__ import annotations

import math
from types import ModuleType

import pytest

from autograd import Value, define_op, grad, gradients, sigmoid, tanh

# The two lines a user writes to add sin and cos: forward and local derivative side by side, the
# derivative written with the other op so that it can be differentiated again.
sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))


def f(x: Value, y: Value) -> Value:
    return sin(x * y) * cos(x) + sin(sin(y))


def test_an_op_on_numbers_returns_a_float_and_on_a_value_a_node() -> None:
    assert sin(0.5) == math.sin(0.5) and type(sin(1)) is float
    x = Value(0.5, "x")
    node = sin(x)
    assert (node.data, node.op, node.parents) == (math.sin(0.5), "sin", (x,))
    assert node.local_grads == (math.cos(0.5),)


def test_built_in_ops_are_functions_of_numbers_too() -> None:
    assert sigmoid(0.0) == 0.5
    assert tanh(1.0) == math.tanh(1.0)


def test_sin_and_cos_match_pytorch_to_first_and_second_order(torch: ModuleType) -> None:
    point = (0.7, -1.3)
    x, y = (Value(v) for v in point)
    out = f(x, y)
    first = gradients(out, [x, y], create_graph=True)
    second = [gradients(g, [x, y], create_graph=True) for g in first]

    tx, ty = (torch.tensor(v, requires_grad=True) for v in point)
    tout = torch.sin(tx * ty) * torch.cos(tx) + torch.sin(torch.sin(ty))
    tfirst = torch.autograd.grad(tout, (tx, ty), create_graph=True)
    tsecond = [torch.autograd.grad(g, (tx, ty), retain_graph=True) for g in tfirst]

    assert out.data == pytest.approx(tout.item(), rel=1e-14)
    assert grad(f)(*point) == pytest.approx([g.item() for g in tfirst], rel=1e-13)
    for row, trow in zip(second, tsecond):
        assert [g.data for g in row] == pytest.approx([g.item() for g in trow], rel=1e-12)


def test_a_number_operand_is_folded_into_a_user_op() -> None:
    scale = define_op("scale", lambda a, c: a * c, lambda a, c, out: (c, a))
    x = Value(3.0)
    node = scale(x, 2.0)
    assert (node.data, node.parents, node.local_grads) == (6.0, (x,), (2.0,))
    assert node.op == "scale(·, 2)"
    assert grad(lambda v: scale(v, 2.0) * v)(3.0) == 12.0  # d/dv 2v^2 = 4v


def test_one_derivative_per_operand_or_a_clear_error() -> None:
    broken = define_op("broken", lambda a, b: a + b, lambda a, b, out: (1.0,))
    with pytest.raises(ValueError, match=r"broken: local_grads gave \(1.0,\).*operand \(2 here\)"):
        broken(Value(1.0), Value(2.0))
    bare = define_op("bare", lambda a: 2.0 * a, lambda a, out: 2.0)  # a number, not a tuple
    with pytest.raises(ValueError, match=r"bare: local_grads gave 2.0; it must give a tuple"):
        bare(Value(1.0))


def test_define_op_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="name"):
        define_op("", math.sin, lambda x, out: (1.0,))
    with pytest.raises(TypeError, match="functions"):
        define_op("sin", 3.0, lambda x, out: (1.0,))  # type: ignore[arg-type]


def test_a_forward_that_returns_no_real_number_is_refused_by_name() -> None:
    bad = define_op("complex_root", lambda a: a ** 0.5, lambda a, out: (0.5 / out,))
    with pytest.raises(TypeError, match="complex_root"):
        bad(Value(-4.0))


def test_a_user_op_compiles_and_calls_its_own_functions() -> None:
    from autograd import compile, value_and_grad

    compiled = compile(f, 0.7, -1.3)  # traced here, run at another point below
    assert compiled(0.2, 0.9) == value_and_grad(f)(0.2, 0.9)
    assert "sin(" in compiled.source and "cos(" in compiled.source


def test_finite_slopes_is_a_keyword_and_a_bool() -> None:
    with pytest.raises(TypeError, match="finite_slopes must be True or False, got 'yes'"):
        define_op("twice", lambda x: 2.0 * x, lambda x, y: (2.0,), finite_slopes="yes")  # type: ignore[arg-type]
    assert define_op("twice", lambda x: 2.0 * x, lambda x, y: (2.0,)).finite_slopes is False
