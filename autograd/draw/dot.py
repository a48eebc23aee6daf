"""A `Scene` as a graphviz `Digraph`: what `draw()` returns, to render with graphviz's `dot`.

Boxes become HTML-like tables, ops ellipses, clusters `subgraph cluster_...`; boxes that must keep
their order are chained by invisible arrows inside a `rank=same` subgraph. dot routes every arrow
itself, straight ones too; an arrow's `room` widens every gap between ranks (dot's `minlen` would
send its curves on long detours around the clusters). A cluster's title goes on the side no arrow
comes from: the right of a cluster in a left-to-right diagram that arrows only enter. The graphviz
Python package is imported here, when a diagram is first made, never when `autograd` is imported.
"""

from __future__ import annotations

import itertools
from html import escape
from typing import TYPE_CHECKING, Any

from autograd.draw.layout import DOT_RANKSEP, split_orders
from autograd.draw.scene import Box, Cell, Scene
from autograd.draw.style import EDGE, FAINT, FONT, GROUP_BORDER, GROUP_FILL, HIGHLIGHT

if TYPE_CHECKING:
    import graphviz


def require_graphviz() -> Any:
    """The `graphviz` Python package, or ImportError saying how to install it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "draw() needs the graphviz Python package: pip install 'chainrule[graph]' "
            "(or pip install graphviz), plus graphviz's dot program to render images "
            "(apt-get install graphviz, or brew install graphviz); draw_svg() and step_through() "
            "need neither"
        ) from None
    return graphviz


def to_digraph(scene: Scene) -> graphviz.Digraph:
    """The graphviz Digraph of `scene`."""
    graph = require_graphviz().Digraph(scene.name)
    room = max([arrow.room / 72 for arrow in scene.arrows] + [DOT_RANKSEP])
    graph.attr(rankdir=scene.options.rankdir, fontname=FONT, nodesep="0.25",
               ranksep=f"{room:.2f}", remincross="false", newrank="true")
    graph.attr("node", fontname=FONT, fontsize="11")
    graph.attr("edge", fontname=FONT, fontsize="10", color=EDGE, arrowsize="0.7")
    children: dict[str | None, list[str]] = {}
    for cluster in scene.clusters:
        children.setdefault(cluster.parent, []).append(cluster.id)
    members: dict[str | None, list[Box]] = {}
    for box in scene.boxes:
        members.setdefault(box.cluster, []).append(box)
    clusters = {cluster.id: cluster for cluster in scene.clusters}
    side = _title_sides(scene)
    local, spanning = split_orders(scene)

    def rank_chain(target: Any, chain: list[str]) -> None:
        with target.subgraph() as rank:
            rank.attr(rank="same")
            for first, second in _flat_pairs(chain, scene.options.rankdir):
                rank.edge(first, second, style="invis")

    def fill(target: Any, cluster_id: str | None) -> None:
        for box in members.get(cluster_id, []):
            target.node(box.id, **node_attributes(box))
        for chain in local.get(cluster_id, []):
            rank_chain(target, chain)
        for child in children.get(cluster_id, []):
            with target.subgraph(name=child) as sub:
                cluster = clusters[child]
                if cluster.style == "outer":
                    sub.attr(label=cluster.label, style="rounded,dashed", color="#aaaaaa",
                             fontcolor=FAINT, labeljust=side[child], margin="14")
                else:
                    sub.attr(label=cluster.label, style="rounded,filled", fillcolor=GROUP_FILL,
                             color=GROUP_BORDER, fontcolor="#000000", labeljust=side[child])
                fill(sub, child)

    fill(graph, None)
    for chain in spanning:  # once every box is in its cluster
        rank_chain(graph, chain)
    for arrow in scene.arrows:
        if not arrow.visible:
            graph.edge(arrow.tail, arrow.head, style="invis")
            continue
        attrs: dict[str, str] = {"id": arrow.id}
        if arrow.strong:
            attrs.update(color=HIGHLIGHT, penwidth="2.5", fontcolor=HIGHLIGHT)
        else:
            if arrow.color != EDGE or arrow.opacity < 1.0:
                attrs["color"] = arrow.color + _alpha(arrow.opacity)
            if arrow.width != 1.0:
                attrs["penwidth"] = f"{arrow.width:.2f}"
        if arrow.label:
            attrs["label"] = f"<<b>{_html(arrow.label)}</b>>" if arrow.strong else arrow.label
            if arrow.color != EDGE and not arrow.strong:
                attrs["fontcolor"] = arrow.color
        if arrow.tooltip:
            attrs["tooltip"] = arrow.tooltip
        if not arrow.arrowhead:
            attrs["arrowhead"] = "none"
        if arrow.straight:  # leave and enter the two boxes by their facing sides, as draw_svg
            attrs.update(zip(("tailport", "headport"), PORTS[scene.options.rankdir]))
        graph.edge(arrow.tail, arrow.head, **attrs)
    if scene.legend:
        _legend(graph, scene.legend)
    if scene.caption:
        text = "".join(f'<tr><td align="left">{_html(line)}</td></tr>' for line in scene.caption)
        graph.attr(label=f'<<table border="0" cellspacing="1">{text}</table>>',
                   labelloc="b", labeljust="l", fontcolor=HIGHLIGHT)
    return graph


PORTS = {"LR": ("e", "w"), "RL": ("w", "e"), "TB": ("s", "n"), "BT": ("n", "s")}


def _title_sides(scene: Scene) -> dict[str, str]:
    """Each cluster's `labeljust`: "r" for one that arrows enter and none leave, in a
    left-to-right diagram (they come in from the left), else "l"."""
    parents = {cluster.id: cluster.parent for cluster in scene.clusters}
    inside: dict[str, set[str]] = {cluster.id: set() for cluster in scene.clusters}
    for box in scene.boxes:
        cluster = box.cluster
        while cluster is not None:
            inside[cluster].add(box.id)
            cluster = parents.get(cluster)
    sides = {}
    for cluster_id, members in inside.items():
        enter = any(a.head in members and a.tail not in members for a in scene.arrows)
        leave = any(a.tail in members and a.head not in members for a in scene.arrows)
        across = scene.options.rankdir in ("LR", "RL")
        sides[cluster_id] = "r" if across and enter and not leave else "l"
    return sides


def _flat_pairs(chain: list[str], rankdir: str) -> list[tuple[str, str]]:
    """Invisible arrows that keep `chain` in order, first at the top (LR) or at the left (TB):
    within a rank, dot puts an arrow's head above its tail (LR) or right of it (TB)."""
    pairs = list(itertools.pairwise(chain))
    return [(b, a) for a, b in pairs] if rankdir in ("LR", "RL") else pairs


def node_attributes(box: Box) -> dict[str, str]:
    """The graphviz attributes of one box."""
    attrs = {"id": box.id}
    if box.tooltip:
        attrs["tooltip"] = box.tooltip
    if box.shape == "ellipse":
        attrs.update(label=_plain(box.rows[0]), shape="ellipse", style="filled",
                     fillcolor=box.fill, color=HIGHLIGHT if box.strong else "#666666",
                     margin="0.05,0.02")
        if box.strong:
            attrs["penwidth"] = "2"
        return attrs
    if box.shape == "circle":
        attrs.update(label=_plain(box.rows[0]), shape="circle", style="filled",
                     fillcolor=box.fill, width="0.4")
        return attrs
    attrs.update(label=_table(box), shape="plain")
    return attrs


def _table(box: Box) -> str:
    border = f' color="{HIGHLIGHT if box.strong else "#333333"}"'
    width = "2" if box.strong or box.thick else "1"
    columns = max(len(row) for row in box.rows)
    rows = []
    for row in box.rows:
        cells = [f"<td>{_cell(cell)}</td>" for cell in row]
        if len(row) < columns:
            cells[-1] = f'<td colspan="{columns - len(row) + 1}">{_cell(row[-1])}</td>'
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<<table border="{width}" cellborder="1" cellspacing="0" cellpadding="4" '
            f'bgcolor="{box.fill}"{border}>{"".join(rows)}</table>>')


def _cell(cell: Cell) -> str:
    text = _html(cell.prefix + cell.text)
    if cell.role == "title":
        return f"<b>{text}</b>"
    if cell.role == "generated":
        return f'<i><font color="{FAINT}">{text}</font></i>'
    return text


def _plain(row: list[Cell]) -> str:
    return " ".join(cell.prefix + cell.text for cell in row)


def _legend(graph: graphviz.Digraph, rows: list[tuple[str, str]]) -> None:
    """A boxed key: one coloured row per kind of box, then the notes."""
    lines = []
    for colour, text in rows:
        if colour:
            lines.append(f'<tr><td bgcolor="{colour}" width="18"> </td>'
                         f'<td align="left">{_html(text)}</td></tr>')
        else:
            lines.append(f'<tr><td colspan="2" align="left">{_html(text)}</td></tr>')
    table = (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
        '<tr><td colspan="2" align="left"><b>legend</b></td></tr>' + "".join(lines) + "</table>>"
    )
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(style="rounded,dashed", color="#999999", label="")
        legend.node("legend", label=table, shape="plain", style="", fontsize="10")


def _html(text: str) -> str:
    """`text` escaped for a graphviz HTML-like label."""
    return escape(text, quote=False)


def _alpha(opacity: float) -> str:
    return "" if opacity >= 1.0 else f"{round(255 * opacity):02x}"


__all__ = ["node_attributes", "require_graphviz", "to_digraph"]
