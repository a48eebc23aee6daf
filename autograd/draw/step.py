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
jumps to the finished graph, and the arrow keys do the same; the diagram scrolls to what the step
lit. No server, no network, no script or font from elsewhere: the file opens from disk in any
browser, and inline in Jupyter.

A graph past `max_nodes` is drawn a group a box, and backward takes a box per step (or, with
`by_within=True`, all the boxes of one `within` per step); the crowds of faint arrows between
boxes light up without numbers, which the boxes and the panel carry.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Collection, Mapping, Sequence
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

MAX_PANEL = 10  # lines of each kind in the side panel; past it, a count of the rest


@dataclass(frozen=True)
class Step:
    """What one `next` changes: the boxes lit, the grad cells and arrow labels rewritten (their
    new text), the arrows lit without a number (`lit`, the thin ones of a crowd), and the chain
    rule written out for the side panel."""

    boxes: tuple[str, ...]
    cells: dict[str, str]
    arrows: dict[str, str]
    panel: tuple[str, ...]
    lit: tuple[str, ...] = ()


class StepThrough:
    """The page: `.html()` is its text, `.save(path)` writes it; Jupyter shows it inline."""

    def __init__(self, svg: str, initial: dict[str, str], labels: dict[str, str],
                 steps: list[Step], title: str, intro: list[str],
                 legend: Sequence[tuple[str, str]] = ()) -> None:
        self.svg, self.initial, self.labels = svg, initial, labels
        self.steps, self.title, self.intro = steps, title, intro
        self.legend = list(legend)  # (colour or "", text): the key, shown in the side panel

    def html(self) -> str:
        """The whole page: the diagram, the panel, the buttons, and the script that steps."""
        data = {
            "initial": self.initial,
            "labels": self.labels,
            "intro": self.intro,
            "steps": [
                {"boxes": s.boxes, "cells": s.cells, "arrows": s.arrows, "panel": s.panel,
                 "lit": s.lit}
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
            '<button id="end" type="button">end ▶|</button></div>\n'
            f'<p id="counter">step 0 of {len(self.steps)}</p>\n'
            '<div id="rule"></div>\n'
            '<p class="hint">Keys: → next, ← prev, End: the finished graph, Home: the start.</p>\n'
            f"{self._legend()}</aside>\n</main>\n"
            f'<script id="steps" type="application/json">{payload}</script>\n'
            f"<script>\n{script}</script>\n</body>\n</html>\n"
        )

    def _legend(self) -> str:
        """The key of the diagram, under the panel, where it stays in view."""
        if not self.legend:
            return ""
        rows = "".join(
            f'<li><span class="swatch" style="background: {escape(colour)}"></span>'
            f"{escape(text)}</li>" if colour else f"<li>{escape(text)}</li>"
            for colour, text in self.legend)
        return f'<details id="legend" open><summary>legend</summary><ul>{rows}</ul></details>\n'

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
    by_within: bool = False,
) -> StepThrough:
    """backward() from `root`, one op node per step, as a page (see the module docstring).

    Needs no `backward()` first and changes no `.grad`: the page's gradients are its own,
    d root / d v. The options are `draw`'s; past `max_nodes` each group is one box and one step,
    or with `by_within` the groups of one `within` are one step.
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through() takes a Value, got {type(root).__name__}: {root!r:.80}")
    options = Options(rankdir, True, True, number_format, max_nodes, True)
    hooks = Hooks(parameters, inputs, names or {}, grad_names or {}, tuple(groups), tuple(notes))
    drawn = graph_scene(root, options, hooks, grads={root: 1.0}, by_within=by_within)
    steps = _steps(drawn, options, hooks.grad_names)
    initial = {cell: NOT_REACHED for cell in drawn.cells.values()}
    if root in drawn.cells:
        initial[drawn.cells[root]] = options.number(1.0)
    labels = {arrow.id: arrow.label for arrow in drawn.scene.arrows}
    for step in steps:  # lay out with room for the longest text each arrow will show
        for arrow in drawn.scene.arrows:
            if arrow.id in step.arrows and len(step.arrows[arrow.id]) > len(arrow.label):
                arrow.label = step.arrows[arrow.id]
    widest = {cell_id: max([text, *(s.cells[cell_id] for s in steps if cell_id in s.cells)],
                           key=len) for cell_id, text in initial.items()}
    for box in drawn.scene.boxes:  # and each grad its longest number
        for cell in (cell for row in box.rows for cell in row if cell.grad_id in widest):
            cell.room = widest[cell.grad_id]
    legend, drawn.scene.legend = drawn.scene.legend, []  # the panel shows it
    place = layout(drawn.scene, engine)
    for arrow in drawn.scene.arrows:
        arrow.label = labels[arrow.id]
    svg = to_svg(drawn.scene, place)
    name = drawn.names[root]
    unit = "one op node" if not drawn.collapsed else (
        "one box of nodes" if not by_within else "one larger box of them")
    intro = [
        f"backward() from {name}, {unit} at a time. d{quoted(name)}/d{quoted(name)} = 1;",
        f"every other gradient is {NOT_REACHED} (not known yet) until a step reaches it.",
        f"{len(steps)} steps: press next (or →).",
    ]
    return StepThrough(svg, initial, labels, steps, title or f"backward from {name}", intro,
                       legend)


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

    thin = {arrow.id for arrow in drawn.scene.arrows if arrow.thin}
    rank = {node: i for i, node in enumerate(drawn.order)}  # a step of many: in the order made
    steps = []
    for boxes, nodes in drawn.units:
        cells: dict[str, str] = {}
        sums: dict[str, float] = {}
        inside = set(nodes)
        taken: dict[Value, list[tuple[Value, float, float]]] = {}  # parent: (node, g, local)
        before: dict[Value, float | None] = {}
        for node in nodes:
            g = grads.get(node, 0.0)
            for arrow_id, position in arrows_of.get(node, []):
                sums[arrow_id] = sums.get(arrow_id, 0.0) + g * node.local_grads[position]
            for parent, local in zip(node.parents, node.local_grads):
                before.setdefault(parent, grads.get(parent))
                grads[parent] = grads.get(parent, 0.0) + g * local
                if parent in drawn.cells:
                    cells[drawn.cells[parent]] = number(grads[parent])
                if len(inside) == 1 or parent in drawn.cells:  # not a group's hidden members
                    taken.setdefault(parent, []).append((node, g, local))
        inner: list[str] = []  # gradients of the unit's own shown nodes
        outer: list[str] = []  # what it passes on to the nodes it takes
        listed = list(taken) if len(inside) == 1 else sorted(taken, key=rank.__getitem__)
        for parent in listed:
            terms = taken[parent]
            lines = inner if parent in inside else outer
            running = before[parent]
            if len(terms) > 1 and len(inside) > 1:  # one line for all the step gives it
                total = math.fsum(g * local for _, g, local in terms)
                head = (f"Σ over the {len(terms)} nodes v of this step that take it of "
                        f"d{source}/dv · dv/d{quoted(names[parent])} = {number(total)}")
                lines.append(_added(d(parent), head, running, total, number))
                continue
            for node, g, local in terms:
                product = f"{d(node)} · d{quoted(names[node])}/d{quoted(names[parent])}"
                head = f"{product} = {number(g)} · {number(local)} = {number(g * local)}"
                lines.append(_added(d(parent), head, running, g * local, number))
                running = (running or 0.0) + g * local
        arrows = {}
        for arrow_id, total in sums.items():
            edges = drawn.carried[arrow_id]
            if arrow_id in thin:
                continue
            if len(edges) == 1:
                node, position = edges[0]
                arrows[arrow_id] = (f"{number(grads.get(node, 0.0))} × "
                                    f"{number(node.local_grads[position])} = {number(total)}")
            else:
                arrows[arrow_id] = f"Σ = {number(total)}"
        lit = tuple(arrow_id for arrow_id in sums if arrow_id in thin)
        panel = (*_at_most(inner), *_at_most(outer))
        steps.append(Step(tuple(boxes), cells, arrows, panel, lit))
    return steps


def _added(
    name: str, term: str, before: float | None, amount: float, number: Callable[[float], str]
) -> str:
    """'dC/dz = term', or 'dC/dz += term, so dC/dz = before + amount = after' when the gradient
    already had a part (the sum over paths, spelled out)."""
    if before is None:
        return f"{name} = {term}"
    return (f"{name} += {term}, so {name} = {number(before)} + {number(amount)} = "
            f"{number(before + amount)}")


def _at_most(lines: list[str]) -> list[str]:
    """The first MAX_PANEL lines, and how many more there are."""
    if len(lines) <= MAX_PANEL:
        return lines
    return [*lines[: MAX_PANEL - 1], f"… and {len(lines) - MAX_PANEL + 1} more like these"]


def _asset(name: str) -> str:
    return resources.files("autograd.draw").joinpath(name).read_text(encoding="utf-8")


__all__ = ["MAX_PANEL", "Step", "StepThrough", "step_through"]
