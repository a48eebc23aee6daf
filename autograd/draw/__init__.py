"""Diagrams of Value graphs: `draw` (a graphviz Digraph), `draw_svg` (SVG text, no graphviz
needed) and `step_through` (backward one node at a time, as a page).

The package knows Values and nothing else; callers say what their nodes mean through hooks
(`parameters`, `inputs`, `names`, `grad_names`, `groups`, `notes`). Its parts, one job each:
`scene` (a diagram as data), `graph` (a Value graph's scene), `groups`, `crowds` (many arrows
between two groups, drawn faint), `paths` (the chain rule as a sum over paths), `style`,
`measure`, `layout`, `sugiyama` and `ranks` (where boxes go, with or without `dot`), `place`
(what both layouts leave: straight arrows, labels beside them, cluster titles), `dot` and `svg`
(the two ways to render a scene), `output` (files, Jupyter), `step` (the step-through page).
"""

from autograd.draw.diagram import draw, draw_svg
from autograd.draw.groups import Group
from autograd.draw.output import DotNotFoundError, save
from autograd.draw.step import StepThrough, step_through
from autograd.draw.style import DEFAULT_MAX_NODES

__all__ = [
    "DEFAULT_MAX_NODES",
    "DotNotFoundError",
    "Group",
    "StepThrough",
    "draw",
    "draw_svg",
    "save",
    "step_through",
]
