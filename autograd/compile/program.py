"""The chain rule written out: a Python statement for every node of a traced graph, both passes.

Forward, a node is its op's expression over its operands' names (`expressions.Namespace.forward`):

    v3 = v1 + x0

Backward, each node passes its gradient on to its parents, times the local derivative, exactly as
`autograd.backward` does: the derivatives are the op's own `local_grads`, run on the node's
operands as Values (`Value.local_grads_as_values`, the higher-order machinery), and the graph of
each derivative is written as an expression the same way as the forward pass:

    dv1 += dv3               # d(v1 + x0)/dv1 = 1
    dx0 += dv3

A gradient is a sum over the node's consumers, so every gradient starts at 0.0 and each consumer
adds its term, in the order `backward` adds them, and the numbers come out the same.

The writer knows nothing of what the nodes mean: the caller names them (`names`), and says how a
gradient is named (`gradient_name`); `nn.compile_step` calls them `z1_0` and `dC_dz1_0`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping

from autograd.compile.code import Code, as_code, number
from autograd.compile.expressions import Namespace
from autograd.value import Value

LOCAL = "local"  # the variable holding the local derivatives an op's own function returned


class Writer:
    """Statements for the nodes of a graph whose nodes have names."""

    def __init__(self, names: Mapping[Value, str], namespace: Namespace,
                 gradient_name: Callable[[str], str]) -> None:
        self.names = names
        self.namespace = namespace
        self.gradient_name = gradient_name

    def gradient(self, node: Value) -> str:
        """The name of d(output)/d(node)."""
        return self.gradient_name(self.names[node])

    def forward(self, node: Value) -> str:
        """`name = expression`: the node's value from its operands, by its op's forward pass."""
        return wrapped(f"{self.names[node]} = {self.expression(node).text}")

    def expression(self, node: Value) -> Code:
        """The op of `node` applied to its operands (their names, or folded numbers)."""
        assert node._op is not None, "a leaf has no expression"
        operands = [self.operand(x) for x in node._operands]
        numbers = [x.data if isinstance(x, Value) else float(x) for x in node._operands]
        return self.namespace.forward(node._op, operands, numbers, node.data)

    def operand(self, x: Value | Code | float) -> Code | float:
        """How an operand is written: a named node by its name, a number as itself.

        A Value without a name is a node of a derivative's graph: written as its expression, or
        as its number if it is a leaf (a constant the derivative made).
        """
        if isinstance(x, Code):
            return x
        if isinstance(x, Value):
            name = self.names.get(x)
            if name is not None:
                return Code.name(name)
            return self.expression(x) if x._op is not None else number(x.data)
        return float(x)

    def backward(self, node: Value, receives: Collection[Value],
                 skip_zero_if: str | None = None) -> list[str]:
        """The terms `node` adds to the gradients of its parents in `receives`; nothing when no
        parent receives a gradient.

        A gradient of 0 is passed on too, as `backward` does: an infinite or NaN local derivative
        times 0 is NaN, and that must show. A caller that knows the local derivatives are finite
        numbers whenever a flag of the generated code is true names it in `skip_zero_if`: the
        terms are then written under `if <gradient> or not <flag>:`, skipping only additions of
        an exact 0.
        """
        parents = [x for x in node._operands if isinstance(x, Value)]
        if not any(p in receives for p in parents):
            return []
        grad = Code.name(self.gradient(node))
        lines: list[str] = []
        try:
            derivatives: list[Value | Code | float] = list(node.local_grads_as_values())
        except Exception:  # local_grads that work on numbers only: the code calls them
            derivatives = list(self.called_local_grads(node, lines))
        for parent, derivative in zip(parents, derivatives):
            if parent in receives:
                term = times(self.operand(derivative), grad)
                lines.append(f"{self.gradient(parent)} += {term.text}")
        if skip_zero_if is None:
            return lines
        return [f"if {grad.text} or not {skip_zero_if}:", *indented(lines)]

    def called_local_grads(self, node: Value, lines: list[str]) -> list[Code | float]:
        """The local derivatives from a call of the op's `local_grads` on the numbers.

        For an op whose `local_grads` is written for floats only (it branches on its operands,
        say), which cannot be run on Values: the generated code calls it, as `backward` does.
        """
        assert node._op is not None
        function = self.namespace.bind(f"{node._op.name}_local_grads", node._op.local_grads)
        operands = [self.operand(x) for x in node._operands]
        call = ", ".join(str(as_code(x)) for x in [*operands, Code.name(self.names[node])])
        lines.append(f"{LOCAL} = {function}({call})")
        return [Code(f"{LOCAL}[{i}]") for i, x in enumerate(node._operands)
                if isinstance(x, Value)]


def times(derivative: Code | float, grad: Code) -> Code:
    """derivative * grad, written `grad` when the derivative is 1.0 and `-grad` when it is -1.0
    (exactly the same numbers); any other number, 0.0 included, stays a factor."""
    if isinstance(derivative, float):
        if derivative == 1.0:
            return grad
        if derivative == -1.0:
            return -grad
        return number(derivative) * grad
    return derivative * grad


def receiving(order: Iterable[Value], wanted: Collection[Value]) -> set[Value]:
    """The nodes on a path from a wanted leaf: only their gradients are worth computing."""
    found: set[Value] = set()
    for node in order:
        if node in wanted or any(p in found for p in node.parents):
            found.add(node)
    return found


def wrapped(statement: str, width: int = 96, indent: str = "    ") -> str:
    """`name = expression`, the expression in parentheses over several lines if it is long,
    broken before a `+` where it can be.

    Python lets a line break between any two tokens inside parentheses, and the generated
    expressions have spaces only between tokens (they hold no strings).
    """
    if len(statement) <= width or " = " not in statement:
        return statement
    target, expression = statement.split(" = ", 1)
    terms = expression.split(" + ")
    pieces = [terms[0], *("+ " + term for term in terms[1:])]
    lines, line = [], f"{target} = ("
    for piece in pieces:
        for token in [piece] if len(piece) < width // 2 else piece.split(" "):
            if len(line) + len(token) + 1 > width and line.strip():
                lines.append(line.rstrip())
                line = indent
            line += token + " "
    lines.append(line.rstrip() + ")")
    return "\n".join(lines)


def indented(lines: Iterable[str], prefix: str = "    ") -> list[str]:
    """Each line, the lines of a wrapped statement too, with `prefix` in front (none if empty)."""
    return [prefix + part if part else "" for line in lines for part in line.split("\n")]


_IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def names_used(lines: Iterable[str]) -> set[str]:
    """Every identifier in some lines of code (the values a block of code reads)."""
    return {match for line in lines for match in _IDENTIFIER.findall(line)}


__all__ = ["Writer", "indented", "names_used", "receiving", "times", "wrapped"]
