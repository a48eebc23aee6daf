"""The table of differentiable operations: one entry per op, value and local derivatives together.

Every `Value` made by an operation remembers two things: its `parents` (the operands) and its
`local_grads`, the derivative of the result with respect to each parent, evaluated when the
operation ran. That is all backpropagation needs. The seed's single neuron, written this way:

    z = w * a_prev + b     "*" records (a_prev, w), "+" records (1, 1)
    a = sigmoid(z)         records a (1 - a)
    E = 0.5 * (a - T)**2   "-" records 1, "**2" records 2 (a - T), "*0.5" records 0.5

and `backward()` multiplies the factors along every path from E to w and sums over paths:
dE/dw = (a - T) * a (1 - a) * a_prev.

Each forward function takes plain floats and returns `(value, local_grads)`. The engine that walks
the graph (`autograd.backward`) knows nothing about any particular op. Each rule also states its
local derivatives as `Value` expressions (`symbolic`), used when a gradient must itself be
differentiated (`backward(create_graph=True)`, `grad(grad(f))`).

Errors are the ones Python raises for floats, with a message naming the op and the values.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from autograd.value import Value

Forward = tuple[float, tuple[float, ...]]
Local = Union["Value", float]
Symbolic = Callable[["Value", float | None], tuple[Local, ...]]

ONE: tuple[float, ...] = (1.0,)
ONE_ONE: tuple[float, ...] = (1.0, 1.0)
ONE_MINUS_ONE: tuple[float, ...] = (1.0, -1.0)
MINUS_ONE: tuple[float, ...] = (-1.0,)
ZERO: tuple[float, ...] = (0.0,)


@dataclass(frozen=True)
class Rule:
    """One operation: its name in the graph, its math, its forward pass and its derivatives.

    `symbol` is the `op` string of a node this rule makes; for a rule with a number folded in,
    the number's `repr` joins the symbol (`"*2"` is `a * 2`, `"2-"` is `2 - a`).
    """

    name: str
    symbol: str
    math: str
    forward: Callable[..., Forward]
    symbolic: Symbolic


def _power(base: float, exponent: float, op: str) -> float:
    """`base ** exponent` as a real number, or the exception Python raises for floats."""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(f"{op}: 0.0 cannot be raised to a negative power ({exponent!r})")
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError(
            f"{op}: negative base {base!r} to the non-integer power {exponent!r} has no real value"
        )
    try:
        return float(base**exponent)
    except OverflowError:
        raise OverflowError(f"{op}: {base!r} ** {exponent!r} overflows a float") from None


def _power_slope(base: float, exponent: float) -> float:
    """d(base ** c)/d(base) = c * base ** (c - 1); 0 when c = 0, +inf at base 0 with 0 < c < 1."""
    if exponent == 0.0:
        return 0.0
    if base == 0.0 and exponent < 1.0:
        return math.inf
    return exponent * float(base ** (exponent - 1.0))


def _log_slope(out: float, base: float, op: str) -> float:
    """d(base ** e)/d(e) = base ** e * log(base); 0 at base 0 (the limit, and PyTorch's choice)."""
    if base > 0.0:
        return out * math.log(base)
    if base == 0.0:
        return 0.0
    raise ValueError(
        f"{op}: the derivative with respect to the exponent is base ** e * log(base), and "
        f"log({base!r}) is not real; use a number exponent or a positive base"
    )


# ----------------------------------------------------------------------------------------------
# forward passes: plain floats in, (value, local derivatives) out


def add(a: float, b: float) -> Forward:
    """z = a + b;  dz/da = 1,  dz/db = 1."""
    return a + b, ONE_ONE


def add_const(a: float, c: float) -> Forward:
    """z = a + c;  dz/da = 1."""
    return a + c, ONE


def sub(a: float, b: float) -> Forward:
    """z = a - b;  dz/da = 1,  dz/db = -1."""
    return a - b, ONE_MINUS_ONE


def sub_const(a: float, c: float) -> Forward:
    """z = a - c;  dz/da = 1."""
    return a - c, ONE


def rsub_const(a: float, c: float) -> Forward:
    """z = c - a;  dz/da = -1."""
    return c - a, MINUS_ONE


def mul(a: float, b: float) -> Forward:
    """z = a * b;  dz/da = b,  dz/db = a."""
    return a * b, (b, a)


def mul_const(a: float, c: float) -> Forward:
    """z = a * c;  dz/da = c."""
    return a * c, (c,)


def div(a: float, b: float) -> Forward:
    """z = a / b;  dz/da = 1/b,  dz/db = -a/b**2 = -z/b."""
    if b == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({a!r} / {b!r})")
    z = a / b
    return z, (1.0 / b, -z / b)


def div_const(a: float, c: float) -> Forward:
    """z = a / c;  dz/da = 1/c."""
    if c == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({a!r} / {c!r})")
    return a / c, (1.0 / c,)


def rdiv_const(a: float, c: float) -> Forward:
    """z = c / a;  dz/da = -c/a**2 = -z/a."""
    if a == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({c!r} / {a!r})")
    z = c / a
    return z, (-z / a,)


def pow(a: float, b: float) -> Forward:
    """z = a ** b;  dz/da = b a**(b-1),  dz/db = z log(a)."""
    z = _power(a, b, "**")
    return z, (_power_slope(a, b), _log_slope(z, a, "**"))


def pow_const(a: float, c: float) -> Forward:
    """z = a ** c;  dz/da = c a**(c-1)."""
    return _power(a, c, "**"), (_power_slope(a, c),)


def rpow_const(a: float, c: float) -> Forward:
    """z = c ** a;  dz/da = z log(c)."""
    z = _power(c, a, "**")
    return z, (_log_slope(z, c, "**"),)


def neg(a: float) -> Forward:
    """z = -a;  dz/da = -1."""
    return -a, MINUS_ONE


def abs_(a: float) -> Forward:
    """z = |a|;  dz/da = sign(a) (0 at a = 0, as in PyTorch)."""
    if a > 0.0:
        return a, ONE
    if a < 0.0:
        return -a, MINUS_ONE
    return 0.0, ZERO


def exp(a: float) -> Forward:
    """z = e**a;  dz/da = z."""
    try:
        z = math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp: exp({a!r}) overflows a float (inputs above about 709.78 do)"
        ) from None
    return z, (z,)


def log(a: float) -> Forward:
    """z = ln a;  dz/da = 1/a."""
    if a <= 0.0:
        raise ValueError(f"log: input {a!r} <= 0; log is defined only for positive inputs")
    return math.log(a), (1.0 / a,)


def tanh(a: float) -> Forward:
    """z = tanh a;  dz/da = 1 - z**2."""
    z = math.tanh(a)
    return z, (1.0 - z * z,)


def sigmoid(a: float) -> Forward:
    """z = 1/(1 + e**-a);  dz/da = z (1 - z).  Never overflows: e** is taken of -|a| only."""
    if a >= 0.0:
        z = 1.0 / (1.0 + math.exp(-a))
    else:
        e = math.exp(a)
        z = e / (1.0 + e)
    return z, (z * (1.0 - z),)


def relu(a: float) -> Forward:
    """z = max(0, a);  dz/da = 1 if a > 0 else 0 (0 at a = 0, as in PyTorch)."""
    if a > 0.0:
        return a, ONE
    return 0.0, ZERO


def sum_(values: list[float], c: float) -> Forward:
    """z = c + sum_i v_i;  dz/dv_i = 1."""
    return sum(values, c), ONE * len(values)


def weighted_sum(weights: list[float], inputs: list[float], bias: float) -> Forward:
    """z = sum_k w_k x_k + b;  dz/dw_k = x_k,  dz/dx_k = w_k,  dz/db = 1.

    The parents are (w_0 .. w_{n-1}, x_0 .. x_{n-1}, b): one node for a neuron's whole weighted
    sum instead of 2n nodes, with exactly the gradients of the unfused graph. The hot path,
    `autograd.ops.batch_layer_sums`, writes these numbers straight into each node's edges.
    """
    return sum(map(operator.mul, weights, inputs), bias), (*inputs, *weights, 1.0)


# ----------------------------------------------------------------------------------------------
# local derivatives as Value expressions, for differentiating a gradient again.
# `node` is the result; `c` is the number folded into the op, where there is one.


def _constants(node: Value, c: float | None) -> tuple[Local, ...]:
    """Local derivatives that do not depend on any input: the recorded numbers themselves."""
    return node.local_grads


def _mul_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    a, b = node.parents
    return b, a


def _div_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    b = node.parents[1]
    return 1.0 / b, -node / b


def _rdiv_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    (a,) = node.parents
    return (-node / a,)


def _pow_slope_symbolic(a: Value, exponent: Local) -> Local:
    exponent_data = exponent if isinstance(exponent, float) else exponent.data
    if exponent_data == 0.0 or (a.data == 0.0 and exponent_data < 1.0):
        return _power_slope(a.data, exponent_data)
    return exponent * a ** (exponent - 1.0)


def _pow_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    a, b = node.parents
    log_slope: Local = node * a.log() if a.data > 0.0 else node.local_grads[1]
    return _pow_slope_symbolic(a, b), log_slope


def _pow_const_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    (a,) = node.parents
    assert c is not None
    return (_pow_slope_symbolic(a, c),)


def _rpow_const_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    assert c is not None
    return (node * math.log(c) if c > 0.0 else 0.0,)


def _exp_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    return (node,)


def _log_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    (a,) = node.parents
    return (1.0 / a,)


def _tanh_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    return (1.0 - node * node,)


def _sigmoid_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    return (node * (1.0 - node),)


def _weighted_sum_symbolic(node: Value, c: float | None) -> tuple[Local, ...]:
    parents = node.parents
    n = (len(parents) - 1) // 2
    return (*parents[n : 2 * n], *parents[:n], 1.0)


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("add", "+", "z = a + b;  dz/da = 1,  dz/db = 1", add, _constants),
        Rule("add_const", "+", "z = a + c;  dz/da = 1", add_const, _constants),
        Rule("sub", "-", "z = a - b;  dz/da = 1,  dz/db = -1", sub, _constants),
        Rule("sub_const", "-", "z = a - c;  dz/da = 1", sub_const, _constants),
        Rule("rsub_const", "-", "z = c - a;  dz/da = -1", rsub_const, _constants),
        Rule("mul", "*", "z = a * b;  dz/da = b,  dz/db = a", mul, _mul_symbolic),
        Rule("mul_const", "*", "z = a * c;  dz/da = c", mul_const, _constants),
        Rule("div", "/", "z = a / b;  dz/da = 1/b,  dz/db = -a/b^2", div, _div_symbolic),
        Rule("div_const", "/", "z = a / c;  dz/da = 1/c", div_const, _constants),
        Rule("rdiv_const", "/", "z = c / a;  dz/da = -c/a^2", rdiv_const, _rdiv_symbolic),
        Rule("pow", "**", "z = a^b;  dz/da = b a^(b-1),  dz/db = z ln a", pow, _pow_symbolic),
        Rule("pow_const", "**", "z = a^c;  dz/da = c a^(c-1)", pow_const, _pow_const_symbolic),
        Rule("rpow_const", "**", "z = c^a;  dz/da = z ln c", rpow_const, _rpow_const_symbolic),
        Rule("neg", "neg", "z = -a;  dz/da = -1", neg, _constants),
        Rule("abs", "abs", "z = |a|;  dz/da = sign(a)", abs_, _constants),
        Rule("exp", "exp", "z = e^a;  dz/da = z", exp, _exp_symbolic),
        Rule("log", "log", "z = ln a;  dz/da = 1/a", log, _log_symbolic),
        Rule("tanh", "tanh", "z = tanh a;  dz/da = 1 - z^2", tanh, _tanh_symbolic),
        Rule("sigmoid", "sigmoid", "a = σ(z);  da/dz = a (1 - a)", sigmoid, _sigmoid_symbolic),
        Rule("relu", "relu", "z = max(0, a);  dz/da = [a > 0]", relu, _constants),
        Rule("sum", "sum", "z = c + Σ_i v_i;  dz/dv_i = 1", sum_, _constants),
        Rule(
            "weighted_sum",
            "wsum",
            "z = Σ_k w_k x_k + b;  dz/dw_k = x_k,  dz/dx_k = w_k,  dz/db = 1",
            weighted_sum,
            _weighted_sum_symbolic,
        ),
    )
}

# The op string of a node with no number folded in, and with one on the right ("*2") or left ("2-").
_UNFOLDED = {rule.symbol: rule for rule in RULES.values() if not rule.name.endswith("_const")}
_UNFOLDED.update({"+": RULES["add"], "-": RULES["sub"], "*": RULES["mul"], "/": RULES["div"],
                  "**": RULES["pow"]})
_RIGHT_FOLDED = {"**": RULES["pow_const"], "*": RULES["mul_const"], "+": RULES["add_const"],
                 "/": RULES["div_const"], "-": RULES["sub_const"]}
_LEFT_FOLDED = {"**": RULES["rpow_const"], "-": RULES["rsub_const"], "/": RULES["rdiv_const"]}


def rule_of(op: str) -> tuple[Rule, float | None]:
    """The rule that made a node with this `op`, and the number folded into it, if any.

    >>> rule_of("**2")[0].name, rule_of("**2")[1]
    ('pow_const', 2.0)
    """
    rule = _UNFOLDED.get(op)
    if rule is not None:
        return rule, None
    if op.startswith("sum"):
        return RULES["sum"], float(op[3:])
    for symbol, rule in _RIGHT_FOLDED.items():
        if op.startswith(symbol):
            try:
                return rule, float(op[len(symbol) :])
            except ValueError:
                pass
    for symbol, rule in _LEFT_FOLDED.items():
        if op.endswith(symbol):
            try:
                return rule, float(op[: -len(symbol)])
            except ValueError:
                pass
    raise ValueError(f"no rule makes a node with op {op!r}; known rules: {sorted(RULES)}")
