"""Where each box goes: from graphviz's `dot` when it is installed, else from a pure-Python
Sugiyama layout (`grandalf`), so a diagram never needs a program that may be missing.

Both give a `Layout` in points with y growing downward: the centre and size of every box, the
points of every arrow (a cubic Bézier path from `dot`, a polyline from grandalf), where each arrow's
label goes, each cluster's rectangle and where its title goes (`autograd.draw.place` finishes what
both engines leave: straight arrows, their labels, the titles). The legend and caption are placed
by the SVG writer.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from autograd.draw.measure import EDGE_FONT_SIZE, LINE, cells, text_width
from autograd.draw.scene import Arrow, Scene

RANK_GAP = 36.0  # between ranks
BOX_GAP = 14.0  # between boxes of one rank
CLUSTER_PAD = 10.0
DOT_RANKSEP = 0.35  # inches: dot's gap between ranks
Point = tuple[float, float]


@dataclass
class Route:
    """An arrow's path from its tail up to where its arrowhead starts (`curved`: cubic Bézier
    control points, else a polyline), the arrowhead's `tip`, and where its label goes: the point
    its text is anchored at (`anchor`: "middle", "start" or "end" of the text), halfway up it."""

    points: list[Point]
    curved: bool
    tip: Point
    label: Point | None = None
    anchor: str = "middle"


@dataclass
class Layout:
    """Every box's centre and size, every arrow's route, every cluster's rectangle (left, top,
    width, height) and the start of its title's baseline."""

    width: float
    height: float
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    clusters: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    titles: dict[str, Point] = field(default_factory=dict)
    engine: str = ""


def dot_available() -> bool:
    """True when graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def can_lay_out() -> bool:
    """True when a diagram can be laid out here: by `dot`, or by the grandalf package."""
    return dot_available() or importlib.util.find_spec("grandalf") is not None


def layout(scene: Scene, engine: str = "auto") -> Layout:
    """The layout of `scene` by `engine`: "dot", "grandalf", or "auto" (dot when installed)."""
    if engine not in ("auto", "dot", "grandalf"):
        raise ValueError(f"layout engine must be 'auto', 'dot' or 'grandalf', got {engine!r}")
    from autograd.draw.place import finish

    if engine == "dot" or (engine == "auto" and dot_available()):
        found = dot_layout(scene)
    else:
        from autograd.draw.sugiyama import grandalf_layout

        found = grandalf_layout(scene)
    finish(scene, found)
    return found


def split_orders(scene: Scene) -> tuple[dict[str | None, list[list[str]]], list[list[str]]]:
    """`Scene.orders` for dot: the chains within one cluster, by cluster (dot is told them inside
    it), and the chains across clusters (told at the top, which `newrank` allows)."""
    cluster_of = {box.id: box.cluster for box in scene.boxes}
    local: dict[str | None, list[list[str]]] = {}
    spanning = []
    for chain in scene.orders:
        homes = {cluster_of[box_id] for box_id in chain}
        if len(homes) == 1:
            local.setdefault(homes.pop(), []).append(chain)
        elif chain:
            spanning.append(chain)
    return local, spanning


def arrows_to_place(scene: Scene) -> list[Arrow]:
    """The arrows a layout engine is given: every arrow, but of a crowd's thin ones only one into
    each box and one out of each. Their routes are not the engine's (they are drawn straight), so
    it needs only enough of them to rank their ends: the k-th of n tails keeps its arrow to the
    head as far down the m heads as it is down the tails, and each head likewise, a ladder that
    keeps both ends in step. A crowd of 1920 arrows then costs it 94."""
    cluster_of = {box.id: box.cluster for box in scene.boxes}
    crowds: dict[tuple[str | None, str | None], list[Arrow]] = {}
    for arrow in scene.arrows:
        if arrow.thin:
            crowds.setdefault((cluster_of[arrow.tail], cluster_of[arrow.head]), []).append(arrow)
    kept: set[int] = set()
    for crowd in crowds.values():
        tails = list(dict.fromkeys(arrow.tail for arrow in crowd))
        heads = list(dict.fromkeys(arrow.head for arrow in crowd))
        down = {("tail", t): i / max(len(tails) - 1, 1) for i, t in enumerate(tails)}
        down.update({("head", h): i / max(len(heads) - 1, 1) for i, h in enumerate(heads)})
        best: dict[tuple[str, str], tuple[float, int]] = {}
        for arrow in crowd:
            miss = abs(down["tail", arrow.tail] - down["head", arrow.head])
            for end in (("tail", arrow.tail), ("head", arrow.head)):
                if end not in best or miss < best[end][0]:
                    best[end] = (miss, id(arrow))
        kept.update(number for _, number in best.values())
    return [arrow for arrow in scene.arrows if not arrow.thin or id(arrow) in kept]


def label_size(text: str) -> tuple[float, float]:
    return text_width(text, EDGE_FONT_SIZE) + 4, EDGE_FONT_SIZE * LINE + 2


def dot_layout(scene: Scene) -> Layout:
    """Ask `dot` where things go (`dot -Tjson` on a skeleton: empty boxes of our sizes)."""
    from autograd.draw.dot import _flat_pairs

    lines = [f'digraph g {{ rankdir={scene.options.rankdir}; nodesep=0.25; '
             f'ranksep={DOT_RANKSEP};',
             'remincross=false; newrank=true; fontname="Helvetica"; fontsize=11;',
             'node [shape=box, fixedsize=true, label=""];',
             f'edge [fontname="Helvetica", fontsize={EDGE_FONT_SIZE:g}];']
    children: dict[str | None, list[str]] = {}
    for cluster in scene.clusters:
        children.setdefault(cluster.parent, []).append(cluster.id)
    labels = {cluster.id: cluster.label for cluster in scene.clusters}
    inside: dict[str | None, list[str]] = {}
    for box in scene.boxes:
        inside.setdefault(box.cluster, []).append(box.id)
    sizes = {box.id: cells(box)[:2] for box in scene.boxes}

    local, spanning = split_orders(scene)

    def rank_chain(chain: list[str]) -> str:
        pairs = " ".join(f"{_q(a)} -> {_q(b)} [style=invis];"
                         for a, b in _flat_pairs(chain, scene.options.rankdir))
        return "{ rank=same; " + pairs + " }"

    def emit(cluster_id: str | None) -> None:
        for box_id in inside.get(cluster_id, []):
            w, h = sizes[box_id]
            lines.append(f'{_q(box_id)} [width={w / 72:.4f}, height={h / 72:.4f}];')
        lines.extend(rank_chain(chain) for chain in local.get(cluster_id, []))
        for child in children.get(cluster_id, []):
            lines.append(f'subgraph {_q(child)} {{ label={_q(labels[child])}; labeljust=l;')
            emit(child)
            lines.append("}")

    emit(None)
    lines.extend(rank_chain(chain) for chain in spanning)  # once every box is in its cluster
    for arrow in arrows_to_place(scene):
        attrs = [f"id={_q(arrow.id)}" if arrow.visible else "style=invis"]
        if arrow.label and not arrow.straight:  # a straight arrow's label is placed later
            attrs.append(f"label={_q(arrow.label)}")
        if arrow.room:
            attrs.append(f"minlen={minimum_length(arrow.room)}")
        lines.append(f'{_q(arrow.tail)} -> {_q(arrow.head)} [{", ".join(attrs)}];')
    lines.append("}")
    done = subprocess.run(["dot", "-Tjson"], input="\n".join(lines), capture_output=True,
                          text=True, check=True, timeout=120)
    return _read_json(json.loads(done.stdout))


def _read_json(data: dict[str, Any]) -> Layout:
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    height = y1 - y0

    def point(text: str) -> Point:
        x, y = (float(v) for v in text.split(","))
        return x - x0, height - (y - y0)

    result = Layout(x1 - x0, height, engine="dot")
    for item in data.get("objects", []):
        if "bb" in item and item.get("name", "").startswith("cluster"):
            a, b, c, d = (float(v) for v in item["bb"].split(","))
            result.clusters[item["name"]] = (a - x0, height - (d - y0), c - a, d - b)
        elif "pos" in item:
            x, y = point(item["pos"])
            result.boxes[item["name"]] = (x, y, float(item["width"]) * 72,
                                          float(item["height"]) * 72)
    for edge in data.get("edges", []):
        if edge.get("style") == "invis" or "id" not in edge:
            continue
        tip = None
        points = []
        for part in edge["pos"].split():
            if part.startswith("e,"):
                tip = point(part[2:])
            elif not part.startswith("s,"):
                points.append(point(part))
        where = edge.get("lp") or edge.get("head_lp")
        result.routes[edge["id"]] = Route(points, True, tip or points[-1],
                                          point(where) if where else None)
    return result


def minimum_length(room: float) -> int:
    """How many of dot's ranks give at least `room` points between two ranks."""
    return max(1, math.ceil(room / (DOT_RANKSEP * 72)))


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clip(centre: Point, size: tuple[float, float], toward: Point, round_box: bool) -> Point:
    """Where the line from a box's centre toward `toward` leaves the box (rectangle or ellipse)."""
    (cx, cy), (w, h) = centre, size
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return centre
    if round_box:
        scale = 1 / math.sqrt((dx / (w / 2)) ** 2 + (dy / (h / 2)) ** 2)
    else:
        scale = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    return cx + dx * min(scale, 1.0), cy + dy * min(scale, 1.0)


__all__ = [
    "Layout",
    "Route",
    "arrows_to_place",
    "clip",
    "dot_available",
    "label_size",
    "layout",
    "minimum_length",
    "split_orders",
]
