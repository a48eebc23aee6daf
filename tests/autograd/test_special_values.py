"""Every op of the rules table at NaN, ±inf, ±0, subnormals and ±1e308, against PyTorch float64.

Each op (arithmetic, the functions of one number, pow and its two helper ops, sum and
weighted_sum) runs at every combination of NUMBERS on its operands (the fused ops: at each operand
in turn, and at all of them). Its value must be torch's: NaN where torch's is NaN, the same
infinity, an equal finite number (the sign of a zero is not compared). Its gradient, from
`backward()` and as the node's recorded local derivatives, must be torch autograd's by the same
rule, so a NaN is never hidden behind a number. Where chainrule differs from torch by design, the
case is a row of DIFFERENCES with its reason. The nn activations and losses, which carry
derivatives by hand, are held to the same rule in tests/nn/test_special_values.py.
"""

from __future__ import annotations

import itertools
import math
import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from autograd import Value, weighted_sum
from autograd import sum as vsum
from autograd.rules import log_term, power_term

nan, inf = math.nan, math.inf
NUMBERS = [nan, inf, -inf, -0.0, 0.0, 5e-324, sys.float_info.min, 1e-310, 1e308, -1e308,
           0.5, 1.0, -2.0, 3.0]
LARGEST_EXP = math.log(sys.float_info.max)  # e^x overflows a float above this


def same(ours: float, theirs: float, rel: float) -> bool:
    """NaN exactly where theirs is NaN, the same infinity, else equal within `rel`."""
    if math.isnan(theirs) or math.isinf(theirs):
        return ours == theirs or (math.isnan(ours) and math.isnan(theirs))
    return abs(ours - theirs) <= rel * abs(theirs)


def each_operand(n: int) -> Iterator[tuple[float, ...]]:
    """For a fused op of n operands: each number at one operand (ordinary ones elsewhere), then at
    all of them."""
    ordinary = (0.5, -2.0, 3.0, 1.5, 0.25)[:n]
    for x in NUMBERS:
        for k in range(n):
            yield (*ordinary[:k], x, *ordinary[k + 1:])
        yield (x,) * n


@dataclass(frozen=True)
class Op:
    """An op as chainrule and torch write it (one function serves both when they agree)."""

    ours: Callable[..., Any]
    theirs: Callable[..., Any]
    inputs: list[tuple[float, ...]]


def every_combination(n: int) -> list[tuple[float, ...]]:
    return list(itertools.product(NUMBERS, repeat=n))


def same_in_both(f: Callable[..., Any], arity: int) -> Op:
    return Op(f, f, every_combination(arity))


OPS = {
    "neg": same_in_both(operator.neg, 1),
    "abs": same_in_both(abs, 1),
    "exp": same_in_both(lambda x: x.exp(), 1),
    "log": same_in_both(lambda x: x.log(), 1),
    "tanh": same_in_both(lambda x: x.tanh(), 1),
    "sigmoid": same_in_both(lambda x: x.sigmoid(), 1),
    "relu": same_in_both(lambda x: x.relu(), 1),
    "+": same_in_both(operator.add, 2),
    "-": same_in_both(operator.sub, 2),
    "*": same_in_both(operator.mul, 2),
    "/": same_in_both(operator.truediv, 2),
    "**": same_in_both(operator.pow, 2),
    # the fused ops against the graphs they replace, adding in the same order (each case once)
    "sum": Op(lambda *v: vsum(v), lambda u, v, w: u + v + w, list(dict.fromkeys(each_operand(3)))),
    "weighted_sum": Op(lambda w0, w1, x0, x1, b: weighted_sum([w0, w1], [x0, x1], b),
                       lambda w0, w1, x0, x1, b: b + w0 * x0 + w1 * x1,
                       list(dict.fromkeys(each_operand(5)))),
    # pow's helpers, c a^e and c ln a: their values only (their derivatives are pow's second
    # derivatives, which torch takes through `where` and leaves NaN even where they exist)
    "power_term": Op(power_term, lambda c, a, e: c * a**e, every_combination(3)),
    "log_term": Op(log_term, lambda c, a: c * a.log(), every_combination(2)),
}
HELPERS = {"power_term", "log_term"}


def negative_zero(a: float) -> bool:
    return a == 0.0 and math.copysign(1.0, a) < 0.0


def overflows(a: float, b: float) -> bool:
    """Whether a^b, for finite a != 0 and b, is beyond the largest float."""
    finite = math.isfinite(a) and math.isfinite(b) and a != 0.0
    return finite and b * math.log(abs(a)) > LARGEST_EXP


def non_real_power(a: float, e: float) -> bool:
    return a < 0.0 and math.isfinite(e) and not e.is_integer()


@dataclass(frozen=True)
class Difference:
    """Where chainrule differs from torch by design: it raises `raises`, or its value is `value`
    (from the operands), or its gradient is `grads`."""

    op: str
    when: Callable[..., bool]
    why: str
    raises: type[Exception] | None = None
    value: Callable[..., float] | None = None
    grads: tuple[float, ...] | None = None


DIFFERENCES = [
    # Errors are the ones Python raises for floats (README, rules.py; test_value.py holds them).
    Difference("log", lambda x: x <= 0.0, "log of x <= 0 raises, as math.log does (torch: -inf, "
               "nan)", raises=ValueError),
    Difference("/", lambda a, b: b == 0.0, "division by ±0 raises, as float division does "
               "(torch: ±inf, nan)", raises=ZeroDivisionError),
    Difference("**", lambda a, b: a == 0.0 and b < 0.0, "0 to a negative power raises, as "
               "0.0 ** -1 does (torch: inf)", raises=ZeroDivisionError),
    Difference("**", non_real_power, "a negative base to a non-integer power has no real value: "
               "ValueError, never a complex number (torch: nan; inf for -inf)", raises=ValueError),
    Difference("**", overflows, "a power beyond the largest float raises, as math.pow does "
               "(torch: ±inf)", raises=OverflowError),
    Difference("exp", lambda x: LARGEST_EXP < x < inf, "exp past ~709.78 raises, as math.exp does "
               "(torch: inf)", raises=OverflowError),
    # A NaN is never hidden behind a slope (README; rules._sign and rules._step).
    Difference("abs", math.isnan, "torch's sign(nan) is 0; |x|'s slope at NaN stays NaN",
               grads=(nan,)),
    Difference("relu", math.isnan, "torch passes a gradient through relu(nan) with slope 1; "
               "chainrule's slope at NaN stays NaN", grads=(nan,)),
    # The sign of a zero base.
    Difference("**", lambda a, b: negative_zero(a) and 0.0 < b < 2**-53,
               "torch rounds b - 1 to -1 and takes (-0.0)^-1 = -inf; chainrule's slope at a zero "
               "base is +inf for every 0 < b < 1, whatever the zero's sign", grads=(inf, 0.0)),
    # pow's helpers take PyTorch's slopes where c a^e and c ln a have no value.
    Difference("power_term", lambda c, a, e: c == 0.0, "a coefficient of 0 wins: 0 a^e is 0, as "
               "torch's pow makes its slope in a at b = 0 (torch: 0 inf, 0 nan)",
               value=lambda c, a, e: 0.0),
    Difference("power_term", lambda c, a, e: c != 0.0 and a == -inf and non_real_power(a, e),
               "a negative base to a non-integer power has no real value (torch: (-inf)^e)",
               value=lambda c, a, e: nan),
    Difference("log_term", lambda c, a: a == 0.0 and not math.isnan(c), "0 at a = 0: PyTorch's "
               "slope of 0^b in b, not c ln 0 (torch: ∓inf, nan)", value=lambda c, a: 0.0),
]


def difference(op: str, args: tuple[float, ...]) -> Difference | None:
    """The row of DIFFERENCES for this case, if there is one."""
    return next((d for d in DIFFERENCES if d.op == op and d.when(*args)), None)


def case_id(case: tuple[str, tuple[float, ...]]) -> str:
    op, args = case
    return f"{op}({', '.join(map(repr, args))})"


def raises(op: str, args: tuple[float, ...]) -> bool:
    differs = difference(op, args)
    return differs is not None and differs.raises is not None


CASES = [(op, args) for op, entry in OPS.items() for args in entry.inputs]
# An error has no gradient; the value test holds every error to its row of DIFFERENCES.
GRADIENT_CASES = [(op, args) for op, args in CASES if op not in HELPERS and not raises(op, args)]


def torch_result(torch: ModuleType, op: str, args: tuple[float, ...]) -> tuple[float, list[float]]:
    """torch's value and the gradient of every operand, in float64."""
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in args]
    out = OPS[op].theirs(*leaves)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_value_is_torchs(torch: ModuleType, case: tuple[str, tuple[float, ...]]) -> None:
    op, args = case
    theirs, _ = torch_result(torch, op, args)
    differs = difference(op, args)
    if differs is not None and differs.raises is not None:
        with pytest.raises(differs.raises):
            OPS[op].ours(*map(Value, args))
        if differs.raises is OverflowError:
            assert math.isinf(theirs), f"torch gives {theirs!r}: no overflow"
        return
    ours = OPS[op].ours(*map(Value, args)).data
    expected = theirs if differs is None or differs.value is None else differs.value(*args)
    assert same(ours, expected, rel=1e-15), f"chainrule {ours!r}, torch {theirs!r}"


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=case_id)
def test_gradient_is_torchs(torch: ModuleType, case: tuple[str, tuple[float, ...]]) -> None:
    op, args = case
    _, theirs = torch_result(torch, op, args)
    differs = difference(op, args)
    expected = theirs if differs is None or differs.grads is None else list(differs.grads)
    leaves = [Value(x) for x in args]
    out = OPS[op].ours(*leaves)
    out.backward()
    for found in ([v.grad for v in leaves], list(out.local_grads)):
        assert len(found) == len(expected)
        assert all(same(g, e, rel=1e-14) for g, e in zip(found, expected)), (
            f"chainrule {found!r}, torch {theirs!r}"
        )


def test_every_difference_is_met() -> None:
    """No row of DIFFERENCES is stale, or hidden behind an earlier one."""
    met = {id(difference(op, args)) for op, args in CASES}
    assert [d.why for d in DIFFERENCES if id(d) not in met] == []
