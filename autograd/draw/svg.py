"""A `Scene` written as SVG at the places a `Layout` gives, by chainrule itself.

The markup follows graphviz's own SVG, so one parser reads both: a `<g class="node">` per box,
`<g class="edge">` per arrow (`class="edge thin"` for one of a crowd) and `<g class="cluster">` per
cluster, each with a `<title>` (the id; `tail->head` for an arrow). A gradient's number is a
`<tspan>` with `data-grad-of="<label>"` and an id, which is what `step_through` updates. Cluster
titles are written last, over everything, each a `<text class="cluster-title">` where the layout
found no arrow. The legend and caption go under the graph.
"""

from __future__ import annotations

import math
from html import escape

from autograd.draw.layout import Layout, Point, Route
from autograd.draw.measure import EDGE_FONT_SIZE, FONT_SIZE, LINE, PAD, cells, text_width
from autograd.draw.scene import Arrow, Box, Cell, Scene
from autograd.draw.style import FAINT, GROUP_BORDER, GROUP_FILL, HIGHLIGHT

FONTS = "Helvetica, Arial, 'Liberation Sans', sans-serif"
ROW = FONT_SIZE * LINE + 2 * PAD


def to_svg(scene: Scene, layout: Layout) -> str:
    """The SVG document of `scene` laid out by `layout`."""
    parts: list[str] = []
    for cluster in scene.clusters:
        if cluster.id in layout.clusters:
            parts.append(_cluster(cluster.id, cluster.style, layout.clusters[cluster.id]))
    for arrow in scene.arrows:
        if arrow.visible and arrow.id in layout.routes:
            parts.append(_arrow(arrow, layout.routes[arrow.id]))
    for box in scene.boxes:
        parts.append(_box(box, layout.boxes[box.id]))
    for cluster in scene.clusters:
        if cluster.id in layout.titles:
            parts.append(_title(cluster.id, cluster.label, cluster.style,
                                layout.titles[cluster.id]))
    width, height = layout.width, layout.height
    if scene.legend:
        legend, legend_w, legend_h = _legend(scene.legend, height + 8)
        parts.append(legend)
        width, height = max(width, legend_w + 8), height + 8 + legend_h
    if scene.caption:
        caption, caption_w, caption_h = _caption(scene.caption, height + 6)
        parts.append(caption)
        width, height = max(width, caption_w + 8), height + 6 + caption_h
    width, height = math.ceil(width), math.ceil(height + 4)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-layout="{layout.engine}">\n'
        f'<g id="graph0" class="graph" font-family="{FONTS}" font-size="{FONT_SIZE:g}">\n'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join(parts) + "\n</g>\n</svg>\n"
    )


def _cluster(cluster_id: str, style: str, rect: tuple[float, float, float, float]) -> str:
    x, y, w, h = rect
    if style == "outer":
        look = 'fill="none" stroke="#aaaaaa" stroke-dasharray="5,2"'
    else:
        look = f'fill="{GROUP_FILL}" stroke="{GROUP_BORDER}"'
    return (
        f'<g id="{_a(cluster_id)}" class="cluster"><title>{_t(cluster_id)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" {look}/></g>'
    )


def _title(cluster_id: str, label: str, style: str, at: Point) -> str:
    """A cluster's title, over the arrows, edged in its cluster's colour so it stays readable."""
    colour, edge = (FAINT, "#ffffff") if style == "outer" else ("#000000", GROUP_FILL)
    return (f'<text class="cluster-title" data-cluster="{_a(cluster_id)}" x="{at[0]:.1f}" '
            f'y="{at[1]:.1f}" fill="{colour}" stroke="{edge}" stroke-width="3" '
            f'paint-order="stroke">{_t(label)}</text>')


def _arrow(arrow: Arrow, route: Route) -> str:
    colour = arrow.color
    width = arrow.width
    if arrow.strong:
        colour, width = HIGHLIGHT, 2.5
    stroke = f'stroke="{colour}" stroke-width="{width:.2f}"'
    if arrow.opacity < 1.0:
        stroke += f' stroke-opacity="{arrow.opacity:.2f}"'
    points = route.points
    if route.curved and len(points) >= 4 and (len(points) - 1) % 3 == 0:
        curve = " ".join(f"C{_p(a)} {_p(b)} {_p(c)}"
                         for a, b, c in zip(points[1::3], points[2::3], points[3::3]))
        d = f"M{_p(points[0])} {curve}"
    else:
        d = "M" + " L".join(_p(p) for p in points)
    kind = "edge thin" if arrow.thin else "edge"
    parts = [f'<g id="{_a(arrow.id)}" class="{kind}"><title>{_t(arrow.tail)}-&gt;'
             f'{_t(arrow.head)}</title>']
    if arrow.tooltip:
        parts.append(f"<desc>{_t(arrow.tooltip)}</desc>")
    parts.append(f'<path d="{d}" fill="none" {stroke}/>')
    if arrow.arrowhead:
        fill = f'fill="{colour}"' + (f' fill-opacity="{arrow.opacity:.2f}"'
                                     if arrow.opacity < 1.0 else "")
        parts.append(f'<polygon points="{_head(points[-1], route.tip, width)}" {fill} '
                     f'stroke="none"/>')
    if route.label is not None:
        x, y = route.label
        weight = ' font-weight="bold"' if arrow.strong else ""
        text_colour = HIGHLIGHT if arrow.strong else ("#333333" if arrow.color == "#555555"
                                                      else arrow.color)
        parts.append(
            f'<text id="{_a(arrow.id)}-label" class="label" x="{x:.1f}" '
            f'y="{y + EDGE_FONT_SIZE / 3:.1f}" text-anchor="{route.anchor}" '
            f'font-size="{EDGE_FONT_SIZE:g}"'
            f' fill="{text_colour}"{weight} stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke">{_t(arrow.label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _head(base: Point, tip: Point, width: float) -> str:
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length * (3.2 + width / 2), dx / length * (3.2 + width / 2)
    return (f"{_p(tip)} {base[0] + nx:.1f},{base[1] + ny:.1f} "
            f"{base[0] - nx:.1f},{base[1] - ny:.1f}")


def _box(box: Box, place: tuple[float, float, float, float]) -> str:
    x, y, _, _ = place
    width, height, places = cells(box)
    left, top = x - width / 2, y - height / 2
    stroke = HIGHLIGHT if box.strong else "#333333"
    thick = 2 if box.strong or box.thick else 1
    parts = [f'<g id="{_a(box.id)}" class="node"><title>{_t(box.id)}</title>']
    if box.tooltip:
        parts.append(f"<desc>{_t(box.tooltip)}</desc>")
    if box.shape == "ellipse":
        parts.append(f'<ellipse class="outline" cx="{x:.1f}" cy="{y:.1f}" rx="{width / 2:.1f}" '
                     f'ry="{height / 2:.1f}" fill="{box.fill}" stroke="{stroke}" '
                     f'stroke-width="{thick}"/>')
        parts.append(_text(box.rows[0][0], x, y, "middle"))
    elif box.shape == "circle":
        parts.append(f'<circle class="outline" cx="{x:.1f}" cy="{y:.1f}" r="{width / 2:.1f}" '
                     f'fill="{box.fill}" stroke="{stroke}"/>')
        parts.append(_text(box.rows[0][0], x, y, "middle"))
    else:
        parts.append(f'<rect class="outline" x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                     f'height="{height:.1f}" fill="{box.fill}" stroke="{stroke}" '
                     f'stroke-width="{thick}"/>')
        for place_ in places:
            cell = box.rows[place_.row][place_.column]
            cx, cy = left + place_.x, top + place_.y
            parts.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{place_.width:.1f}" '
                         f'height="{place_.height:.1f}" fill="none" stroke="#333333" '
                         f'stroke-width="0.6"/>')
            parts.append(_text(cell, cx + place_.width / 2, cy + place_.height / 2, "middle"))
    parts.append("</g>")
    return "".join(parts)


def _text(cell: Cell, x: float, y: float, anchor: str) -> str:
    look = ""
    if cell.role == "title":
        look = ' font-weight="bold"'
    elif cell.role == "generated":
        look = f' font-style="italic" fill="{FAINT}"'
    body = _t(cell.text)
    if cell.grad_id:
        label = f' data-grad-of="{_a(cell.grad_of)}"' if cell.grad_of else ""
        body = f'<tspan id="{_a(cell.grad_id)}" class="grad"{label}>{body}</tspan>'
    return (f'<text x="{x:.1f}" y="{y + FONT_SIZE / 3:.1f}" text-anchor="{anchor}"{look}>'
            f"{_t(cell.prefix)}{body}</text>")


def _legend(rows: list[tuple[str, str]], top: float) -> tuple[str, float, float]:
    line = FONT_SIZE * LINE + 3
    width = max(text_width(text, 10) for _, text in rows) + 44
    height = line * (len(rows) + 1) + 8
    parts = [f'<g id="legend" class="node"><title>legend</title>'
             f'<rect x="4" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" rx="6" '
             f'fill="none" stroke="#999999" stroke-dasharray="5,2"/>'
             f'<text x="12" y="{top + line:.1f}" font-weight="bold" font-size="10">legend</text>']
    for i, (colour, text) in enumerate(rows, 1):
        y = top + line * (i + 1)
        x = 12.0
        if colour:
            parts.append(f'<rect x="12" y="{y - 9:.1f}" width="16" height="11" '
                         f'fill="{colour}" stroke="#999999" stroke-width="0.5"/>')
            x = 34.0
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="10">{_t(text)}</text>')
    parts.append("</g>")
    return "".join(parts), width + 4, height


def _caption(lines: list[str], top: float) -> tuple[str, float, float]:
    line = FONT_SIZE * LINE + 2
    parts = ['<g id="caption" class="caption">']
    for i, text in enumerate(lines, 1):
        parts.append(f'<text x="6" y="{top + line * i:.1f}" fill="{HIGHLIGHT}">{_t(text)}</text>')
    parts.append("</g>")
    width = max(text_width(text) for text in lines) + 12
    return "".join(parts), width, line * len(lines) + 4


def _p(point: Point) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


__all__ = ["to_svg"]
