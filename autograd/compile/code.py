"""Python expressions as objects: a `Code` is the text of an expression and how tightly it binds.

Arithmetic on `Code`s writes code instead of computing a number: `Code.name("a") * 2.0 + 1.0` is
the expression `a * 2.0 + 1.0`. The compiler runs an op's own forward function on `Code` operands
to get its expression, so the generated line is the rule's own arithmetic, in the rule's order.
Parentheses appear only where Python needs them, and always around the right operand of an
operator of the same precedence, because float arithmetic is not associative: `a + (b + c)` is not
`a + b + c`.

Numbers are written with `repr(float)`, so the literal reads back as the same float; infinities
and NaN are written `inf` and `nan`, names the generated code defines.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextvars import ContextVar
from typing import Union

Operand = Union["Code", float, int]

# Set while `autograd.compile.expressions` explores the branches of a function (per thread): it
# says which way a branch on a condition goes (see `Code.__bool__`).
deciding: ContextVar[Callable[[Code], bool] | None] = ContextVar("deciding", default=None)

# Python's operator precedence, loosest first (the language reference, "Operator precedence").
CONDITIONAL, COMPARISON, SUM, PRODUCT, UNARY, POWER, ATOM = 1, 5, 10, 11, 12, 13, 15


class NotWritableError(Exception):
    """A function did something with a `Code` that no expression can write: `float(x)`."""


class Code:
    """The text of a Python expression and its precedence (how tightly it binds)."""

    __slots__ = ("precedence", "text")

    def __init__(self, text: str, precedence: int = ATOM) -> None:
        self.text = text
        self.precedence = precedence

    @staticmethod
    def name(identifier: str) -> Code:
        """A variable of the generated code."""
        return Code(identifier)

    def __repr__(self) -> str:
        return f"Code({self.text!r})"

    def __str__(self) -> str:
        return self.text

    # arithmetic writes code
    def __add__(self, other: Operand) -> Code:
        return binary(self, "+", other, SUM)

    def __radd__(self, other: Operand) -> Code:
        return binary(other, "+", self, SUM)

    def __sub__(self, other: Operand) -> Code:
        return binary(self, "-", other, SUM)

    def __rsub__(self, other: Operand) -> Code:
        return binary(other, "-", self, SUM)

    def __mul__(self, other: Operand) -> Code:
        return binary(self, "*", other, PRODUCT)

    def __rmul__(self, other: Operand) -> Code:
        return binary(other, "*", self, PRODUCT)

    def __truediv__(self, other: Operand) -> Code:
        return binary(self, "/", other, PRODUCT)

    def __rtruediv__(self, other: Operand) -> Code:
        return binary(other, "/", self, PRODUCT)

    def __pow__(self, other: Operand) -> Code:
        return binary(self, "**", other, POWER)

    def __rpow__(self, other: Operand) -> Code:
        return binary(other, "**", self, POWER)

    def __neg__(self) -> Code:
        return Code(f"-{wrap(self, UNARY)}", UNARY)

    def __pos__(self) -> Code:
        return self

    def __abs__(self) -> Code:
        return Code(f"abs({self.text})")

    # comparisons write conditions; a branch on one asks `Code.decide`
    def __lt__(self, other: Operand) -> Code:
        return comparison(self, "<", other)

    def __le__(self, other: Operand) -> Code:
        return comparison(self, "<=", other)

    def __gt__(self, other: Operand) -> Code:
        return comparison(self, ">", other)

    def __ge__(self, other: Operand) -> Code:
        return comparison(self, ">=", other)

    def __eq__(self, other: object) -> Code:  # type: ignore[override]
        return comparison(self, "==", other)

    def __ne__(self, other: object) -> Code:  # type: ignore[override]
        return comparison(self, "!=", other)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        """`if x > 0.0:` on Codes: which way the branch goes is decided from outside."""
        decide = deciding.get()
        if decide is None:
            raise NotWritableError(f"a branch on {self.text} outside a written function")
        return decide(self)

    def __float__(self) -> float:
        raise NotWritableError(f"float({self.text})")

    def __int__(self) -> int:
        raise NotWritableError(f"int({self.text})")

    def __index__(self) -> int:
        raise NotWritableError(f"index({self.text})")


def as_code(x: object) -> Code:
    """A Code as it is, a number as its literal; anything else cannot be written."""
    if isinstance(x, Code):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return number(x)
    raise NotWritableError(f"a {type(x).__name__} has no literal")


def number(x: float) -> Code:
    """The literal of a number: `repr(float)` (exact), `inf`, `-inf` or `nan`.

    An int stays an int (it can only come from a rule's own text, e.g. `2 * x`).
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise NotWritableError(f"a {type(x).__name__} is not a number")
    text = "nan" if math.isnan(x) else repr(x)  # repr(inf) is "inf", a name the code defines
    negative = text.startswith("-")
    return Code(text, UNARY if negative else ATOM)


def wrap(x: Code, precedence: int) -> str:
    """The text of x, in parentheses if it binds less tightly than `precedence` needs."""
    return f"({x.text})" if x.precedence < precedence else x.text


def binary(left: Operand, operator: str, right: Operand, precedence: int) -> Code:
    a, b = as_code(left), as_code(right)
    if operator == "**":  # right-associative; its right operand may be a unary minus
        return Code(f"{wrap(a, POWER + 1)} ** {wrap(b, UNARY)}", POWER)
    return Code(f"{wrap(a, precedence)} {operator} {wrap(b, precedence + 1)}", precedence)


def comparison(left: Operand, operator: str, right: object) -> Code:
    a, b = as_code(left), as_code(right)
    return Code(f"{wrap(a, COMPARISON + 1)} {operator} {wrap(b, COMPARISON + 1)}", COMPARISON)


def conditional(then: Code, condition: Code, otherwise: Code) -> Code:
    """`(then if condition else otherwise)`: the parentheses keep nested branches readable."""
    return Code(
        f"({wrap(then, CONDITIONAL + 1)} if {wrap(condition, CONDITIONAL + 1)} "
        f"else {wrap(otherwise, CONDITIONAL + 1)})"
    )


def call(function: str, arguments: list[Code]) -> Code:
    """`function(a, b, ...)`."""
    return Code(f"{function}({', '.join(a.text for a in arguments)})")


__all__ = ["Code", "NotWritableError", "as_code", "call", "conditional", "deciding", "number"]
