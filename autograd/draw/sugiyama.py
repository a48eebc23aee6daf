"""The pure-Python layout: grandalf's Sugiyama algorithm, for a machine without graphviz's `dot`.

Sugiyama's method, as `dot` uses it: give each node a rank (its depth along the arrows), order the
nodes of each rank to cut crossings, then place them. grandalf does the three steps; chainrule adds
what it lacks: an arrow's label is a small node of its own between the two ends (so labels get room,
as in `dot`), which the line passes beside, not through; the members of a cluster are kept next to
each other in each rank; boxes given an order (`Scene.orders`) keep it; an arrow that asks for
`room` gets it between its two ranks. grandalf stacks ranks top to bottom; for left-to-right
diagrams the two axes are swapped.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from autograd.draw.layout import (
    BOX_GAP,
    CLUSTER_PAD,
    RANK_GAP,
    Layout,
    Point,
    Route,
    arrows_to_place,
    clip,
    label_size,
)
from autograd.draw.measure import FONT_SIZE, LINE, cells, text_width
from autograd.draw.ranks import keep_apart, keep_together, make_room
from autograd.draw.scene import Scene

ARROWHEAD = 7.0
MARGIN = 6.0
TITLE_INSET = 8.0
TITLE_SLACK = 24.0  # more than a title needs, so it can move along its strip, clear of arrows
LINE_ROOM = 4.0  # beside a label, the strip its arrow's line runs in


class _View:
    """What grandalf reads and writes for a node: its size, then its centre."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: tuple[float, float] = (0.0, 0.0)


class _Path:
    """What grandalf writes for an arrow: the points it passes through."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = list(points)


def grandalf_layout(scene: Scene) -> Layout:
    """Place `scene` with grandalf; ImportError says how to install it when it is missing."""
    try:
        from grandalf.graphs import Edge, Graph, Vertex
        from grandalf.layouts import SugiyamaLayout
    except ImportError:
        raise ImportError(
            "drawing without graphviz's dot needs the grandalf package: pip install "
            "'chainrule[graph]' (or pip install grandalf), or install dot (apt-get install "
            "graphviz, brew install graphviz)"
        ) from None
    across = scene.options.rankdir in ("LR", "RL")
    sizes = {box.id: cells(box)[:2] for box in scene.boxes}
    chains = _cluster_chains(scene)
    titles = {cluster.id: text_width(cluster.label) for cluster in scene.clusters}
    room = {box_id: max([sizes[box_id][0]] + [titles[c] + 2 * TITLE_INSET + TITLE_SLACK
                                                - 2 * CLUSTER_PAD for c in chains[box_id]])
            for box_id in sizes} if across else {}
    vertices: dict[str, Any] = {}
    for box in scene.boxes:
        w, h = sizes[box.id]
        vertex = Vertex(box.id)
        vertex.view = _View(h, room[box.id]) if across else _View(w, h)
        vertices[box.id] = vertex
    edges: dict[tuple[str, str], Any] = {}
    legs: dict[str, list[tuple[str, str]]] = {}
    for arrow in arrows_to_place(scene):
        ends = [arrow.tail, arrow.head]
        if arrow.label and not arrow.straight:
            middle = "label:" + arrow.id
            w, h = label_size(arrow.label)
            vertex = Vertex(middle)
            vertex.view = _View(h + LINE_ROOM, w) if across else _View(w + LINE_ROOM, h)
            vertices[middle] = vertex
            ends.insert(1, middle)
        legs[arrow.id] = list(itertools.pairwise(ends))
        for tail, head in legs[arrow.id]:
            if (tail, head) not in edges:
                edge = Edge(vertices[tail], vertices[head])
                edge.view = _Path()
                edges[(tail, head)] = edge
    graph = Graph(list(vertices.values()), list(edges.values()))
    offset = 0.0
    for component in graph.C:
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = BOX_GAP, RANK_GAP
        sugiyama.init_all(optimize=True)
        for _ in range(2):
            for _ in sugiyama.ordering_step():
                pass
        ranks = sugiyama.layers
        keep_together(sugiyama, ranks, chains, scene.orders, [c.id for c in scene.clusters])
        sugiyama.setxy()
        keep_apart(ranks, chains, [(c.id, c.parent) for c in scene.clusters])
        make_room(ranks, scene, vertices, chains, across)
        sugiyama.draw_edges()
        low = min(v.view.xy[0] - v.view.w / 2 for v in component.sV)
        high = max(v.view.xy[0] + v.view.w / 2 for v in component.sV)
        for vertex in component.sV:
            x, y = vertex.view.xy
            vertex.view.xy = (x - low + offset, y)
        for edge in component.sE:
            edge.view.points = [(x - low + offset, y) for x, y in edge.view.points]
        offset += high - low + 3 * BOX_GAP
    return _to_layout(scene, vertices, edges, legs, sizes, across, room)


def _cluster_chains(scene: Scene) -> dict[str, list[str]]:
    """Each box's clusters, outermost first."""
    parents = {cluster.id: cluster.parent for cluster in scene.clusters}
    chains: dict[str, list[str]] = {}
    for box in scene.boxes:
        chain: list[str] = []
        cluster = box.cluster
        while cluster is not None:
            chain.insert(0, cluster)
            cluster = parents.get(cluster)
        chains[box.id] = chain
    return chains


def _to_layout(
    scene: Scene,
    vertices: dict[str, Any],
    edges: dict[tuple[str, str], Any],
    legs: dict[str, list[tuple[str, str]]],
    sizes: dict[str, tuple[float, float]],
    across: bool,
    room: dict[str, float],
) -> Layout:
    """grandalf's coordinates, swapped for left-to-right, shifted to start at the margin."""

    def turn(point: tuple[float, float]) -> Point:
        return (point[1], point[0]) if across else point

    centres = {name: turn(vertex.view.xy) for name, vertex in vertices.items()}
    left = min(x - _size(name, sizes)[0] / 2 for name, (x, _) in centres.items()
               if name in sizes) - MARGIN
    top = min(y - _size(name, sizes)[1] / 2 for name, (_, y) in centres.items()
              if name in sizes) - MARGIN
    top -= FONT_SIZE * LINE + CLUSTER_PAD  # room for a top-level cluster's title
    left -= CLUSTER_PAD

    def move(point: Point) -> Point:
        return point[0] - left, point[1] - top

    result = Layout(0.0, 0.0, engine="grandalf")
    for box_id, (w, h) in sizes.items():
        x, y = move(centres[box_id])
        result.boxes[box_id] = (x, y, w, h)
    shapes = {box.id: box.shape for box in scene.boxes}
    for arrow in scene.arrows:
        if not arrow.visible or arrow.straight or arrow.id not in legs:
            continue  # a straight arrow's route is drawn from where its ends are
        points: list[Point] = []
        label = None
        for tail, head in legs[arrow.id]:
            leg = [move(turn(p)) for p in edges[(tail, head)].view.points]
            if head.startswith("label:"):
                label = move(centres[head])
                leg = leg[:-1]
            elif tail.startswith("label:"):
                leg = [*_beside(label, arrow.label, across), *leg[1:]]
            points += leg
        start = result.boxes[arrow.tail]
        end = result.boxes[arrow.head]
        points[0] = clip(points[0], start[2:], points[1], shapes[arrow.tail] != "table")
        tip = clip(points[-1], end[2:], points[-2], shapes[arrow.head] != "table")
        points[-1] = _back_off(points[-2], tip)
        route = Route(points, False, tip)
        if label is not None:
            route.label, route.anchor = _text_beside(label, arrow.label, across)
        elif len(points) > 2:  # bent around other ranks' boxes: a smooth curve through the bends
            route = Route(_smooth(points), True, tip)
        result.routes[arrow.id] = route
    _cluster_boxes(scene, result, room)
    right = max([x + w / 2 for x, _, w, _ in result.boxes.values()]
                + [x + w for x, _, w, _ in result.clusters.values()])
    bottom = max([y + h / 2 for _, y, _, h in result.boxes.values()]
                 + [y + h for _, y, _, h in result.clusters.values()])
    result.width, result.height = right + MARGIN, bottom + MARGIN
    return result


def _smooth(points: list[Point]) -> list[Point]:
    """The cubic Bézier curve through `points` (Catmull-Rom): the start, then two control points
    and the next point for each piece."""
    ends = [points[0], *points, points[-1]]
    curve = [points[0]]
    for i in range(1, len(ends) - 2):
        before, start, end, after = ends[i - 1], ends[i], ends[i + 1], ends[i + 2]
        curve += [(start[0] + (end[0] - before[0]) / 6, start[1] + (end[1] - before[1]) / 6),
                  (end[0] - (after[0] - start[0]) / 6, end[1] - (after[1] - start[1]) / 6), end]
    return curve


def _beside(centre: Point | None, text: str, across: bool) -> list[Point]:
    """Where a line runs past its label's node: along the node's bottom strip (left to right),
    or its left strip (top to bottom), so the text beside it stays clear."""
    assert centre is not None
    (x, y), (w, h) = centre, label_size(text)
    if across:
        line = y + h / 2
        return [(x - w / 2, line), (x + w / 2, line)]
    line = x - w / 2
    return [(line, y - h / 2), (line, y + h / 2)]


def _text_beside(centre: Point, text: str, across: bool) -> tuple[Point, str]:
    """The anchor of a label's text beside its line: centred above it, or starting right of it."""
    (x, y), (w, _) = centre, label_size(text)
    if across:
        return (x, y - LINE_ROOM / 2), "middle"
    return (x - w / 2 + LINE_ROOM / 2 + 2, y), "start"


def _size(name: str, sizes: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return sizes[name]


def _back_off(before: Point, tip: Point) -> Point:
    """Where the line stops for an arrowhead to reach `tip`."""
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = math.hypot(dx, dy) or 1.0
    step = min(ARROWHEAD, length / 2)
    return tip[0] - dx / length * step, tip[1] - dy / length * step


def _cluster_boxes(scene: Scene, result: Layout, room: dict[str, float]) -> None:
    """Each cluster's rectangle: around its boxes and inner clusters, and room for its title: in
    a left-to-right diagram the rank of its boxes was given that `room`; top to bottom, it
    reaches out to the left of its first boxes, away from the arrows coming down into them."""
    children: dict[str | None, list[str]] = {}
    for cluster in scene.clusters:
        children.setdefault(cluster.parent, []).append(cluster.id)
    inside: dict[str, list[str]] = {}
    for box in scene.boxes:
        if box.cluster is not None:
            inside.setdefault(box.cluster, []).append(box.id)
    titles = {cluster.id: cluster.label for cluster in scene.clusters}

    def measure(cluster_id: str) -> tuple[float, float, float, float] | None:
        rects = []
        for box_id in inside.get(cluster_id, []):
            x, y, w, h = result.boxes[box_id]
            w = max(w, room.get(box_id, 0.0))
            rects.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
        for child in children.get(cluster_id, []):
            found = measure(child)
            if found is not None:
                x, y, w, h = found
                rects.append((x, y, x + w, y + h))
        if not rects:
            return None
        x0 = min(r[0] for r in rects) - CLUSTER_PAD
        y0 = min(r[1] for r in rects) - CLUSTER_PAD - FONT_SIZE * LINE
        x1 = max(r[2] for r in rects) + CLUSTER_PAD
        y1 = max(r[3] for r in rects) + CLUSTER_PAD
        short = text_width(titles[cluster_id]) + 2 * TITLE_INSET - (x1 - x0)
        if short > 0:
            x0 -= short
        result.clusters[cluster_id] = (x0, y0, x1 - x0, y1 - y0)
        return result.clusters[cluster_id]

    for top in children.get(None, []):
        measure(top)


__all__ = ["grandalf_layout"]
