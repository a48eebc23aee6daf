"""Reading diagrams back: render a graphviz Digraph to SVG with `dot` and parse it as XML.

graphviz writes each node as `<g class="node"><title>ID</title>...` and each edge as
`<g class="edge"><title>TAIL->HEAD</title>...`, with every piece of text in `<text>` elements.
"""

from __future__ import annotations

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
        kind = group.get("class")
        title = group.findtext(f"{SVG}title") or ""
        texts = [t.text or "" for t in group.iter(f"{SVG}text")]
        if kind == "node":
            nodes[title] = texts
        elif kind == "edge":
            tail, _, head = title.partition("->")
            path = group.find(f"{SVG}path")
            style = dict(path.attrib) if path is not None else {}
            edges.append((tail, head, " ".join(texts), style))
        elif kind == "cluster":
            clusters.append(title)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return Drawing(nodes, edges, clusters, texts, root)


def render(graph: Any) -> Drawing:
    """Render `graph` with dot and parse the SVG."""
    svg: bytes = graph.pipe(format="svg")
    return parse_svg(svg)
