"""A diagram as plain data: boxes made of rows of cells, arrows between them, clusters around them.

A `Scene` says what to draw and nothing about where: `autograd.draw.dot` turns it into a graphviz
`Digraph`, and `autograd.draw.svg` writes it as SVG at the places a layout found
(`autograd.draw.layout`: graphviz's `dot` when it is installed, a pure-Python Sugiyama layout when
it is not). The Value graph (`autograd.draw.graph`) builds one, and so can a caller, for any
diagram of boxes and arrows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd.draw.style import EDGE, Options


@dataclass
class Cell:
    """One piece of text in a box. `role` says how it looks and what it is:

    "title" (bold), "generated" (a name the diagram made up: grey italic), "grad" (a gradient,
    updated by `step_through`), or "" (plain text).
    """

    text: str
    role: str = ""
    prefix: str = ""  # written before the text, not part of it: "grad " before a grad's number
    grad_id: str = ""  # for a "grad" cell: the id `step_through` updates it by
    grad_of: str = ""  # for a "grad" cell: the label of the Value it is the gradient of
    room: str = ""  # the longest text the cell will show (a page changes it): sized for that


@dataclass
class Box:
    """A node of the diagram: a table of `rows` ("table"), an op ("ellipse") or an input
    ("circle"), filled with `fill`, inside the cluster `cluster` (None: at the top level)."""

    id: str
    rows: list[list[Cell]]
    shape: str = "table"
    fill: str = "#ffffff"
    cluster: str | None = None
    strong: bool = False
    thick: bool = False
    tooltip: str = ""


@dataclass
class Arrow:
    """An arrow from box `tail` to box `head`, with an optional label beside it.

    `straight`: drawn as one straight line from the side of the tail that faces the head to the
    facing side of the head, not routed around boxes, so that many arrows between two ranks fan
    out; `room`: at least this much space (points) between the ranks of its two ends, for such a
    fan. `visible=False`: never drawn; it only tells the layout that `head` comes after `tail`.
    """

    id: str
    tail: str
    head: str
    label: str = ""
    strong: bool = False
    color: str = EDGE
    width: float = 1.0
    opacity: float = 1.0
    tooltip: str = ""
    arrowhead: bool = True
    straight: bool = False
    room: float = 0.0
    visible: bool = True
    thin: bool = False  # one of a crowd of arrows (see `autograd.draw.crowds`)


@dataclass
class Cluster:
    """A dashed ("outer") or filled ("group") box drawn around other boxes and clusters."""

    id: str
    label: str
    parent: str | None = None
    style: str = "group"


@dataclass
class Scene:
    """Everything a diagram shows. `orders` lists boxes that must keep their order within their
    rank (top to bottom, or left to right), `legend` the key's rows (a colour, or "" for a
    plain note, and the text), `caption` the lines written under the diagram."""

    name: str
    options: Options
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    orders: list[list[str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)


__all__ = ["Arrow", "Box", "Cell", "Cluster", "Scene"]
