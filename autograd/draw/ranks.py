"""What chainrule does to grandalf's ranks between its steps, for clusters and room.

grandalf knows nothing of clusters: it orders each rank to cut crossings and places boxes as
close as their sizes allow. `keep_together` reorders each rank so a cluster's boxes are
neighbours (and sibling clusters keep their order); `keep_apart` then pushes boxes apart where
cluster borders need room, and sibling clusters apart where their rectangles, taken over all
their ranks, would overlap; `make_room` moves ranks apart where an arrow asks for it. All work
in grandalf's own frame: ranks top to bottom, `x` across a rank; `ranks` are grandalf's ranks
(its lists of vertices, in order).
"""

from __future__ import annotations

import itertools
from typing import Any

from autograd.draw.layout import BOX_GAP, CLUSTER_PAD, RANK_GAP
from autograd.draw.measure import FONT_SIZE, LINE
from autograd.draw.scene import Scene


def keep_together(
    sugiyama: Any, ranks: list[Any], chains: dict[str, list[str]], orders: list[list[str]],
    listed: list[str],
) -> None:
    """Reorder each rank so a cluster's boxes are neighbours, clusters inside one cluster keep
    the order they are `listed` in, and ordered boxes keep their order.

    Stable sort by where each box's outermost cluster first appears in the rank: the
    crossing-cutting order is kept as far as the clusters allow.
    """
    place = {box_id: i for chain in orders for i, box_id in enumerate(chain)}  # within its chain
    number = {cluster: i for i, cluster in enumerate(listed)}
    for rank in ranks:
        first: dict[str, int] = {}
        keys: list[tuple[int, int, int]] = []
        members = [_chain(v, chains) for v in rank]
        for position, chain in enumerate(members):
            if chain:
                first.setdefault(chain[0], position)
        for position, chain in enumerate(members):
            outer = first[chain[0]] if chain else position
            inner = number[chain[1]] if len(chain) >= 2 else -1
            keys.append((outer, inner, position))
        ordered = [rank[i] for i in sorted(range(len(rank)), key=keys.__getitem__)]
        for chain in orders:  # each chain's boxes, in the places they hold, in its order
            boxes = set(chain)
            fixed = [i for i, v in enumerate(ordered) if getattr(v, "data", None) in boxes]
            wanted = sorted((ordered[i] for i in fixed), key=lambda v: place[v.data])
            for i, vertex in zip(fixed, wanted):
                ordered[i] = vertex
        rank[:] = ordered
        rank.setup(sugiyama)


SPREAD = 2.0  # keep_apart moves clusters apart only if the drawing grows at most this much


def keep_apart(
    ranks: list[Any], chains: dict[str, list[str]], clusters: list[tuple[str, str | None]]
) -> None:
    """Room for cluster borders between neighbours in a rank, then sibling clusters (one
    `parent`, taken in their listed order, inner ones first) moved apart where their spans
    across overlap in ranks they share.

    The second step is given up when it would make the drawing more than SPREAD times as wide:
    grandalf places a cluster's boxes rank by rank, not as a block, and when sibling clusters
    straggle across many ranks (a column of inputs here, their sum far below) pushing each past
    the whole span of the last adds up; their rectangles may then overlap, as in grandalf alone.
    """
    for rank in ranks:
        for before, after in itertools.pairwise(list(rank)):
            first, second = _chain(before, chains), _chain(after, chains)
            shared = sum(1 for _ in itertools.takewhile(lambda p: p[0] == p[1],
                                                         zip(first, second)))
            borders = len(first) + len(second) - 2 * shared
            need = (before.view.w + after.view.w) / 2 + BOX_GAP + CLUSTER_PAD * borders
            short = need - (after.view.xy[0] - before.view.xy[0])
            if short > 0:
                _shift(rank[rank.index(after):], short)
    members: dict[str, list[Any]] = {cluster: [] for cluster, _ in clusters}
    where: dict[Any, int] = {}
    for number, rank in enumerate(ranks):
        for vertex in rank:
            where[vertex] = number
            for cluster in _chain(vertex, chains):
                members[cluster].append(vertex)
    children: dict[str | None, list[str]] = {}
    for cluster, parent in clusters:
        children.setdefault(parent, []).append(cluster)
    placed = {vertex: vertex.view.xy for rank in ranks for vertex in rank}
    before = _span(ranks)

    def visit(parent: str | None) -> None:
        for child in children.get(parent, []):
            visit(child)
        for a, b in itertools.pairwise(children.get(parent, [])):
            left_side, right_side = members[a], members[b]
            if not left_side or not right_side or not _share_ranks(left_side, right_side, where):
                continue
            right = max(v.view.xy[0] + v.view.w / 2 for v in left_side)
            left = min(v.view.xy[0] - v.view.w / 2 for v in right_side)
            short = right + 2 * CLUSTER_PAD + BOX_GAP - left
            if short > 0:
                _push_after(ranks, set(left_side), set(right_side), short)

    visit(None)
    if _span(ranks) > SPREAD * before:
        for vertex, xy in placed.items():
            vertex.view.xy = xy


def _span(ranks: list[Any]) -> float:
    """How wide the drawing is, across its ranks."""
    right: float = max(v.view.xy[0] + v.view.w / 2 for rank in ranks for v in rank)
    left: float = min(v.view.xy[0] - v.view.w / 2 for rank in ranks for v in rank)
    return right - left


def _chain(vertex: Any, chains: dict[str, list[str]]) -> list[str]:
    return chains.get(getattr(vertex, "data", None) or "", [])


def _share_ranks(first: list[Any], second: list[Any], where: dict[Any, int]) -> bool:
    a = [where[v] for v in first]
    b = [where[v] for v in second]
    return max(a) >= min(b) and max(b) >= min(a)


def _shift(vertices: list[Any], by: float) -> None:
    for vertex in vertices:
        x, y = vertex.view.xy
        vertex.view.xy = (x + by, y)


def _push_after(ranks: list[Any], before: set[Any], after: set[Any], by: float) -> None:
    """Move right, in every rank with a box of either cluster, what comes after the cluster
    `before`: what follows its last box there, else from the first box of `after` on."""
    for rank in ranks:
        order = list(rank)
        mine = [i for i, v in enumerate(order) if v in before]
        theirs = [i for i, v in enumerate(order) if v in after]
        if mine or theirs:
            _shift(order[max(mine) + 1 if mine else min(theirs):], by)


def make_room(ranks: list[Any], scene: Scene, vertices: dict[str, Any],
              chains: dict[str, list[str]], across: bool) -> None:
    """Move ranks apart where an arrow asks for more `room` than the gap between its two ranks,
    and where clusters end and begin between two ranks (their borders, and the titles of those
    that begin when ranks run top to bottom, need room the gap may not have)."""
    rank = {vertex: number for number, members in enumerate(ranks) for vertex in members}
    extra: dict[int, float] = {}
    for arrow in scene.arrows:
        tail, head = vertices[arrow.tail], vertices[arrow.head]
        if arrow.room > RANK_GAP and tail in rank and head in rank:
            first = min(rank[tail], rank[head])
            extra[first] = max(extra.get(first, 0.0), arrow.room - RANK_GAP)
    present = [{c for v in members for c in _chain(v, chains)} for members in ranks]
    seen: set[str] = set()
    for number in range(len(ranks) - 1):
        seen |= present[number]
        ending = present[number] - present[number + 1]
        beginning = present[number + 1] - seen
        need = BOX_GAP + CLUSTER_PAD * (len(ending) + len(beginning))
        if not across:
            need += FONT_SIZE * LINE * len(beginning)
        if need > RANK_GAP:
            extra[number] = max(extra.get(number, 0.0), need - RANK_GAP)
    shift = 0.0
    for number, members in enumerate(ranks):
        for vertex in members:
            x, y = vertex.view.xy
            vertex.view.xy = (x, y + shift)
        shift += extra.get(number, 0.0)


__all__ = ["keep_apart", "keep_together", "make_room"]
