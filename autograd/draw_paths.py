"""The chain rule as paths: dC/dw is a sum over the paths from C down to w of the product of the
local derivatives on each path's arrows.

For the seeds' one-neuron-per-layer chain `C <- A[L] <- Z[L] <- w` there is one path, and

    dC/dw = dC/dA[L] · dA[L]/dZ[L] · dZ[L]/dw.

A value used twice (`a + a`, or a neuron feeding two neurons) gives several paths, and their
products add up. `backward()` computes the same number without listing paths (there can be
exponentially many); this module lists them for a diagram, when there are few enough to read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from autograd.value import Value

MAX_LISTED_PATHS = 6
MAX_NAMED_FACTORS = 6

Step = tuple[Value, Value, float]  # (node, one of its parents, d node / d parent)


@dataclass
class Paths:
    """Every path from a root down to one target Value, summarised."""

    on_path: set[Value]  # the nodes that lie on at least one path (root and target included)
    count: int  # how many paths there are (a + a counts twice)
    total: float  # sum over paths of the product of their factors = d root / d target
    listed: list[list[Step]] = field(default_factory=list)  # the paths, when count is small


def find_paths(order: list[Value], target: Value) -> Paths:
    """The paths from the last node of `order` (the root) down to `target`.

    `order` is topological (parents first), so one pass forward finds, for every node, whether
    it depends on `target`, along how many paths, and the derivative d node / d target (the sum
    over paths of products, computed forward as d node/d target = Σ local · d parent/d target).
    """
    root = order[-1]
    count: dict[Value, int] = {target: 1}
    derivative: dict[Value, float] = {target: 1.0}
    for node in order:
        if node is target or not node.parents:
            continue
        n, d = 0, 0.0
        for parent, local in zip(node.parents, node.local_grads):
            c = count.get(parent)
            if c is not None:
                n += c
                d += local * derivative[parent]
        if n:
            count[node] = n
            derivative[node] = d
    paths = Paths(set(count), count.get(root, 0), derivative.get(root, 0.0))
    if 0 < paths.count <= MAX_LISTED_PATHS:
        paths.listed = _list_paths(root, target, paths.on_path)
    return paths


def _list_paths(root: Value, target: Value, on_path: set[Value]) -> list[list[Step]]:
    """Each path from root to target as its steps, found depth first without recursion."""
    found: list[list[Step]] = []
    stack: list[tuple[Value, list[Step]]] = [(root, [])]
    while stack:
        node, steps = stack.pop()
        if node is target:
            found.append(steps)
            continue
        for parent, local in reversed(list(zip(node.parents, node.local_grads))):
            if parent in on_path:
                stack.append((parent, [*steps, (node, parent, local)]))
    return found


def caption(
    paths: Paths, root: Value, target: Value, names: dict[Value, str], fmt: Callable[[float], str]
) -> list[str]:
    """The lines that spell dC/dw out as the sum over paths of products, for the diagram."""
    whole = local_name(root, target, names)
    if root is target:
        return [f"{whole} = 1: the output itself, where backward() starts"]
    if not paths.listed:
        return [
            f"{whole} = sum over {paths.count} paths (too many to list; the bold arrows carry "
            f"every factor) = {fmt(paths.total)}"
        ]
    if paths.count == 1:
        lines = [f"{whole} = the product of the local derivatives along its one path"]
    else:
        lines = [f"{whole} = sum over {paths.count} paths of the product of the local "
                 "derivatives along each"]
    for i, steps in enumerate(paths.listed, 1):
        product = 1.0
        for _, _, local in steps:
            product *= local
        numbers = " × ".join(fmt(local) for _, _, local in steps)
        if len(steps) <= MAX_NAMED_FACTORS:
            factors = " · ".join(local_name(node, parent, names) for node, parent, _ in steps)
            lines.append(f"path {i}:  {factors} = {numbers} = {fmt(product)}")
        else:
            lines.append(f"path {i}:  {numbers} = {fmt(product)}")
    if paths.count > 1:
        lines.append(f"{whole} = {fmt(paths.total)}")
    return lines


def local_name(node: Value, parent: Value, names: dict[Value, str]) -> str:
    """'dz/da': the local derivative of `node` with respect to its operand `parent`."""
    return f"d{quoted(names[node])}/d{quoted(names[parent])}"


def quoted(name: str) -> str:
    """A name as it reads inside d.../d...: bracketed when it has spaces or operators in it."""
    plain = all(ch.isalnum() or ch in "_.[]'" for ch in name)
    return name if plain else f"({name})"


__all__ = ["MAX_LISTED_PATHS", "Paths", "caption", "find_paths", "local_name", "quoted"]
