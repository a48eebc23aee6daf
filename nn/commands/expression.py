"""Expressions typed by a person, such as `tanh(a*b + c)`, turned into a Value graph safely.

The text is parsed by Python's `ast` module and every node of the tree is checked against a short
list before anything runs: numbers, names, `+ - * / **`, unary minus and calls of the engine's
functions `exp log tanh sigmoid relu abs`. Anything else (attribute access, other calls, lambdas,
comprehensions, subscripts, strings, ...) is refused with a ValueError naming it. The tree is then
walked by hand, so nothing is ever given to `eval`:

    >>> out = evaluate("tanh(a*b + c)", {"a": 2.0, "b": -3.0, "c": 1.0})
    >>> out.op, [p.op for p in out.parents]
    ('tanh', ['+'])

Each name becomes one leaf Value labelled with the name (so `a*a` has two edges from the same
leaf); plain numbers are folded into ops as the engine folds them (`a*2` is one node with the one
parent `a`); a part made of numbers only is computed at once. Interior nodes are labelled with
their own text when it is short. Every op is applied through `Value`'s operators and methods, so
the graph is exactly the one the same expression written in Python would build.

This is the parser of `chainrule graph`, not part of the engine.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from autograd import Value

MAX_LENGTH = 1000
MAX_LITERAL = 1e15
MAX_EXPONENT = 100.0
MAX_LABEL = 16

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": lambda v: v.exp(),
    "log": lambda v: v.log(),
    "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(),
    "relu": lambda v: v.relu(),
    "abs": abs,
}
OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
ALLOWED = "numbers, names, + - * / **, unary minus and calls of " + ", ".join(FUNCTIONS)

_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "a subscript",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional expression",
    ast.NamedExpr: "an assignment (:=)",
    ast.JoinedStr: "an f-string",
    ast.Starred: "a starred expression",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

_SYMBOLS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}
Result = Value | float


def parse(text: str) -> ast.Expression:
    """The checked syntax tree of `text`, or ValueError saying what is not allowed and where."""
    if not isinstance(text, str):
        raise TypeError(f"an expression is a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    if not text.strip():
        raise ValueError("the expression is empty; try something like 'tanh(a*b + c)'")
    try:
        with warnings.catch_warnings():  # "1or 2" would print "<unknown>:1: SyntaxWarning: ..."
            warnings.simplefilter("error")  # and it becomes the SyntaxError said below
            tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        detail = getattr(error, "msg", None) or str(error) or type(error).__name__
        raise ValueError(f"cannot parse {_short(text)!r}: {detail}") from None
    for node in ast.walk(tree.body):
        _check(node, text.strip())
    return tree


def _check(node: ast.AST, text: str) -> None:
    """Refuse `node` unless it is of an allowed kind, saying what it is and what is allowed."""
    where = _short(ast.get_source_segment(text, node) or type(node).__name__)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in OPERATORS:
            refuse(f"the operator {_SYMBOLS.get(type(node.op), '')} in {where!r}")
        if isinstance(node.op, ast.Pow):
            exponent = _constant(node.right)
            if exponent is not None and abs(exponent) > MAX_EXPONENT:
                refuse(f"the exponent {exponent:g} in {where!r} (larger than {MAX_EXPONENT:g})")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            refuse(f"the operator {_SYMBOLS.get(type(node.op), '')} in {where!r}")
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            refuse(f"the literal {where!r} (only real numbers are)")
        if abs(value) > MAX_LITERAL or not math.isfinite(value):
            refuse(f"the number {where!r} (larger than {MAX_LITERAL:g})")
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            refuse(f"the call {where!r} (the only functions are {', '.join(FUNCTIONS)})")
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            refuse(f"the call {where!r} ({name} takes exactly one argument)")
    elif isinstance(node, ast.Name):
        if not isinstance(node.ctx, ast.Load):
            refuse(f"{where!r}")
    elif not isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
        refuse(f"{_REFUSED.get(type(node), type(node).__name__)} ({where!r})")


def _short(text: str, limit: int = 60) -> str:
    """`text`, cut to `limit` characters for an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def refuse(what: str) -> NoReturn:
    """Raise the ValueError for something an expression may not contain."""
    raise ValueError(f"not allowed in an expression: {what}; allowed are {ALLOWED}")


def _constant(node: ast.expr) -> float | None:
    """The number an exponent like `3`, `-3` or `+2.5` stands for, or None if it is not one."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return sign * float(node.value)
    return None


def names_in(text: str) -> list[str]:
    """The variable names `text` uses, in order of first appearance (function names excluded)."""
    tree = parse(text)
    called = {id(n.func) for n in ast.walk(tree.body) if isinstance(n, ast.Call)}
    found: dict[str, None] = {}
    names = [node for node in ast.walk(tree.body) if isinstance(node, ast.Name)]
    for node in sorted(names, key=lambda name: name.col_offset):
        if id(node) not in called:
            if node.id in FUNCTIONS:
                refuse(f"{node.id} without a call (write {node.id}(x))")
            found[node.id] = None
    return list(found)


def evaluate(text: str, values: Mapping[str, float]) -> Value:
    """The Value graph of `text` with each name bound to a leaf holding `values[name]`.

    Raises ValueError for a refused expression, a name without a value, or a value given for a
    name the expression does not use; arithmetic errors (log of 0, 1/0) are the engine's own.
    """
    tree = parse(text)
    source = text.strip()
    wanted = names_in(text)
    missing = [name for name in wanted if name not in values]
    if missing:
        raise ValueError(
            f"no value for {', '.join(missing)} in {source!r}; give one, e.g. "
            + " ".join(f"{name}=1.0" for name in missing)
        )
    leaves = {name: Value(float(values[name]), name) for name in wanted}
    result = _walk(tree.body, leaves, source)
    unused = sorted(set(values) - set(wanted))
    if unused:
        raise ValueError(f"{', '.join(unused)} given but not used in {source!r} (a typo?)")
    return result if isinstance(result, Value) else Value(result, source[:MAX_LABEL])


def _walk(root: ast.expr, leaves: dict[str, Value], source: str) -> Result:
    """Evaluate the checked tree bottom-up with an explicit stack (no recursion, any depth)."""
    done: dict[int, Result] = {}
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        children = _children(node)
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        operands = [done.pop(id(child)) for child in children]
        result = _apply(node, operands, leaves)
        if isinstance(result, Value) and not result.label and result.parents:
            text = ast.get_source_segment(source, node) or ""
            if len(text) <= MAX_LABEL:
                result.label = text
        done[id(node)] = result
    return done[id(root)]


def _children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return [node.args[0]]
    return []


def _apply(node: ast.expr, operands: list[Result], leaves: dict[str, Value]) -> Result:
    """One checked node applied to its evaluated operands; numbers only stay plain numbers."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))
        return float(node.value)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        (a,) = operands
        return -a if isinstance(node.op, ast.USub) else a
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        (a,) = operands
        function = FUNCTIONS[node.func.id]
        return function(a) if isinstance(a, Value) else function(Value(a)).data
    assert isinstance(node, ast.BinOp)
    left, right = operands
    if isinstance(node.op, ast.Pow) and not isinstance(right, Value) and abs(right) > MAX_EXPONENT:
        refuse(f"the exponent {right:g} (larger than {MAX_EXPONENT:g})")
    op = OPERATORS[type(node.op)]
    if isinstance(left, Value) or isinstance(right, Value):
        result: Value = op(left, right)
        return result
    number: float = op(Value(left), right).data  # the engine's rule, with its errors
    return number


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """{"a": 2.0, "b": -3.0} from ["a=2", "b=-3"], or ValueError saying which item is wrong."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name = name.strip()
        shown = _short(item)  # a message stays one line, however long the item
        if not sep or not name.isidentifier() or name in FUNCTIONS:
            raise ValueError(f"{shown!r} is not NAME=NUMBER (e.g. a=2 or b=-3.5)")
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"{shown!r}: {_short(number.strip())!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{shown!r}: the value must be a finite number")
        if name in values:
            raise ValueError(f"{_short(name)} is given twice ({values[name]:g} and {value:g})")
        values[name] = value
    return values


__all__ = ["ALLOWED", "FUNCTIONS", "evaluate", "names_in", "parse", "parse_assignments"]
