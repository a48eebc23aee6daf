"""How a diagram looks: the options every drawing shares, the colours, and how numbers and ops read.

Kept apart from the graph walking (`autograd.draw.scene`) so that a change of colour never touches
the logic, and so the legend is built from the same table as the boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autograd.value import Value

DEFAULT_MAX_NODES = 300
FONT = "Helvetica"
HIGHLIGHT = "#c0392b"
FAINT = "#777777"
EDGE = "#555555"
NOT_REACHED = "—"  # the grad of a Value that no backward() has reached: unknown, not 0

# Each kind of box: its fill colour and what the legend says about it.
KINDS: dict[str, tuple[str, str]] = {
    "output": ("#b8e0b0", "output: the Value drawn"),
    "parameter": ("#fdd49e", "parameter: a weight or bias, what training changes"),
    "input": ("#c6dbef", "input: a number fed in"),
    "leaf": ("#e8e8e8", "leaf: a number no op made (a constant, or an unmarked input)"),
    "interior": ("#ffffff", "intermediate Value: made by the op just before it"),
    "group": ("#fff7d6", "box: a group of nodes drawn as one, its inner nodes hidden"),
}
OP_FILL = "#f2f2f2"
GROUP_FILL = "#fffbea"
GROUP_BORDER = "#d9c27a"


@dataclass(frozen=True)
class Options:
    """The drawing options shared by every kind of diagram, checked once."""

    rankdir: str = "LR"
    show_grad: bool = True
    show_local: bool = False
    number_format: str = ".4g"
    max_nodes: int = DEFAULT_MAX_NODES
    legend: bool = True

    def __post_init__(self) -> None:
        if self.rankdir not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {self.rankdir!r}")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int):
            raise ValueError(f"max_nodes must be an int, got {self.max_nodes!r}")
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, got {self.max_nodes}")
        try:
            format(-1.5, self.number_format)
        except (ValueError, TypeError):
            raise ValueError(
                f"number_format {self.number_format!r} is not a float format spec; "
                "try '.4g', '.3f' or '.2e'"
            ) from None

    def number(self, x: float) -> str:
        """`x` in the chosen format ('-0' is shown as '0', which is what a reader expects)."""
        text = format(x, self.number_format)
        return text[1:] if text.startswith("-") and float(text) == 0.0 else text


_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "/", "**": "^"}
MAX_SHOWN = 6  # operands listed in an op like sum(·, ·, 2); past it, only its numbers


def op_text(node: Value, number: Callable[[float], str]) -> str:
    """The op that made `node` as a diagram prints it, read from the op and its operands (never
    from the `op` string): typographic symbols, and a folded number in the diagram's format, set
    apart from its symbol so "subtract 1.0" never reads like the number -1.0: `× 2`, `− 1`,
    `2 −`, `^ 2`, `+ −0.5`, `sum(·, ·, 2)`; other ops by their name.
    """
    op = node._op
    if op is None:
        return ""
    operands = node._operands
    symbol = _SYMBOLS.get(op.name, op.name)

    def shown(x: object) -> str:
        if isinstance(x, Value):
            return "·"
        text = number(float(x))  # type: ignore[arg-type]
        return "−" + text[1:] if text.startswith("-") else text

    constants = [x for x in operands if not isinstance(x, Value)]
    if not constants:
        return symbol
    if len(operands) == 2 and not op.name.isidentifier():
        left, right = operands
        return f"{symbol} {shown(right)}" if isinstance(left, Value) else f"{shown(left)} {symbol}"
    listed = [shown(x) for x in operands]
    if len(listed) > MAX_SHOWN:
        listed = ["…", *map(shown, constants)]
    return f"{op.name}({', '.join(listed)})"


__all__ = [
    "DEFAULT_MAX_NODES",
    "EDGE",
    "FAINT",
    "FONT",
    "GROUP_BORDER",
    "GROUP_FILL",
    "HIGHLIGHT",
    "KINDS",
    "NOT_REACHED",
    "OP_FILL",
    "Options",
    "op_text",
]
