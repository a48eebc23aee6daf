"""What both layouts leave to chainrule: straight arrows, the labels beside them, and the place of
each cluster's title.

A straight arrow (`Arrow.straight`) runs from the middle of the tail's side that faces the head to
the middle of the head's facing side, whatever route the layout found. Its label is set beside
the line, never on it: the corner of the label's box touches the line, on the side the line does
not continue to, at the first point along it (the middle first) where the box covers no other box
or label. A cluster's title goes in the strip at the top of the cluster, at the first place along
it (left first) that no arrow crosses.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

from autograd.draw.layout import Layout, Point, Route, label_size
from autograd.draw.measure import FONT_SIZE, LINE, text_width
from autograd.draw.scene import Arrow, Scene

Rect = tuple[float, float, float, float]  # left, top, right, bottom
ARROWHEAD = 7.0
ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85)
TITLE_INSET = 8.0
TITLE_TOP = 3.0
MARGIN = 4.0


def finish(scene: Scene, layout: Layout) -> None:
    """Route the straight arrows, label them, and place the cluster titles (in that order: a
    title avoids every arrow as it is finally drawn)."""
    across = scene.options.rankdir in ("LR", "RL")
    for arrow in scene.arrows:
        if arrow.straight and arrow.visible:
            layout.routes[arrow.id] = straight_route(layout, arrow, across)
    taken = [box_rect(layout, box_id) for box_id in layout.boxes]
    taken += [label_rect(arrow.label, route) for arrow in scene.arrows
              if arrow.label and not arrow.straight and (route := layout.routes.get(arrow.id))
              and route.label is not None]
    lines = [segment for arrow in scene.arrows if arrow.visible and arrow.id in layout.routes
             for segment in _segments(layout.routes[arrow.id])]
    for arrow in scene.arrows:
        route = layout.routes.get(arrow.id)
        if arrow.straight and arrow.label and route is not None:
            taken.append(label_beside(arrow.label, route, taken, lines))
    place_titles(scene, layout)
    fit(layout, taken)


def fit(layout: Layout, taken: Sequence[Rect]) -> None:
    """Shift everything to start at the margin and size the page to what is drawn (the layout
    engine's own bounds may hold routes it made for arrows drawn straight instead)."""
    rects = [*taken, *((x, y, x + w, y + h) for x, y, w, h in layout.clusters.values())]
    for route in layout.routes.values():
        xs = [p[0] for p in (*route.points, route.tip)]
        ys = [p[1] for p in (*route.points, route.tip)]
        rects.append((min(xs), min(ys), max(xs), max(ys)))
    if not rects:
        return
    dx = MARGIN - min(r[0] for r in rects)
    dy = MARGIN - min(r[1] for r in rects)
    layout.width = max(r[2] for r in rects) + dx + MARGIN
    layout.height = max(r[3] for r in rects) + dy + MARGIN

    def move(point: Point) -> Point:
        return point[0] + dx, point[1] + dy

    layout.boxes = {k: (x + dx, y + dy, w, h) for k, (x, y, w, h) in layout.boxes.items()}
    layout.clusters = {k: (x + dx, y + dy, w, h) for k, (x, y, w, h) in layout.clusters.items()}
    layout.titles = {k: move(p) for k, p in layout.titles.items()}
    for route in layout.routes.values():
        route.points = [move(p) for p in route.points]
        route.tip = move(route.tip)
        route.label = None if route.label is None else move(route.label)


def straight_route(layout: Layout, arrow: Arrow, across: bool) -> Route:
    """The line from the middle of the tail's facing side to the middle of the head's (right to
    left in a left-to-right diagram, bottom to top in a top-to-bottom one): a fan of them leaves
    and enters each box at one point, clear of what is above and below it."""
    tx, ty, tw, th = layout.boxes[arrow.tail]
    hx, hy, hw, hh = layout.boxes[arrow.head]
    if across:
        sign = 1.0 if hx >= tx else -1.0
        start, end = (tx + sign * tw / 2, ty), (hx - sign * hw / 2, hy)
    else:
        sign = 1.0 if hy >= ty else -1.0
        start, end = (tx, ty + sign * th / 2), (hx, hy - sign * hh / 2)
    if not arrow.arrowhead:
        return Route([start, end], False, end)
    length = math.dist(start, end) or 1.0
    back = min(ARROWHEAD, length / 2)
    base = (end[0] - (end[0] - start[0]) / length * back,
            end[1] - (end[1] - start[1]) / length * back)
    return Route([start, base], False, end)


def label_beside(
    text: str, route: Route, taken: Sequence[Rect], lines: Sequence[tuple[Point, Point]] = ()
) -> Rect:
    """Put `text` beside the straight `route`: where its box covers nothing in `taken` and is
    crossed by the fewest `lines` (the middle of the route first); its box."""
    (x0, y0), (x1, y1) = route.points[0], route.tip
    width, height = label_size(text)
    own = (route.points[0], route.tip)
    best: tuple[tuple[bool, int, float], Rect, str] | None = None
    for t in ALONG:
        point = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
        for above in (True, False):
            rect, anchor = _corner(point, (x1 - x0, y1 - y0), width, height, above)
            overlap = sum(_overlap(rect, other) for other in taken)
            crossed = sum(1 for a, b in lines if (a, b) != own and _crosses(a, b, rect))
            score = (overlap > 0, crossed, overlap)
            if best is None or score < best[0]:
                best = (score, rect, anchor)
    assert best is not None
    _, rect, anchor = best
    x = rect[0] + 2 if anchor == "start" else rect[2] - 2
    route.label, route.anchor = (x, (rect[1] + rect[3]) / 2), anchor
    return rect


def _corner(
    point: Point, direction: Point, width: float, height: float, above: bool
) -> tuple[Rect, str]:
    """The box of a label whose corner touches the line at `point`, on the side the line does not
    go to: above and to the right of a line falling to the right (or rising to the left), above
    and to the left of one rising to the right; or the mirror image below."""
    x, y = point
    dx, dy = direction
    right = (dx * dy >= 0) == above
    left = x if right else x - width
    top = y - height if above else y
    return (left, top, left + width, top + height), "start" if right else "end"


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def box_rect(layout: Layout, box_id: str) -> Rect:
    x, y, w, h = layout.boxes[box_id]
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def label_rect(text: str, route: Route) -> Rect:
    """The box a label takes where the layout put it."""
    assert route.label is not None
    width, height = label_size(text)
    x, y = route.label
    left = {"start": x - 2, "end": x - width + 2}.get(route.anchor, x - width / 2)
    return left, y - height / 2, left + width, y + height / 2


# --- cluster titles --------------------------------------------------------------------------


def place_titles(scene: Scene, layout: Layout) -> None:
    """Each cluster's title: in the strip at its top, where no arrow crosses (left first)."""
    lines = [segment for route in layout.routes.values() for segment in _segments(route)]
    for cluster in scene.clusters:
        if cluster.id not in layout.clusters or not cluster.label:
            continue
        x, y, w, _ = layout.clusters[cluster.id]
        width = text_width(cluster.label)
        top, bottom = y + TITLE_TOP, y + TITLE_TOP + FONT_SIZE * LINE
        room = max(w - 2 * TITLE_INSET - width, 0.0)
        starts = [x + TITLE_INSET + room * i / 8 for i in (0, 8, 4, 2, 6, 1, 3, 5, 7)]
        crossings = [sum(1 for a, b in lines if _crosses(a, b, (left - 2, top, left + width + 2,
                                                                  bottom))) for left in starts]
        best = crossings.index(min(crossings))
        layout.titles[cluster.id] = (starts[best], top + FONT_SIZE)


def _segments(route: Route) -> Iterable[tuple[Point, Point]]:
    """The straight pieces of a route, a Bézier curve cut into short ones."""
    points = route.points
    if route.curved and len(points) >= 4 and (len(points) - 1) % 3 == 0:
        sampled = [points[0]]
        for i in range(0, len(points) - 1, 3):
            p0, p1, p2, p3 = points[i : i + 4]
            for step in range(1, 9):
                t = step / 8
                sampled.append(tuple(  # type: ignore[arg-type]
                    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c
                    + t**3 * d for a, b, c, d in zip(p0, p1, p2, p3)))
        points = sampled
    points = [*points, route.tip]
    return itertools.pairwise(points)


def _crosses(a: Point, b: Point, rect: Rect) -> bool:
    """Whether the segment a-b passes through the rectangle (Liang-Barsky clipping)."""
    left, top, right, bottom = rect
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
    return True


__all__ = ["finish", "label_beside", "place_titles", "straight_route"]
