"""`Value`: one number in a computation graph, with the operation that made it.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> c = a * b + a          # c = ab + a
    >>> c.backward()
    >>> a.grad, b.grad         # dc/da = b + 1,  dc/db = a
    (-2.0, 2.0)

A node holds plain data only: its operands (`parents`) and the numbers `local_grads` recorded by
its rule in `autograd.rules`. There is no closure per node, so a graph holds no reference cycle and
is freed by reference counting the moment the last name for its output goes away.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, ClassVar, Union

from autograd import rules
from autograd.rules import Rule

Operand = Union["Value", float, int]

_grad_enabled = True
_new = object.__new__
# While an `autograd.Tape` records, every node made is appended to its list (see autograd/tape.py).
_tape: list[Value] | None = None


class Value:
    """A scalar in a computation graph: `data`, its gradient `grad`, and how it was made."""

    __slots__ = ("__weakref__", "data", "edges", "grad", "label", "op")

    data: float
    grad: float
    label: str
    op: str
    # The parents, then the local derivative for each: (p_0 .. p_{n-1}, dz/dp_0 .. dz/dp_{n-1}).
    # One tuple instead of two saves a tuple per node (48 bytes of a ~200-byte node); `parents`
    # and `local_grads` below read the two halves.
    edges: tuple[Any, ...]

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is not float:
            data = _check_number(data)
        if type(label) is not str:
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.edges = ()

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands, in order (`a + a` has `(a, a)`); `()` for a leaf."""
        edges = self.edges
        return edges[: len(edges) >> 1]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, recorded when the op ran."""
        edges = self.edges
        return edges[len(edges) >> 1 :]

    def __repr__(self) -> str:
        label = f"{self.label!r}, " if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value({label}data={self.data!r}, grad={self.grad!r}{op})"

    def backward(self, grad: float = 1.0, create_graph: bool = False) -> dict[Value, Value] | None:
        """Fill in d(self)/d(node) for every node of the graph, in reverse topological order.

        Leaves accumulate (`+=`) as in PyTorch; interior nodes start from zero on every call, so
        two calls give exactly twice the leaf gradients. With `create_graph=True` the gradients
        are also built as `Value`s, returned as `{leaf: gradient}`, so they can be differentiated.
        """
        from autograd.backward import backward, backward_graph

        if create_graph:
            return backward_graph(self, grad)
        backward(self, grad)
        return None

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        """In Jupyter, a Value shows as the diagram of its graph (`autograd.draw`)."""
        from autograd.draw.output import value_mimebundle

        return value_mimebundle(self)

    # Operators, made from the rules table below the class.
    __add__: ClassVar[Callable[[Value, Operand], Value]]
    __radd__: ClassVar[Callable[[Value, Operand], Value]]
    __sub__: ClassVar[Callable[[Value, Operand], Value]]
    __rsub__: ClassVar[Callable[[Value, Operand], Value]]
    __mul__: ClassVar[Callable[[Value, Operand], Value]]
    __rmul__: ClassVar[Callable[[Value, Operand], Value]]
    __truediv__: ClassVar[Callable[[Value, Operand], Value]]
    __rtruediv__: ClassVar[Callable[[Value, Operand], Value]]
    __pow__: ClassVar[Callable[[Value, Operand], Value]]
    __rpow__: ClassVar[Callable[[Value, Operand], Value]]
    __neg__: ClassVar[Callable[[Value], Value]]
    __abs__: ClassVar[Callable[[Value], Value]]
    exp: ClassVar[Callable[[Value], Value]]
    log: ClassVar[Callable[[Value], Value]]
    tanh: ClassVar[Callable[[Value], Value]]
    sigmoid: ClassVar[Callable[[Value], Value]]
    relu: ClassVar[Callable[[Value], Value]]


def _check_number(data: object) -> float:
    """`data` as a float, or TypeError: a Value holds a real number, never a bool or a container."""
    number = _number(data)
    if number is None:
        raise TypeError(
            f"Value data must be an int or a float, got {type(data).__name__}: {data!r}"
        )
    return number


def _number(other: object) -> float | None:
    """`other` as a float if it is a plain number (not a bool), else None."""
    if isinstance(other, float):
        return float(other)
    if isinstance(other, int) and not isinstance(other, bool):
        return float(other)
    return None


def node(data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]) -> Value:
    """A new node made by an op; under `no_grad` it records nothing and is a leaf."""
    if len(parents) != len(local_grads):
        raise ValueError(
            f"node {op!r}: {len(parents)} parents but {len(local_grads)} local derivatives; "
            "give one derivative per parent"
        )
    return make(data, op, parents + local_grads)


def make(data: float, op: str, edges: tuple[Any, ...]) -> Value:
    """`node` with the parents and their local derivatives already in one tuple (`Value.edges`)."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out.op = op
        out.edges = edges
        if _tape is not None:
            _tape.append(out)
    else:
        out.op = ""
        out.edges = ()
    return out


def _number_text(c: float | int) -> str:
    return repr(c) if type(c) is int else repr(float(c))


def _folded_names(symbol: str, number_on_right: bool) -> Callable[[float | int], str]:
    """The op string of a node with a number folded in, cached so a chain shares one string.

    Ints and floats are cached apart: `a ** 2` reads "**2" and `a ** 2.0` reads "**2.0".
    """
    int_names: dict[float | int, str] = {}
    float_names: dict[float | int, str] = {}

    def name(c: float | int) -> str:
        cache = int_names if type(c) is int else float_names
        text = cache.get(c)
        if text is None:
            if len(cache) > 4096:
                cache.clear()
            text = symbol + _number_text(c) if number_on_right else _number_text(c) + symbol
            cache[c] = text
        return text

    return name


def _binary(both: Rule, folded: Rule) -> Callable[[Value, Operand], Value]:
    """`a <op> b` with a Value or a number on the right."""
    forward_both, forward_folded, symbol = both.forward, folded.forward, both.symbol
    name = _folded_names(symbol, number_on_right=True)

    def method(self: Value, other: Operand) -> Value:
        if type(other) is Value:
            data, (d_self, d_other) = forward_both(self.data, other.data)
            return make(data, symbol, (self, other, d_self, d_other))
        c = _number(other)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        data, (d_self,) = forward_folded(self.data, c)
        return make(data, name(other), (self, d_self))  # type: ignore[arg-type]

    method.__doc__ = f"{both.math}  (a number b is folded in: {folded.math})"
    return method


def _reflected(folded: Rule, number_on_right: bool) -> Callable[[Value, Operand], Value]:
    """`number <op> a`: Python calls `a.__rop__(number)` when the number cannot do it."""
    forward, symbol = folded.forward, folded.symbol
    name = _folded_names(symbol, number_on_right)

    def method(self: Value, other: Operand) -> Value:
        c = _number(other)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        data, (d_self,) = forward(self.data, c)
        return make(data, name(other), (self, d_self))  # type: ignore[arg-type]

    method.__doc__ = folded.math
    return method


def _unary(rule: Rule) -> Callable[[Value], Value]:
    forward, symbol = rule.forward, rule.symbol

    def method(self: Value) -> Value:
        data, (d_self,) = forward(self.data)
        return make(data, symbol, (self, d_self))

    method.__doc__ = rule.math
    method.__name__ = rule.name
    return method


_R = rules.RULES
Value.__add__ = _binary(_R["add"], _R["add_const"])
Value.__radd__ = _reflected(_R["add_const"], number_on_right=True)
Value.__sub__ = _binary(_R["sub"], _R["sub_const"])
Value.__rsub__ = _reflected(_R["rsub_const"], number_on_right=False)
Value.__mul__ = _binary(_R["mul"], _R["mul_const"])
Value.__rmul__ = _reflected(_R["mul_const"], number_on_right=True)
Value.__truediv__ = _binary(_R["div"], _R["div_const"])
Value.__rtruediv__ = _reflected(_R["rdiv_const"], number_on_right=False)
Value.__pow__ = _binary(_R["pow"], _R["pow_const"])
Value.__rpow__ = _reflected(_R["rpow_const"], number_on_right=False)
Value.__neg__ = _unary(_R["neg"])
Value.__abs__ = _unary(_R["abs"])
Value.exp = _unary(_R["exp"])
Value.log = _unary(_R["log"])
Value.tanh = _unary(_R["tanh"])
Value.sigmoid = _unary(_R["sigmoid"])
Value.relu = _unary(_R["relu"])


class no_grad(ContextDecorator):  # noqa: N801 - named like torch.no_grad
    """Inside `with no_grad():` ops record no parents: results are leaves, and nothing is kept.

    Use it for evaluation and for parameter updates. Not thread-local: the switch is global.
    """

    def __enter__(self) -> no_grad:
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = False
        return self

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._previous


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    return _grad_enabled


def as_value(x: Operand) -> Value:
    """`x` itself if it is a Value, else a new leaf holding the number."""
    return x if isinstance(x, Value) else Value(x)


__all__ = ["Operand", "Value", "as_value", "is_grad_enabled", "make", "no_grad", "node"]
