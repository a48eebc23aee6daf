"""Groups: nodes drawn boxed together, and drawn as one box when the whole graph is too big.

`autograd` knows nothing of what a group means; the caller says. A group has a name (its box's
title), its members (interior nodes and leaves alike), the members its box still shows when it is
collapsed (`shown`, e.g. a weighted sum and what it feeds), a line saying what it computes
(`summary`), and optionally the title of a larger box drawn around it and its siblings (`within`).
Top to bottom, larger boxes follow one another: one that uses the results of the box before it is
drawn wholly below it, its leaves too (`stack_within`), so a chain of them reads down the page
instead of spreading across it. Left to right that is not needed (the leaves sit under the first
box's end, which costs no width) and it would cost much: every arrow from the first box into the
second would have to go round the column of the second's leaves.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from autograd.draw.scene import Arrow, Scene
from autograd.value import Value


@dataclass(frozen=True, eq=False)
class Group:
    """Nodes boxed together: `members` inside a box titled `name`.

    Past `max_nodes` the members are hidden and the box stands for them, showing the `shown`
    members' data and grad (the last one is the group's result) and the `summary` line.
    """

    name: str
    members: Collection[Value]
    shown: Sequence[Value] = ()
    summary: str = ""
    within: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a Group needs a name: the title of its box")
        stray = [v for v in self.shown if v not in set(self.members)]
        if stray:
            raise ValueError(f"group {self.name!r}: shown Values {stray!r:.200} are not members")


def owners(groups: Sequence[Group]) -> dict[Value, Group]:
    """Each member's group; a Value in two groups is an error (boxes cannot overlap)."""
    found: dict[Value, Group] = {}
    for group in groups:
        for member in group.members:
            other = found.setdefault(member, group)
            if other is not group:
                raise ValueError(
                    f"{member!r:.80} is in two groups, {other.name!r} and {group.name!r}; "
                    "a Value belongs to one box at most"
                )
    return found


def backward_units(
    order: list[Value], unit_of: dict[Value, str]
) -> list[tuple[str, list[Value]]]:
    """The drawn units (a group, or one op node) in an order backward can take them one at a time.

    A unit comes after every unit that uses its results, so its nodes have received all of their
    gradient when it runs; its interior nodes are listed in reverse topological order.
    """
    rank = {node: i for i, node in enumerate(order)}
    interior: dict[str, list[Value]] = {}
    for node in order:
        if node.parents:
            interior.setdefault(unit_of[node], []).append(node)
    users: dict[str, set[str]] = {unit: set() for unit in interior}
    for unit, nodes in interior.items():
        for node in nodes:
            for parent in node.parents:
                below = unit_of.get(parent)
                if below is not None and below != unit and below in interior:
                    users[below].add(unit)
    waiting = {unit: len(above) for unit, above in users.items()}
    feeds: dict[str, set[str]] = {unit: set() for unit in interior}
    for below, above in users.items():
        for unit in above:
            feeds[unit].add(below)
    last = {unit: max(rank[node] for node in nodes) for unit, nodes in interior.items()}
    ready = sorted((unit for unit, n in waiting.items() if n == 0), key=last.__getitem__)
    result: list[tuple[str, list[Value]]] = []
    while ready:
        unit = ready.pop()
        result.append((unit, list(reversed(interior[unit]))))
        for below in feeds[unit]:
            waiting[below] -= 1
            if waiting[below] == 0:
                ready.append(below)
        ready.sort(key=last.__getitem__)
    if len(result) != len(interior):
        raise ValueError("the groups given make a cycle: a group both feeds and uses another")
    return result


def leaf_chains(groups: Sequence[Group], order: Sequence[Value]) -> list[list[Value]]:
    """Leaves to keep side by side, in order, in one rank: each group's own, as its first op
    takes them (w0, w1, b), and the leaves outside every group that the groups' first ops share
    (inputs), as the first of them takes them. No chain mixes two groups' leaves: a layout could
    then route no arrow between the groups."""
    grouped = set(owners(groups))
    chains: list[list[Value]] = []
    shared: list[Value] = []
    for group in groups:
        members = set(group.members)
        ops = [node for node in order if node in members and node.parents]
        leaves = [p for p in (ops[0].parents if ops else ()) if not p.parents]
        own = [leaf for leaf in dict.fromkeys(leaves) if leaf in members]
        shared += [leaf for leaf in leaves if leaf not in grouped]
        chains.append(own)
    chains.append(list(dict.fromkeys(shared)))
    return [chain for chain in chains if len(chain) > 1]


def stack_within(scene: Scene) -> None:
    """Invisible arrows that put each larger box (a top-level "outer" cluster) after the one
    before it, when it uses that one's results: from each box that sends an arrow out of the
    first to each box of the second that no arrow enters (its leaves, which a layout would
    otherwise rank beside the first box's last ones)."""
    parents = {cluster.id: cluster.parent for cluster in scene.clusters}
    outer = [c.id for c in scene.clusters if c.style == "outer" and c.parent is None]
    members: dict[str, set[str]] = {cluster: set() for cluster in outer}
    for box in scene.boxes:
        cluster = box.cluster
        while cluster is not None and parents.get(cluster) is not None:
            cluster = parents[cluster]
        if cluster in members:
            members[cluster].add(box.id)
    entered = {arrow.head for arrow in scene.arrows}
    for first, second in itertools.pairwise(outer):
        before, after = members[first], members[second]
        exits = sorted({a.tail for a in scene.arrows if a.tail in before and a.head not in before})
        if not any(a.tail in before and a.head in after for a in scene.arrows):
            continue
        for head in sorted(after - entered):
            for tail in exits:
                scene.arrows.append(Arrow(f"after{len(scene.arrows)}", tail, head,
                                          visible=False))


def check_groups(groups: Sequence[Group]) -> None:
    """Group names must be unique: they title the boxes and name the clusters."""
    seen: set[str] = set()
    for group in groups:
        if group.name in seen:
            raise ValueError(f"two groups are named {group.name!r}; names must be unique")
        seen.add(group.name)


__all__ = ["Group", "backward_units", "check_groups", "leaf_chains", "owners", "stack_within"]
