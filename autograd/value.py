"""`Value`, one number in a computation graph, and `define_op`, the one way an operation is made.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> c = a * b + a          # c = ab + a
    >>> c.backward()
    >>> a.grad, b.grad         # dc/da = b + 1,  dc/db = a
    (-2.0, 2.0)

A Value made by an operation remembers what backpropagation needs and nothing more: the operation
(`op`), its operands (`parents`) and the derivative of the result with respect to each of them
(`local_grads`), worked out when the operation ran. A node holds no closure, so a graph has no
reference cycles: it is freed the moment nothing uses its output any more.

Every operation, `+` and `sigmoid` included, is made by `define_op` from two functions written side
by side: the forward pass on plain numbers, and the local derivatives written with arithmetic and
ops. Run on floats, that second function gives the numbers a node records; run on Values, it gives
the derivatives as a graph, which is how derivatives of derivatives work (`autograd.grad`).
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any, Union, overload

from autograd.grad_mode import is_grad_enabled

Operand = Union["Value", float, int]
Number = Union["Value", float]


class Value:
    """A real number in a computation graph: `data`, its gradient `grad`, and how it was made."""

    __slots__ = ("__weakref__", "_op", "_operands", "data", "grad", "label", "local_grads",
                 "parents")

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is not float:
            if isinstance(data, Value):
                raise TypeError(
                    "Value() takes a number, got a Value: use that Value itself, or "
                    "Value(v.data) for a new leaf holding its number"
                )
            data = real(data, "Value")
        if not isinstance(label, str):
            raise TypeError(f"a Value's label is a str, got {type(label).__name__}: {label!r}")
        self.data: float = data
        self.grad: float = 0.0
        self.label = label
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self._op: Op | None = None
        self._operands: tuple[Number, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass works in every op, but keeps `==` and `hash` as they are: the nodes of a
        graph are told apart by identity (backward keeps them in sets), never by their numbers."""
        super().__init_subclass__(**kwargs)
        for method in ("__eq__", "__hash__"):
            if method in vars(cls):
                raise TypeError(
                    f"{cls.__name__} defines {method}: a subclass of Value may not, because the "
                    "nodes of a graph are told apart by identity; compare `.data` instead"
                )

    @property
    def op(self) -> str:
        """The operation that made this Value (`""` for a leaf), a folded number shown in it."""
        return "" if self._op is None else self._op.describe(self._operands)

    def __repr__(self) -> str:
        label = f"{self.label!r}, " if self.label else ""
        op = f", op={self.op!r}" if self._op is not None else ""
        return f"Value({label}data={self.data!r}, grad={self.grad!r}{op})"

    def backward(self, grad: float = 1.0, create_graph: bool = False) -> dict[Value, Value] | None:
        """Set `node.grad` to d(self)/d(node) for every node of the graph (`autograd.backward`).

        Leaves accumulate (`+=`), as in PyTorch; interior nodes start from zero on every call.
        With `create_graph=True` the leaves' gradients are also returned as Values,
        `{leaf: gradient}`, in a graph of their own that can be differentiated again.
        """
        from autograd.backward import backward, backward_graph

        if create_graph:
            return backward_graph(self, grad)
        backward(self, grad)
        return None

    def local_grads_as_values(self) -> tuple[Number, ...]:
        """The local derivatives again, written as Values made from the parents (higher order).

        The op's `local_grads` function run on the operands themselves instead of their numbers,
        so the result is a graph that can be differentiated in turn.
        """
        if self._op is None:
            return ()
        return tuple(
            d for x, d in zip(self._operands, self._op.local_grads(*self._operands, self))
            if isinstance(x, Value)
        )

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        """In Jupyter, a Value shows as the diagram of its graph (`autograd.draw`)."""
        from autograd.draw.output import value_mimebundle

        return value_mimebundle(self)

    # The operators and methods: each calls one op of the rules table (autograd/rules.py).
    def __add__(self, other: Operand) -> Value:
        return rules.add(self, other)

    def __radd__(self, other: Operand) -> Value:
        return rules.add(other, self)

    def __sub__(self, other: Operand) -> Value:
        return rules.sub(self, other)

    def __rsub__(self, other: Operand) -> Value:
        return rules.sub(other, self)

    def __mul__(self, other: Operand) -> Value:
        return rules.mul(self, other)

    def __rmul__(self, other: Operand) -> Value:
        return rules.mul(other, self)

    def __truediv__(self, other: Operand) -> Value:
        return rules.div(self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return rules.div(other, self)

    def __pow__(self, other: Operand) -> Value:
        return rules.pow(self, other)

    def __rpow__(self, other: Operand) -> Value:
        return rules.pow(other, self)

    def __neg__(self) -> Value:
        return rules.neg(self)

    def __abs__(self) -> Value:
        return rules.abs(self)

    def exp(self) -> Value:
        return rules.exp(self)

    def log(self) -> Value:
        return rules.log(self)

    def tanh(self) -> Value:
        return rules.tanh(self)

    def sigmoid(self) -> Value:
        return rules.sigmoid(self)

    def relu(self) -> Value:
        return rules.relu(self)


class Op:
    """An operation on real numbers that records its local derivatives; made by `define_op`."""

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        local_grads: Callable[..., tuple[Any, ...]],
        *,
        finite_slopes: bool = False,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"define_op: the name must be a non-empty str, got {name!r}")
        if not callable(forward) or not callable(local_grads):
            raise TypeError(f"define_op({name!r}): forward and local_grads must be functions")
        if not isinstance(finite_slopes, bool):
            raise TypeError(f"define_op({name!r}): finite_slopes must be True or False, got "
                            f"{finite_slopes!r}")
        self.name = name
        self.forward = forward
        self.local_grads = local_grads
        self.finite_slopes = finite_slopes

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"

    @overload
    def __call__(self, *operands: float) -> float: ...

    @overload
    def __call__(self, first: Value, /, *rest: Operand) -> Value: ...

    @overload
    def __call__(self, first: Operand, second: Value, /, *rest: Operand) -> Value: ...

    @overload
    def __call__(self, *operands: Operand) -> Value | float: ...

    def __call__(self, *operands: Operand) -> Value | float:
        """The result of the op: a float when every operand is a number, else a Value.

        A Value records its parents and one local derivative for each. A number among the
        operands is folded into the node instead of becoming a parent: `a * 2.0` has one parent.
        """
        numbers: list[float] = []
        folded = 0  # how many operands are plain numbers
        for x in operands:
            if isinstance(x, Value):
                numbers.append(x.data)
            else:
                numbers.append(x if type(x) is float else real(x, self.name))
                folded += 1
        out = self.forward(*numbers)
        if type(out) is not float:
            out = real(out, f"{self.name}: forward")
        if folded == len(operands):
            return out
        node = Value(out)
        if not is_grad_enabled():
            return node
        grads = self.local_grads(*numbers, out)
        if not isinstance(grads, tuple) or len(grads) != len(operands):
            raise ValueError(
                f"{self.name}: local_grads gave {grads!r:.60}; it must give a tuple with one "
                f"derivative per operand ({len(operands)} here)"
            )
        node._op = self
        if folded:  # keep the Values as parents, each with its derivative
            parents: list[Value] = []
            kept: list[float] = []
            for x, d in zip(operands, grads):
                if isinstance(x, Value):
                    parents.append(x)
                    kept.append(d)
            node.parents, node.local_grads, node._operands = tuple(parents), tuple(kept), operands
        else:
            node.parents = node._operands = operands  # type: ignore[assignment]
            node.local_grads = grads
        return node

    def made(self, node: Value) -> bool:
        """True if `node` is a result of this op (`sigmoid.made(a)`)."""
        return node._op is self

    def describe(self, operands: tuple[Number, ...]) -> str:
        """How a node of this op reads: its name, with any number folded into it shown.

        `a * 2` reads "* 2", `2 - a` reads "2 -"; other ops list their operands, "sum(·, ·, 2)".
        """
        constants = [x for x in operands if not isinstance(x, Value)]
        if not constants:
            return self.name
        if len(operands) == 2 and not self.name.isidentifier():
            left, right = operands
            if isinstance(left, Value):
                return f"{self.name} {number_text(right)}"
            return f"{number_text(left)} {self.name}"
        shown = ["·" if isinstance(x, Value) else number_text(x) for x in operands]
        if len(shown) > 6:
            shown = ["…", *map(number_text, constants)]
        return f"{self.name}({', '.join(shown)})"


def define_op(
    name: str,
    forward: Callable[..., float],
    local_grads: Callable[..., tuple[Any, ...]],
    *,
    finite_slopes: bool = False,
) -> Op:
    """A new differentiable operation, made the way every built-in one is.

    `forward(*numbers) -> float` computes the result. `local_grads(*operands, out) -> tuple` gives
    the derivative of the result with respect to each operand, written with arithmetic and ops
    (`autograd.exp`, `log`, `tanh`, `sigmoid`, `relu`, or ops made here), so that it gives floats
    when the op runs and Values when a derivative is differentiated again. The op works with
    `backward`, `grad` of `grad`, `draw` and `compile`:

        >>> import math
        >>> sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
        >>> cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))
        >>> x = Value(0.5)
        >>> y = sin(x * x)               # dy/dx = cos(x^2) 2x
        >>> y.backward()
        >>> round(x.grad, 12) == round(math.cos(0.25) * 1.0, 12)
        True

    `finite_slopes=True` says that the local derivatives are finite numbers wherever the operands
    and the result are (true of `+`, `*`, `exp`, `sigmoid`; not of `/`, `log`, `**`, whose slopes
    overflow near 0). `compile_step` then skips the lines of a gradient of exactly 0 when every
    value is finite, since they would add 0; the default, False, is always right.
    """
    return Op(name, forward, local_grads, finite_slopes=finite_slopes)


def real(x: object, who: str) -> float:
    """`x` as a float if it is a real number (an int, a float, numpy's scalars, a Fraction).

    A bool, a string, None, a complex number or a container raises TypeError naming `who`.
    """
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(
        f"{who}: expected a Value or a real number, got {type(x).__name__}: {x!r:.60}"
    )


def number_text(x: Number) -> str:
    """A folded number as a diagram shows it: exact, without a trailing ".0" (2.0 -> "2")."""
    text = repr(float(x) if not isinstance(x, Value) else x.data)
    return text[:-2] if text.endswith(".0") else text


# The ops are made with `define_op` in rules.py, which needs the class above; the class's operators
# need the ops. Importing the table here, once the class exists, lets each side have the other.
from autograd import rules  # noqa: E402

__all__ = ["Number", "Op", "Operand", "Value", "define_op", "real"]
