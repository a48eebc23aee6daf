"""The chain rule as paths: d root/d w is a sum, over the paths from root down to w, of the product
of the local derivatives on each path's arrows.

For the seeds' chain `C <- A[L] <- Z[L] <- w` there is one path, and

    dC/dw = dC/dA[L] · dA[L]/dZ[L] · dZ[L]/dw.

A Value used twice (`a + a`, or a result used by two ops) gives several paths, and their
products add up. `backward()` computes the same number without listing paths (there can be
exponentially many); this module lists them, for a diagram's caption and for `nn.explain`.

A path may be told in fewer, bigger steps: given the set of `named` nodes, a path runs from named
node to named node, and the factor of a step u -> v is du/dv through the unnamed nodes between
them (the sum over those sub-paths of their products, what the notes write as one derivative:
`dC/da` for a whole loss formula). With every node named, each step is one recorded local
derivative and `a + a` has two paths.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from autograd.value import Value

MAX_LISTED_PATHS = 6
MAX_NAMED_FACTORS = 6


@dataclass(frozen=True)
class Step:
    """One factor of a path: d upper / d lower, `upper` nearer the root."""

    upper: Value
    lower: Value
    factor: float


@dataclass
class Paths:
    """Every path from a root down to one target Value."""

    root: Value
    target: Value
    on_path: set[Value]  # every node on at least one path (root and target included)
    count: int  # how many paths there are
    total: float  # sum over paths of the product of their factors = d root / d target
    steps: dict[Value, list[Step]] = field(default_factory=dict)  # named node -> steps down

    def each(self) -> Iterator[list[Step]]:
        """The paths one by one, root first, without recursion.

        They are found from the target upward, taking the nodes that use a Value in the order
        they were made: the first choice nearest the target varies slowest.
        """
        users: dict[Value, list[Step]] = {}
        for steps in self.steps.values():
            for step in steps:
                users.setdefault(step.lower, []).append(step)
        stack: list[tuple[Value, list[Step]]] = [(self.target, [])]
        while stack:
            node, below = stack.pop()
            if node is self.root:
                yield below
                continue
            for step in reversed(users.get(node, [])):
                stack.append((step.upper, [step, *below]))


def find_paths(
    order: list[Value], target: Value, named: Collection[Value] | None = None
) -> Paths:
    """The paths from the last node of `order` (the root) down to `target`.

    `order` is topological (parents first). `named` (default: every node) are the nodes a path
    is told through; the root and the target always are.
    """
    root = order[-1]
    rank = {node: i for i, node in enumerate(order)}
    depends = _depending_on(order, target)
    is_named = (lambda node: True) if named is None else _named_test(named, root, target)
    steps: dict[Value, list[Step]] = {}
    for node in order:
        if node in depends and node is not target and is_named(node):
            steps[node] = _steps_below(node, depends, is_named, rank)
    count: dict[Value, int] = {target: 1}
    derivative: dict[Value, float] = {target: 1.0}
    for node in order:
        if node in steps:
            count[node] = sum(count.get(s.lower, 0) for s in steps[node])
            derivative[node] = math.fsum(
                s.factor * derivative.get(s.lower, 0.0) for s in steps[node]
            )
    if root not in depends:
        return Paths(root, target, set(), 0, 0.0)
    return Paths(root, target, depends, count[root], derivative[root], steps)


def _depending_on(order: list[Value], target: Value) -> set[Value]:
    """The nodes with at least one path down to `target` (target included)."""
    found = {target}
    for node in order:
        if any(parent in found for parent in node.parents):
            found.add(node)
    return found


def _named_test(named: Collection[Value], root: Value, target: Value) -> Callable[[Value], bool]:
    chosen = {*named, root, target}
    return lambda node: node in chosen


def _steps_below(
    node: Value, depends: set[Value], is_named: Callable[[Value], bool], rank: dict[Value, int]
) -> list[Step]:
    """The steps from named `node` down to the next named nodes: a recorded local derivative for
    each operand that is named, and d node/d v summed through the unnamed nodes for the others."""
    steps: list[Step] = []
    through: dict[Value, float] = {}
    heap: list[tuple[int, int]] = []
    by_rank: dict[int, Value] = {}

    def reach(parent: Value, amount: float) -> None:
        if parent not in through:
            heapq.heappush(heap, (-rank[parent], id(parent)))
            by_rank[rank[parent]] = parent
            through[parent] = 0.0
        through[parent] += amount

    merged: dict[Value, float] = {}
    for parent, local in zip(node.parents, node.local_grads):
        if parent not in depends:
            continue
        if is_named(parent):
            steps.append(Step(node, parent, local))
        else:
            reach(parent, local)
    while heap:
        position, _ = heapq.heappop(heap)
        inner = by_rank[-position]
        g = through[inner]
        for parent, local in zip(inner.parents, inner.local_grads):
            if parent not in depends:
                continue
            if is_named(parent):
                merged[parent] = merged.get(parent, 0.0) + g * local
            else:
                reach(parent, g * local)
    steps += [Step(node, lower, factor) for lower, factor in merged.items()]
    return steps


def caption(paths: Paths, names: dict[Value, str], fmt: Callable[[float], str]) -> list[str]:
    """The lines that spell d root/d target out as the sum over paths of products."""
    whole = local_name(paths.root, paths.target, names)
    if paths.root is paths.target:
        return [f"{whole} = 1: the output itself, where backward() starts"]
    listed = [] if paths.count > MAX_LISTED_PATHS else list(paths.each())
    if not listed:
        return [
            f"{whole} = sum over {paths.count} paths (too many to list; the bold arrows carry "
            f"every factor) = {fmt(paths.total)}"
        ]
    if paths.count == 1:
        lines = [f"{whole} = the product of the local derivatives along its one path"]
    else:
        lines = [f"{whole} = sum over {paths.count} paths of the product of the local "
                 "derivatives along each"]
    for i, steps in enumerate(listed, 1):
        product = math.prod(step.factor for step in steps)
        numbers = " × ".join(fmt(step.factor) for step in steps)
        if len(steps) <= MAX_NAMED_FACTORS:
            factors = " · ".join(local_name(s.upper, s.lower, names) for s in steps)
            lines.append(f"path {i}:  {factors} = {numbers} = {fmt(product)}")
        else:
            lines.append(f"path {i}:  {numbers} = {fmt(product)}")
    if paths.count > 1:
        lines.append(f"{whole} = {fmt(paths.total)}")
    return lines


def local_name(node: Value, parent: Value, names: dict[Value, str]) -> str:
    """'dz/da': the derivative of `node` with respect to `parent`, in the diagram's names."""
    return f"d{quoted(names[node])}/d{quoted(names[parent])}"


def quoted(name: str) -> str:
    """A name as it reads inside d.../d...: bracketed when it has spaces or operators in it."""
    plain = all(ch.isalnum() or ch in "_.[]'" for ch in name)
    return name if plain else f"({name})"


__all__ = [
    "MAX_LISTED_PATHS",
    "Paths",
    "Step",
    "caption",
    "find_paths",
    "local_name",
    "quoted",
]
