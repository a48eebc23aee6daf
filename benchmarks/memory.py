"""Memory per op node, for every kind of op, in chainrule and in micrograd (tracemalloc).

    python benchmarks/memory.py [--quick]

Each kind is made `count` times from the same leaves and the nodes are kept in a list made
beforehand, so the bytes counted are the nodes' own: the Value object, its number, its tuples of
parents, local derivatives and (when a number is folded in) operands, and any new float those
hold. micrograd has fewer ops: where it builds a kind out of several nodes (a - b is a + (-b),
-a is a * -1, a / b is a * b**-1), the bytes are for the whole expression and the table says
how many nodes that is. A number operand costs micrograd a leaf Value of its own.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

TARGET = 250  # bytes per op node, the engine's budget (issue 12)

# kind: (how chainrule makes it, how micrograd makes it or None, micrograd's node count)
Maker = Callable[[Any, Any], Any]


def kinds() -> dict[str, tuple[Maker, Maker | None, int]]:
    from autograd import Value, weighted_sum
    from autograd import sum as value_sum

    ws = [Value(0.1 * k) for k in range(16)]
    xs = [Value(0.2 * k) for k in range(16)]
    bias = Value(0.3)
    terms = [Value(0.1 * k) for k in range(32)]
    return {
        "a + b": (lambda a, b: a + b, lambda a, b: a + b, 1),
        "a - b": (lambda a, b: a - b, lambda a, b: a - b, 3),
        "a * b": (lambda a, b: a * b, lambda a, b: a * b, 1),
        "a / b": (lambda a, b: a / b, lambda a, b: a / b, 2),
        "a ** b (a Value exponent)": (lambda a, b: a ** b, None, 0),
        "-a": (lambda a, b: -a, lambda a, b: -a, 2),
        "a + 1.5 (a number folded in)": (lambda a, b: a + 1.5, lambda a, b: a + 1.5, 2),
        "2 - a": (lambda a, b: 2.0 - a, lambda a, b: 2.0 - a, 4),
        "a * 1.5": (lambda a, b: a * 1.5, lambda a, b: a * 1.5, 2),
        "a / 2": (lambda a, b: a / 2.0, lambda a, b: a / 2.0, 2),
        "a ** 2": (lambda a, b: a ** 2, lambda a, b: a ** 2, 1),
        "abs(a)": (lambda a, b: abs(a), None, 0),
        "exp": (lambda a, b: a.exp(), None, 0),
        "log": (lambda a, b: a.log(), None, 0),
        "tanh": (lambda a, b: a.tanh(), None, 0),
        "sigmoid": (lambda a, b: a.sigmoid(), None, 0),
        "relu": (lambda a, b: a.relu(), lambda a, b: a.relu(), 1),
        "weighted_sum of 16 (= 32 nodes unfused)": (lambda a, b: weighted_sum(ws, xs, bias),
                                                    None, 0),
        "sum of 32 (= 31 nodes unfused)": (lambda a, b: value_sum(terms), None, 0),
    }


def bytes_each(make: Callable[[], Any], count: int) -> float:
    """tracemalloc's bytes per object made, `count` of them held in a list."""
    held: list[Any] = [None] * count
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for i in range(count):
        held[i] = make()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held
    gc.collect()
    return (after - before) / count


def run(quick: bool) -> dict[str, Any]:
    from micrograd.engine import Value as MicrogradValue

    from autograd import Value

    count = 5_000 if quick else 50_000
    a, b = Value(0.75), Value(1.25)
    ma, mb = MicrogradValue(0.75), MicrogradValue(1.25)
    table: dict[str, dict[str, Any]] = {}
    for kind, (ours, theirs, nodes) in kinds().items():
        row: dict[str, Any] = {"chainrule": bytes_each(lambda f=ours: f(a, b), count)}
        if theirs is not None:
            row["micrograd"] = bytes_each(lambda f=theirs: f(ma, mb), count)
            row["micrograd nodes"] = nodes
        table[kind] = row
    return {"count": count, "kinds": table, "anatomy": anatomy()}


def anatomy() -> dict[str, int]:
    """sys.getsizeof of the parts of one chainrule node, `a * 1.5` (GC headers included)."""
    from autograd import Value

    a = Value(0.75)
    c = a * 1.5
    return {
        "the Value (8 slots)": sys.getsizeof(c),
        "its data float": sys.getsizeof(c.data),
        "parents (a,)": sys.getsizeof(c.parents),
        "local_grads (1.5,)": sys.getsizeof(c.local_grads),
        "_operands (a, 1.5), kept apart when a number is folded in": sys.getsizeof(c._operands),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"**Memory per op node** (tracemalloc, {result['count']:,} nodes of each kind made from "
        f"the same leaves and held in a list; the budget is {TARGET} bytes a node):",
        "",
        "| op node | chainrule, bytes | micrograd, bytes (its nodes) |",
        "|---|--:|--:|",
    ]
    for kind, row in result["kinds"].items():
        theirs = (f"{row['micrograd']:.0f} ({row['micrograd nodes']})" if "micrograd" in row
                  else "no such op")
        flag = " (over)" if row["chainrule"] > TARGET and "sum" not in kind else ""
        lines.append(f"| {kind} | {row['chainrule']:.0f}{flag} | {theirs} |")
    parts = ", ".join(f"{k}: {v}" for k, v in result["anatomy"].items())
    lines += ["", f"One `a * 1.5` node, part by part (sys.getsizeof, bytes): {parts}.", ""]
    return "\n".join(lines)


def main() -> None:
    print(markdown(run("--quick" in sys.argv)))


if __name__ == "__main__":
    main()


__all__ = ["TARGET", "markdown", "run"]
