"""How a diagram looks: the options every drawing shares, the colours, the legend, number text.

Kept apart from the graph walking (`autograd.draw`, `autograd.draw_model`) so that a change of
colour never touches the logic, and so the legend is built from the same table as the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import graphviz

DEFAULT_MAX_NODES = 300
FONT = "Helvetica"
HIGHLIGHT = "#c0392b"
FAINT = "#777777"

# Each kind of node: its fill colour and what the legend says about it.
KINDS: dict[str, tuple[str, str]] = {
    "output": ("#b8e0b0", "output: the Value drawn (backward() starts here with grad 1)"),
    "parameter": ("#fdd49e", "parameter: a weight or bias, what training changes"),
    "input": ("#c6dbef", "input: a number fed in (x of a sample, or a --set name)"),
    "leaf": ("#e8e8e8", "leaf: a number no op made (a constant, or an unmarked input or weight)"),
    "interior": ("#ffffff", "intermediate Value: made by the op just before it"),
    "neuron": ("#fff7d6", "neuron: weighted sum z = w·x + b and activation a = f(z)"),
    "output layer": ("#b8e0b0", "output layer: its activations are the network's prediction"),
}


@dataclass(frozen=True)
class Options:
    """The drawing options shared by every kind of diagram, checked once."""

    rankdir: str = "LR"
    show_grad: bool = True
    show_local: bool = False
    number_format: str = ".4g"
    max_nodes: int = DEFAULT_MAX_NODES
    legend: bool = True

    def __post_init__(self) -> None:
        if self.rankdir not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {self.rankdir!r}")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int):
            raise ValueError(f"max_nodes must be an int, got {self.max_nodes!r}")
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, got {self.max_nodes}")
        try:
            format(-1.5, self.number_format)
        except (ValueError, TypeError):
            raise ValueError(
                f"number_format {self.number_format!r} is not a float format spec; "
                "try '.4g', '.3f' or '.2e'"
            ) from None

    def number(self, x: float) -> str:
        """`x` in the chosen format ('-0' is shown as '0', which is what a reader expects)."""
        text = format(x, self.number_format)
        return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def new_digraph(name: str, options: Options) -> graphviz.Digraph:
    """An empty Digraph with chainrule's fonts and layout; graphviz is imported here, lazily."""
    graphviz = require_graphviz()
    graph = graphviz.Digraph(name)
    graph.attr(rankdir=options.rankdir, fontname=FONT, nodesep="0.25", ranksep="0.35")
    graph.attr("node", fontname=FONT, fontsize="11")
    graph.attr("edge", fontname=FONT, fontsize="10", color="#555555", arrowsize="0.7")
    return graph


def require_graphviz() -> Any:
    """The `graphviz` Python package, or ImportError saying how to install it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing needs the graphviz Python package: pip install 'chainrule[graph]' "
            "(or pip install graphviz), plus the dot program to render images "
            "(apt-get install graphviz, or brew install graphviz)"
        ) from None
    return graphviz


def html(text: str) -> str:
    """`text` escaped for a graphviz HTML-like label."""
    return escape(text, quote=False)


def record(name: str, generated: bool, kind: str, cells: list[str], strong: bool = False) -> str:
    """A Value as one row of a table: its name, then `cells` (data, grad), coloured by kind.

    A name the engine did not get from the user (an unlabelled node) is grey and italic.
    """
    fill = KINDS[kind][0]
    title = f"<b>{html(name)}</b>"
    if generated:
        title = f'<i><font color="{FAINT}">{html(name)}</font></i>'
    border = f' color="{HIGHLIGHT if strong else "#333333"}"'
    width = "2" if strong or kind == "output" else "1"
    row = "".join(f"<td>{html(cell)}</td>" for cell in cells)
    return (
        f'<<table border="{width}" cellborder="1" cellspacing="0" cellpadding="4" '
        f'bgcolor="{fill}"{border}><tr><td>{title}</td>{row}</tr></table>>'
    )


def add_legend(graph: graphviz.Digraph, kinds: list[str], notes: list[str]) -> None:
    """A boxed key: one coloured row per node kind used in this drawing, then the notes."""
    rows = [
        f'<tr><td bgcolor="{KINDS[kind][0]}" width="18"> </td>'
        f'<td align="left">{html(KINDS[kind][1])}</td></tr>'
        for kind in kinds
    ]
    rows += [f'<tr><td colspan="2" align="left">{html(note)}</td></tr>' for note in notes]
    table = (
        '<<table border="0" cellborder="0" cellspacing="2" cellpadding="2">'
        '<tr><td colspan="2" align="left"><b>legend</b></td></tr>' + "".join(rows) + "</table>>"
    )
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(style="rounded,dashed", color="#999999", label="")
        legend.node("legend", label=table, shape="plain", style="", fontsize="10")


__all__ = [
    "DEFAULT_MAX_NODES",
    "HIGHLIGHT",
    "KINDS",
    "Options",
    "add_legend",
    "html",
    "new_digraph",
    "record",
    "require_graphviz",
]
