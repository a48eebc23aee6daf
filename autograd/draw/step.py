"""`step_through(root)`: backward one node at a time, as one self-contained HTML page.

    >>> from autograd import Value
    >>> w, x = Value(0.5, "w"), Value(2.0, "x")
    >>> page = step_through((w * x).sigmoid())
    >>> len(page.steps)                    # one step per op node: *, sigmoid
    2
    >>> w.grad                             # the page computed its own gradients
    0.0

The page opens with every gradient unknown (`—`) but the output's, which is 1. Each `next` takes
one op node of the backward order, last made first: the node lights up, each arrow into it shows
`upstream grad × local derivative = contribution`, and each operand's gradient adds that
contribution (a node used twice receives two: the sum over paths). A side panel writes the step
as the chain rule, `dC/dz = dC/da · da/dz = 0.061 · 0.25 = 0.01525`. `prev` undoes a step, `end`
jumps to the finished graph, and the arrow keys do the same. No server, no network, no script or
font from elsewhere: the file opens from disk in any browser, and inline in Jupyter.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from autograd.draw.graph import GraphScene, Hooks, graph_scene
from autograd.draw.groups import Group
from autograd.draw.layout import layout
from autograd.draw.paths import quoted
from autograd.draw.style import DEFAULT_MAX_NODES, NOT_REACHED, Options
from autograd.draw.svg import to_svg
from autograd.value import Value


@dataclass(frozen=True)
class Step:
    """What one `next` changes: the boxes lit, the grad cells and arrow labels rewritten (their
    new text), and the chain rule written out for the side panel."""

    boxes: tuple[str, ...]
    cells: dict[str, str]
    arrows: dict[str, str]
    panel: tuple[str, ...]


class StepThrough:
    """The page: `.html()` is its text, `.save(path)` writes it; Jupyter shows it inline."""

    def __init__(self, svg: str, initial: dict[str, str], labels: dict[str, str],
                 steps: list[Step], title: str, intro: list[str]) -> None:
        self.svg, self.initial, self.labels = svg, initial, labels
        self.steps, self.title, self.intro = steps, title, intro

    def html(self) -> str:
        """The whole page: the diagram, the panel, the buttons, and the script that steps."""
        data = {
            "initial": self.initial,
            "labels": self.labels,
            "intro": self.intro,
            "steps": [
                {"boxes": s.boxes, "cells": s.cells, "arrows": s.arrows, "panel": s.panel}
                for s in self.steps
            ],
        }
        script = _asset("step.js")
        style = _asset("step.css")
        payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(self.title)}</title>\n<style>\n{style}</style>\n</head>\n<body>\n"
            f'<main>\n<section id="diagram">\n{self.svg}</section>\n'
            '<aside id="panel">\n'
            f"<h1>{escape(self.title)}</h1>\n"
            '<div id="controls"><button id="prev" type="button">◀ prev</button> '
            '<button id="next" type="button">next ▶</button> '
            '<button id="end" type="button">end ⏭</button></div>\n'
            f'<p id="counter">step 0 of {len(self.steps)}</p>\n'
            '<div id="rule"></div>\n'
            '<p class="hint">Keys: → next, ← prev, End: the finished graph, Home: the start.</p>\n'
            "</aside>\n</main>\n"
            f'<script id="steps" type="application/json">{payload}</script>\n'
            f"<script>\n{script}</script>\n</body>\n</html>\n"
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` (whole or not at all) and return the path."""
        from autograd.draw.output import _write

        return _write(Path(path), self.html().encode("utf-8"))

    def _repr_html_(self) -> str:
        """Jupyter: the page in a frame of its own, so its script and ids stay apart."""
        page = escape(self.html(), quote=True)
        return (f'<iframe srcdoc="{page}" style="width: 100%; height: 640px; border: 0" '
                'title="step through backward"></iframe>')


def step_through(
    root: Value,
    *,
    rankdir: str = "LR",
    number_format: str = ".4g",
    max_nodes: int = DEFAULT_MAX_NODES,
    parameters: Collection[Value] = (),
    inputs: Collection[Value] = (),
    names: Mapping[Value, str] | None = None,
    grad_names: Mapping[Value, str] | None = None,
    groups: Sequence[Group] = (),
    notes: Sequence[str] = (),
    engine: str = "auto",
    title: str = "",
) -> StepThrough:
    """backward() from `root`, one op node per step, as a page (see the module docstring).

    Needs no `backward()` first and changes no `.grad`: the page's gradients are its own,
    d root / d v. The options are `draw`'s; past `max_nodes` each group is one box and one step.
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through() takes a Value, got {type(root).__name__}: {root!r:.80}")
    options = Options(rankdir, True, True, number_format, max_nodes, True)
    hooks = Hooks(parameters, inputs, names or {}, grad_names or {}, tuple(groups), tuple(notes))
    drawn = graph_scene(root, options, hooks, grads={root: 1.0})
    steps = _steps(drawn, options, hooks.grad_names)
    initial = {cell: NOT_REACHED for cell in drawn.cells.values()}
    if root in drawn.cells:
        initial[drawn.cells[root]] = options.number(1.0)
    labels = {arrow.id: arrow.label for arrow in drawn.scene.arrows}
    for step in steps:  # lay out with room for the longest text each arrow will show
        for arrow in drawn.scene.arrows:
            if arrow.id in step.arrows and len(step.arrows[arrow.id]) > len(arrow.label):
                arrow.label = step.arrows[arrow.id]
    place = layout(drawn.scene, engine)
    for arrow in drawn.scene.arrows:
        arrow.label = labels[arrow.id]
    svg = to_svg(drawn.scene, place)
    name = drawn.names[root]
    intro = [
        f"backward() from {name}, one op node at a time. d{quoted(name)}/d{quoted(name)} = 1;",
        f"every other gradient is {NOT_REACHED} (not known yet) until a step reaches it.",
        f"{len(steps)} steps: press next (or →).",
    ]
    return StepThrough(svg, initial, labels, steps, title or f"backward from {name}", intro)


def _steps(drawn: GraphScene, options: Options, grad_names: Mapping[Value, str]) -> list[Step]:
    """Run the chain rule unit by unit on a copy of the gradients, writing down each change."""
    number = options.number
    names = drawn.names
    source = quoted(names[drawn.root])
    grads: dict[Value, float] = {drawn.root: 1.0}
    arrows_of: dict[Value, list[tuple[str, int]]] = {}
    for arrow_id, edges in drawn.carried.items():
        for node, position in edges:
            arrows_of.setdefault(node, []).append((arrow_id, position))

    def d(node: Value) -> str:
        text = f"d{source}/d{quoted(names[node])}"
        return f"{text} ({grad_names[node]})" if node in grad_names else text

    steps = []
    for boxes, nodes in drawn.units:
        cells: dict[str, str] = {}
        sums: dict[str, float] = {}
        panel: list[str] = []
        inside = set(nodes)
        for node in nodes:
            g = grads.get(node, 0.0)
            for arrow_id, position in arrows_of.get(node, []):
                sums[arrow_id] = sums.get(arrow_id, 0.0) + g * node.local_grads[position]
            for parent, local in zip(node.parents, node.local_grads):
                before = grads.get(parent)
                grads[parent] = (before or 0.0) + g * local
                if parent in drawn.cells:
                    cells[drawn.cells[parent]] = number(grads[parent])
                if len(inside) > 1 and parent not in drawn.cells:  # a group's hidden members
                    continue
                product = f"{d(node)} · d{quoted(names[node])}/d{quoted(names[parent])}"
                numbers = f"{number(g)} · {number(local)} = {number(g * local)}"
                if before is None:
                    panel.append(f"{d(parent)} = {product} = {numbers}")
                else:
                    panel.append(f"{d(parent)} += {product} = {numbers}, "
                                 f"so {d(parent)} = {number(before)} + {number(g * local)} = "
                                 f"{number(grads[parent])}")
        arrows = {}
        for arrow_id, total in sums.items():
            edges = drawn.carried[arrow_id]
            if len(edges) == 1:
                node, position = edges[0]
                arrows[arrow_id] = (f"{number(grads.get(node, 0.0))} × "
                                    f"{number(node.local_grads[position])} = {number(total)}")
            else:
                arrows[arrow_id] = f"Σ = {number(total)}"
        steps.append(Step(tuple(boxes), cells, arrows, tuple(panel)))
    return steps


def _asset(name: str) -> str:
    return resources.files("autograd.draw").joinpath(name).read_text(encoding="utf-8")


__all__ = ["Step", "StepThrough", "step_through"]
