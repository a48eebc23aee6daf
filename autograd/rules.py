"""The rules table: every operation of the engine, its forward pass and its local derivatives.

Each entry is one `define_op(name, forward, local_grads)`. `forward` takes plain numbers;
`local_grads(*operands, out)` gives d out/d operand for each operand, written with arithmetic and
the ops of this table, so the same line serves both passes that need it: on floats it gives the
numbers a node records when it is made, on Values it gives the derivatives as a graph to
differentiate again (`grad(grad(f))`). The seeds' single neuron, op by op:

    z = w * a_prev + b      "*" records dz/dw = a_prev and dz/da_prev = w;  "+" records 1, 1
    a = sigmoid(z)          records da/dz = a (1 - a)
    E = 0.5 * (a - T)**2    "-" records 1;  "**" records 2 (a - T);  "*" records 0.5

and `backward()` multiplies the factors along every path from E to w, and sums over the paths:
dE/dw = (a - T) * a (1 - a) * a_prev. `finite_slopes=True` marks the ops whose local derivatives
are finite wherever their operands and result are (not /, log or **): what `compile_step` needs
to skip a gradient of exactly 0.

The letters follow the notes: arithmetic takes a and b to z; a function of one number takes x to
y; an activation takes z to a (a = σ(z), da/dz = a (1 - a)), as the seeds write it.

Errors are the ones Python raises for floats, each naming the op and the numbers involved. An op
given NaN returns NaN (where IEEE arithmetic does: nan ** 0 is 1, as in PyTorch). At kinks the
derivatives are PyTorch's: relu and |x| have slope 0 at 0.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Iterable, Sequence

from autograd.value import Op, Operand, Value, define_op

# ---------------------------------------------------------------------------------------------
# arithmetic: z = a op b


add = define_op("+", lambda a, b: a + b, lambda a, b, z: (1.0, 1.0), finite_slopes=True)
sub = define_op("-", lambda a, b: a - b, lambda a, b, z: (1.0, -1.0), finite_slopes=True)
mul = define_op("*", lambda a, b: a * b, lambda a, b, z: (b, a), finite_slopes=True)
neg = define_op("neg", lambda a: -a, lambda a, z: (-1.0,), finite_slopes=True)


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({a!r} / {b!r})")
    return a / b


# z = a / b;  dz/da = 1/b,  dz/db = -a/b^2 = -z/b
div = define_op("/", _divide, lambda a, b, z: (1.0 / b, -z / b))


# ---------------------------------------------------------------------------------------------
# powers: z = a^b;  dz/da = b a^(b-1),  dz/db = z ln a
#
# The slopes have no finite value at some points where a^b has one. There they take PyTorch's
# values: at a = 0, dz/da is 0 for b = 0 and infinite for 0 < b < 1, and dz/db is 0; for a < 0,
# where ln a is not real, dz/db is NaN. Two helper ops hold those cases, c a^e and c ln a, and
# their derivatives are written with the same two ops, so a power differentiates to any order.


def _power(a: float, b: float) -> float:
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"**: 0.0 cannot be raised to a negative power ({b!r})")
    if a < 0.0 and math.isfinite(b) and not b.is_integer():
        raise ValueError(
            f"**: a negative base {a!r} to the non-integer power {b!r} has no real value"
        )
    try:
        return math.pow(a, b)
    except OverflowError:
        raise OverflowError(f"**: {a!r} ** {b!r} overflows a float") from None


def _power_term(c: float, a: float, e: float) -> float:
    """c a^e, where a coefficient of 0 wins (0 a^e = 0 even where a^e is infinite)."""
    if c == 0.0:
        return 0.0
    if a == 0.0 and e < 0.0:
        return c * math.inf  # c times an infinite a^e (NaN for a NaN c, as it must)
    if a < 0.0 and math.isfinite(e) and not e.is_integer():
        return math.nan
    try:
        return c * math.pow(a, e)
    except OverflowError:  # |a^e| is past the largest float: its sign is a's for an odd e
        odd_power_of_negative = a < 0.0 and e % 2.0 == 1.0
        return c * (-math.inf if odd_power_of_negative else math.inf)


def _log_term(c: float, a: float) -> float:
    """c ln a; 0 at a = 0 (PyTorch's slope of 0^b in b) and NaN for a < 0 or a NaN c."""
    if a > 0.0:
        return c * math.log(a)
    if a == 0.0:
        return c if math.isnan(c) else 0.0  # 0 ** nan is NaN: its slope in b is NaN too
    return math.nan


pow: Op = define_op("**", _power, lambda a, b, z: (power_term(b, a, b - 1.0), log_term(z, a)))
# t = c a^e;  dt/dc = a^e,  dt/da = c e a^(e-1),  dt/de = t ln a
power_term: Op = define_op(
    "power_term",
    _power_term,
    lambda c, a, e, t: (power_term(1.0, a, e), power_term(c * e, a, e - 1.0), log_term(t, a)),
)
# t = c ln a;  dt/dc = ln a,  dt/da = c / a
log_term: Op = define_op(
    "log_term", _log_term, lambda c, a, t: (log_term(1.0, a), power_term(c, a, -1.0))
)


# ---------------------------------------------------------------------------------------------
# functions of one number


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: exp({x!r}) overflows a float (above ~709.78 all do)") from None


def _log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log: input {x!r} <= 0; log is defined only for positive inputs")
    return math.log(x)


def _sigmoid(z: float) -> float:
    """1 / (1 + e^-z), with e^ taken of -|z| only, so it never overflows."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _step(x: float) -> float:
    """1 where x > 0, else 0: the slope of relu (0 at x = 0, as in PyTorch). NaN stays NaN."""
    if x > 0.0:
        return 1.0
    return 0.0 if x <= 0.0 else x


def _sign(x: float) -> float:
    """+1, -1, or 0 at 0: the slope of |x| (0 at 0, as in PyTorch). NaN stays NaN."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x


# dy/dx = y;  dy/dx = 1/x
exp = define_op("exp", _exp, lambda x, y: (y,), finite_slopes=True)
log = define_op("log", _log, lambda x, y: (1.0 / x,))
# step and sign are flat wherever they have a slope: their derivative is the constant 0.0, a
# number, so a derivative of relu or |x| differentiated again ends there.
step = define_op("step", _step, lambda x, y: (0.0,), finite_slopes=True)
sign = define_op("sign", _sign, lambda x, y: (0.0,), finite_slopes=True)
# dy/dx = sign(x)
abs = define_op("abs", builtins.abs, lambda x, y: (sign(x),), finite_slopes=True)

# the activations:  da/dz = a (1 - a);  da/dz = 1 - a^2;  da/dz = [z > 0]
sigmoid = define_op("sigmoid", _sigmoid, lambda z, a: (a * (1.0 - a),), finite_slopes=True)
tanh = define_op("tanh", math.tanh, lambda z, a: (1.0 - a * a,), finite_slopes=True)
relu = define_op("relu", lambda z: 0.0 if z <= 0.0 else z, lambda z, a: (step(z),),
                 finite_slopes=True)


# ---------------------------------------------------------------------------------------------
# many numbers at once: one node instead of a chain of n - 1 additions, or 2n for a neuron


def _weights_inputs_bias(operands: tuple[float, ...]) -> tuple[Sequence[float], ...]:
    """An op takes its operands in one row: a neuron's are w_0 .. w_{n-1}, x_0 .. x_{n-1}, b."""
    n = len(operands) // 2
    return operands[:n], operands[n : 2 * n], operands[-1:]


def _weighted_sum(*operands: float) -> float:
    w, x, (b,) = _weights_inputs_bias(operands)
    return builtins.sum(map(operator.mul, w, x), b)


def _weighted_sum_grads(*operands_then_z: float) -> tuple[float, ...]:
    w, x, _ = _weights_inputs_bias(operands_then_z[:-1])
    return (*x, *w, 1.0)  # dz/dw_k = x_k, dz/dx_k = w_k, dz/db = 1


# z = Σ_i v_i;  dz/dv_i = 1
sum_op = define_op("sum", lambda *v: builtins.sum(v), lambda *v_z: (1.0,) * (len(v_z) - 1),
                   finite_slopes=True)
# z = Σ_k w_k x_k + b;  dz/dw_k = x_k,  dz/dx_k = w_k,  dz/db = 1
weighted_sum_op = define_op("weighted_sum", _weighted_sum, _weighted_sum_grads,
                            finite_slopes=True)


def sum(values: Iterable[Operand]) -> Value:
    """z = Σ_i v_i as one node: a loss over a batch is one node, not a chain of additions.

    Always a Value (a leaf, when every v_i is a number).
    """
    if not isinstance(values, Iterable):
        raise TypeError(
            f"sum takes an iterable of Values and numbers, got {type(values).__name__}: "
            f"{values!r:.60}"
        )
    z = sum_op(*values)
    return z if isinstance(z, Value) else Value(z)


def weighted_sum(w: Sequence[Operand], x: Sequence[Operand], b: Operand) -> Value:
    """z = Σ_k w_k x_k + b as one node with parents w_0 .. w_{n-1}, x_0 .. x_{n-1}, b.

    A neuron's weighted sum, one node instead of 2n, so that the graph of a real network (and its
    diagram) stays small; its gradients are exactly those of the 2n-node graph.
    """
    if len(w) != len(x):
        raise ValueError(f"weighted_sum: {len(w)} weights but {len(x)} inputs; they must match")
    z = weighted_sum_op(*w, *x, b)
    return z if isinstance(z, Value) else Value(z)
