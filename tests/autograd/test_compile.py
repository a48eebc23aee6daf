"""autograd.compile: the generated code gives what value_and_grad gives, at any numbers.

The random programs of the oracle tests (every op, shared subexpressions, numbers on either side)
are compiled at one point and run at another, with extra steps for the fused ops and for ops
made with define_op. The engine is the reference: value_and_grad on the same program.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    TraceError,
    Value,
    compile,
    define_op,
    grad,
    sigmoid,
    value_and_grad,
    weighted_sum,
)
from autograd import sum as vsum
from tests.autograd.programs import OPS, Step, inputs
from tests.autograd.test_oracle_torch import CHAINRULE

sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))


# softplus(x) = ln(1 + e^x), computed stably with a branch (abs, max) and calls (math.log1p): a
# forward the compiler cannot write out, so the generated code calls it.
softplus = define_op(
    "softplus",
    lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    lambda x, out: (sigmoid(x),),
)


# Steps beyond the oracle's: the fused ops (numbers folded in among the operands) and user ops.
EXTRA: dict[str, tuple[int, Callable[[list[Any], float], Any]]] = {
    "sum": (3, lambda v, c: vsum([v[0], c, v[1], v[2]])),
    "weighted_sum": (4, lambda v, c: weighted_sum([v[0], c], [v[1], v[2]], v[3])),
    "sin": (1, lambda v, c: sin(v[0] * c)),
    "cos": (2, lambda v, c: cos(v[0]) * v[1]),
    "softplus": (1, lambda v, c: softplus(v[0] - c)),
}


@st.composite
def programs(draw: st.DrawFn, n_inputs: int = 3, max_steps: int = 10) -> list[Step]:
    """A random program over the oracle's ops and the extra ones, each equally likely."""
    arity = {name: entry[0] for name, entry in OPS.items()}
    arity.update((name, entry[0]) for name, entry in EXTRA.items())
    steps: list[Step] = []
    for i in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(arity)))
        operands = tuple(draw(st.integers(0, n_inputs + i - 1)) for _ in range(arity[name]))
        number = draw(st.floats(-3.0, 3.0, allow_nan=False).filter(lambda c: abs(c) > 1e-3))
        steps.append((name, operands, number))
    return steps


def function_of(program: list[Step]) -> Callable[..., Value]:
    """The program as a function of Values: the sum of every result no later step used."""

    def f(*xs: Value) -> Value:
        results: list[Any] = list(xs)
        used: set[int] = set()
        for name, operands, number in program:
            args = [results[i] for i in operands]
            if name in EXTRA:
                results.append(EXTRA[name][1](args, number))
            else:
                results.append(OPS[name][1](CHAINRULE, args, number))
            used.update(operands)
        out = results[-1]
        for i in range(len(xs), len(results) - 1):
            if i not in used:
                out = out + results[i]
        return out if isinstance(out, Value) else Value(out)

    return f


def same(a: float, b: float) -> bool:
    """Equal to the last bit (NaN equal to NaN): the generated code does the engine's arithmetic
    in the engine's order, so nothing is lost to rounding, far inside the 1e-12 asked for."""
    return a == b or (math.isnan(a) and math.isnan(b))


@settings(max_examples=150, deadline=None)
@given(programs(), inputs(), inputs())
def test_compiled_programs_equal_value_and_grad_elsewhere(
    program: list[Step], here: list[float], there: list[float]
) -> None:
    f = function_of(program)
    compiled = compile(f, *here)
    try:
        expected_value, expected_grads = value_and_grad(f)(*there)
    except ArithmeticError as error:  # a power that overflows: the same error, compiled
        with pytest.raises(type(error)) as raised:
            compiled(*there)
        assert str(raised.value) == str(error)
        return
    value, grads = compiled(*there)
    assert same(value, expected_value), (value, expected_value)
    assert isinstance(grads, tuple) and isinstance(expected_grads, tuple)
    assert all(same(a, b) for a, b in zip(grads, expected_grads)), (grads, expected_grads)


def test_the_source_is_the_chain_rule_written_out() -> None:
    compiled = compile(lambda x, y: (x * y).sigmoid() + x, 1.0, 2.0)
    lines = [line.strip() for line in compiled.source.splitlines()]
    assert "v2 = sigmoid(v1)" in lines
    assert "dv1 += v2 * (1.0 - v2) * dv2" in lines  # da/dz = a (1 - a), times dC/da
    assert "dx0 += x1 * dv1" in lines and "dx1 += x0 * dv1" in lines
    value, (dx, dy) = compiled(0.5, -1.0)
    s = 1.0 / (1.0 + math.exp(0.5))  # sigmoid(xy) at xy = -0.5
    assert value == pytest.approx(s + 0.5, rel=1e-15)
    assert (dx, dy) == pytest.approx((s * (1 - s) * -1.0 + 1.0, s * (1 - s) * 0.5), rel=1e-14)


def test_kinks_are_computed_from_the_data_not_fixed_by_the_trace() -> None:
    f = compile(lambda x: (x * 2.0).relu() + abs(x - 1.0), 3.0)  # traced where relu is on
    assert "if" in f.source and "<= 0.0" in f.source
    assert f(3.0) == (8.0, 3.0)
    assert f(-3.0) == (4.0, -1.0)  # relu off, |x - 1| sloping the other way
    assert f(0.0) == value_and_grad(lambda x: (x * 2.0).relu() + abs(x - 1.0))(0.0)


def test_one_argument_gives_one_gradient_and_many_give_a_tuple() -> None:
    assert compile(lambda x: x * x, 1.0)(3.0) == (9.0, 6.0)
    assert compile(lambda x, y: x * y, 1.0, 1.0)(3.0, 4.0) == (12.0, (4.0, 3.0))
    assert compile(lambda x, y: x * 2.0, 1.0, 1.0)(3.0, 4.0) == (6.0, (2.0, 0.0))  # y unused
    assert compile(lambda x: x, 1.0)(5.0) == (5.0, 1.0)


def test_labels_and_user_text_never_enter_the_source() -> None:
    nasty = ['a"; import os; os.system("echo hi") #', "b\nimport sys", "c'''", "{d}", "\\"]
    weights = [Value(0.5, label) for label in nasty]
    odd = define_op("x0\nimport os", lambda x: x * 2.0, lambda x, out: (2.0,))

    def f(x: Value) -> Value:
        y = Value(1.5, 'label = "; exec(input())')
        return vsum([odd(w * x) + y for w in weights])

    compiled = compile(f, 2.0)
    for text in [*nasty, "import", "exec", "os", "label", "\\"]:
        assert text not in compiled.source
    assert compiled(-1.0) == value_and_grad(f)(-1.0)


def test_values_it_closes_over_are_read_on_every_call_and_receive_gradients() -> None:
    w = Value(2.0, "w")
    compiled = compile(lambda x: (w * x).tanh(), 0.5)
    w.data = -1.0
    value, dx = compiled(0.5)
    assert value == math.tanh(-0.5)
    assert dx == pytest.approx(-(1.0 - math.tanh(-0.5) ** 2), rel=1e-15)
    assert w.grad == pytest.approx(0.5 * (1.0 - math.tanh(-0.5) ** 2), rel=1e-15)
    compiled(0.5)
    # added, as backward() adds
    assert w.grad == pytest.approx(2 * 0.5 * (1.0 - math.tanh(-0.5) ** 2), rel=1e-15)


def test_a_function_that_branches_on_the_data_is_refused() -> None:
    def branchy(x: Value) -> Value:
        return x * x if x.data > 0 else x * 3.0

    with pytest.raises(TraceError, match=r"different graph at other numbers.*branches on the"):
        compile(branchy, 1.0)

    def longer(x: Value) -> Value:
        for _ in range(int(abs(x.data)) + 1):
            x = x * 2.0
        return x

    with pytest.raises(TraceError, match="builds 2 nodes in one trace and 4"):
        compile(longer, 0.5)


def test_a_number_read_out_of_a_value_is_refused() -> None:
    with pytest.raises(TraceError, match="makes a Value from the numbers of its inputs"):
        compile(lambda x: x * Value(x.data * 2.0), 1.0)
    with pytest.raises(TraceError, match="different graph"):
        compile(lambda x: x * (x.data * 2.0), 1.0)  # the number is folded into the node
    compiled = compile(lambda x: x * Value(2.0), 1.0)  # a constant: the same every time
    assert compiled(4.0) == (8.0, 2.0)


def test_errors_inside_the_compiled_code_are_the_engine_errors() -> None:
    compiled = compile(lambda x: (x * 2.0).log() + 1.0 / x, 1.0)
    with pytest.raises(ValueError, match=r"log: input -2.0 <= 0"):
        compiled(-1.0)
    with pytest.raises(ZeroDivisionError, match=r"/: division by zero"):
        compile(lambda x: 1.0 / x, 1.0)(0.0)
    with pytest.raises(OverflowError, match="exp"):
        compile(lambda x: x.exp(), 1.0)(1000.0)


def test_nan_is_never_hidden() -> None:
    compiled = compile(lambda x: (x * x).relu().sigmoid() + abs(x), 1.0)
    value, grad_x = compiled(math.nan)
    assert math.isnan(value) and math.isnan(grad_x)


def test_a_gradient_of_zero_times_an_infinite_slope_is_nan_as_in_backward() -> None:
    """d(x^0.5)/dx is infinite at 0 and the gradient arriving there is 0: inf * 0 is NaN."""
    x = Value(0.0)
    (x**0.5 * 0.0).backward()
    assert math.isnan(x.grad)  # and PyTorch agrees: tests/autograd/test_special_values.py
    value, grad_x = compile(lambda v: v**0.5 * 0.0, 1.0)(0.0)
    assert value == 0.0 and math.isnan(grad_x)


def test_a_forward_that_tests_types_is_called_rather_than_written() -> None:
    # Written on code instead of numbers, this forward would take the wrong branch.
    double = define_op("double", lambda x: x * 2.0 if isinstance(x, float) else 0.0,
                       lambda x, out: (2.0,))
    compiled = compile(lambda x: double(x) * x, 3.0)
    assert "double(x0)" in compiled.source
    assert compiled(5.0) == (50.0, 20.0)


def test_compile_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="give example numbers"):
        compile(lambda x: x)
    with pytest.raises(TypeError, match="give the examples as numbers"):
        compile(lambda x: x, Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must return a Value"):
        compile(lambda x: 3.0, 1.0)  # type: ignore[arg-type, return-value]
    compiled = compile(lambda x, y: x * y, 1.0, 2.0)
    with pytest.raises(TypeError, match="takes 2 numbers, got 1"):
        compiled(1.0)
    with pytest.raises(TypeError, match="not Values"):
        compiled(Value(1.0), 2.0)
    from autograd import no_grad

    with no_grad(), pytest.raises(TraceError, match="no_grad"):
        compile(lambda x: x * x, 1.0)


def test_higher_order_functions_compile_too() -> None:
    # f'(x) of f(x) = x^3 sin(x), itself compiled: the graph of a derivative is a graph.
    def slope(x: Value) -> Value:
        return grad(lambda y: y * y * y * sin(y))(x)  # type: ignore[return-value]

    compiled = compile(slope, 0.3)
    for x in (0.3, -1.2, 2.5):
        assert compiled(x) == value_and_grad(slope)(x)


def test_local_grads_written_for_numbers_only_are_called() -> None:
    # This op's derivative branches on its operand, so it cannot run on Values (and grad(grad())
    # of it fails); first derivatives work in the engine, and so they do compiled.
    leaky = define_op("leaky", lambda x: x if x > 0.0 else 0.1 * x,
                      lambda x, out: (1.0 if x > 0.0 else 0.1,))
    f = compile(lambda x: leaky(x * x - 1.0) * x, 2.0)
    assert "leaky_local_grads(" in f.source
    for x in (2.0, 0.5, -3.0):
        assert f(x) == value_and_grad(lambda x: leaky(x * x - 1.0) * x)(x)


def test_the_docstring_example_runs() -> None:
    import doctest
    import importlib

    module = importlib.import_module("autograd.compile")  # autograd.compile is the function
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
