"""Reading diagrams back: render a graphviz Digraph to SVG with `dot` and parse it as XML.

graphviz writes each node as `<g class="node"><title>ID</title>...` and each edge as
`<g class="edge"><title>TAIL->HEAD</title>...`, with every piece of text in `<text>` elements;
chainrule's own SVG writer (`draw_svg`) follows the same markup, so this reads both. (It writes
a cluster's title apart, as `<text class="cluster-title" data-cluster="ID">`, over the arrows.)
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Drawing:
    """What a rendered diagram shows: node ids, edges (tail, head, label), every text, the XML."""

    nodes: dict[str, list[str]]
    edges: list[tuple[str, str, str, dict[str, str]]]
    clusters: list[str]
    texts: list[str]
    root: ET.Element


def parse_svg(svg: bytes) -> Drawing:
    """The nodes, edges, clusters and texts of an SVG written by graphviz."""
    root = ET.fromstring(svg)
    nodes: dict[str, list[str]] = {}
    edges: list[tuple[str, str, str, dict[str, str]]] = []
    clusters: list[str] = []
    for group in root.iter(f"{SVG}g"):
        kind = (group.get("class") or "").split(" ")[0]  # "edge thin" is an edge
        title = group.findtext(f"{SVG}title") or ""
        texts = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
        if kind == "node":
            nodes[title] = texts
        elif kind == "edge":
            tail, _, head = (_no_port(end) for end in title.partition("->"))
            path = group.find(f".//{SVG}path")  # graphviz nests it in <a> for a tooltip
            style = dict(path.attrib) if path is not None else {}
            edges.append((tail, head, " ".join(texts), style))
        elif kind == "cluster":
            clusters.append(title)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    return Drawing(nodes, edges, clusters, texts, root)


def _no_port(end: str) -> str:
    """A node id without the compass point graphviz adds to an edge's title ('L1.N0:e')."""
    node, _, port = end.rpartition(":")
    return node if node and port in ("n", "ne", "e", "se", "s", "sw", "w", "nw") else end


def render(graph: Any) -> Drawing:
    """Render `graph` with dot and parse the SVG."""
    svg: bytes = graph.pipe(format="svg")
    return parse_svg(svg)


def svg_width(svg: str | bytes) -> float:
    """The width of an SVG document in px (graphviz writes pt: 1pt = 4/3 px)."""
    root = ET.fromstring(svg)
    text = root.get("width", "0")
    if text.endswith("pt"):
        return float(text[:-2]) * 4 / 3
    return float(text.removesuffix("px"))


def path_points(d: str, per_curve: int = 12) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, L and C commands (graphviz's and chainrule's), at most
    about 4 px apart on a straight piece."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?(?:e-?\d+)?", d)
    points: list[tuple[float, float]] = []
    command, numbers = "M", []
    for token in [*tokens, "M"]:
        if token in "MLC":
            pairs = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
            if command == "C":
                while len(pairs) >= 3 and points:
                    p0, (p1, p2, p3) = points[-1], pairs[:3]
                    for step in range(1, per_curve + 1):
                        t = step / per_curve
                        points.append(tuple(  # type: ignore[arg-type]
                            (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c
                            + t**3 * e for a, b, c, e in zip(p0, p1, p2, p3)))
                    pairs = pairs[3:]
            else:
                for pair in pairs:
                    if points and command == "L":
                        start = points[-1]
                        steps = max(1, int(math.dist(start, pair) / 4))
                        points += [(start[0] + (pair[0] - start[0]) * i / steps,
                                    start[1] + (pair[1] - start[1]) * i / steps)
                                   for i in range(1, steps)]
                    points.append(pair)
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return points


def edge_paths(drawing: Drawing) -> dict[str, list[tuple[float, float]]]:
    """Each edge group's id and the points along its path."""
    found = {}
    for group in drawing.root.iter(f"{SVG}g"):
        if (group.get("class") or "").startswith("edge"):
            path = group.find(f".//{SVG}path")
            if path is not None:
                found[group.get("id") or ""] = path_points(path.get("d", ""))
    return found


def cluster_titles(drawing: Drawing) -> list[tuple[str, float, float, str]]:
    """Every cluster's title: its words, anchor point and text-anchor, in graphviz's markup (a
    text inside the cluster's group) or chainrule's (a text of class cluster-title)."""
    found = []
    for group in drawing.root.iter(f"{SVG}g"):
        if group.get("class") == "cluster":
            found += [("".join(t.itertext()), float(t.get("x", 0)), float(t.get("y", 0)),
                       t.get("text-anchor", "start")) for t in group.iter(f"{SVG}text")]
    found += [("".join(t.itertext()), float(t.get("x", 0)), float(t.get("y", 0)),
               t.get("text-anchor", "start")) for t in drawing.root.iter(f"{SVG}text")
              if t.get("class") == "cluster-title"]
    return found


def text_places(group: ET.Element) -> list[tuple[str, float, float]]:
    """Each text of a group: its words and its anchor point."""
    return [("".join(t.itertext()), float(t.get("x", 0)), float(t.get("y", 0)))
            for t in group.iter(f"{SVG}text")]
