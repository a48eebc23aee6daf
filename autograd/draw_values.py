"""The drawing of one Value graph: a box per Value, an ellipse per op, an arrow per operand.

`autograd.draw.draw` decides what to draw (which nodes are parameters, whether the graph must be
collapsed); `ValueDiagram` turns that into graphviz nodes and edges. Edges are kept until the end
so that every node is declared first, inside the box (neuron, layer) it belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.draw_model import NeuronLike, NeuronName
from autograd.draw_paths import Paths, caption, find_paths, local_name, quoted
from autograd.draw_style import (
    FAINT,
    HIGHLIGHT,
    KINDS,
    Options,
    add_legend,
    html,
    new_digraph,
    record,
)
from autograd.value import Value

if TYPE_CHECKING:
    import graphviz

MAX_NAME = 24


class ValueDiagram:
    """The drawing of one Value graph, built node by node and grouped by neuron at the end."""

    def __init__(
        self,
        options: Options,
        order: list[Value],
        kinds: dict[Value, str],
        owners: dict[Value, NeuronName],
        param_owner: dict[Value, NeuronName],
        names: dict[Value, str],
    ) -> None:
        self.options, self.order, self.kinds = options, order, kinds
        self.owners, self.param_owner = owners, param_owner
        self.graph = new_digraph("computation_graph", options)
        # the op ellipses' look, set once: thousands of nodes then need only a label each
        self.graph.attr("node", shape="ellipse", style="filled", fillcolor="#f2f2f2",
                        color="#666666", margin="0.05,0.02")
        self.ids = {node: f"v{i}" for i, node in enumerate(order)}
        self.names, self.generated = names_of(order, names)
        self.boxes: dict[NeuronName | None, list[tuple[str, dict[str, str]]]] = {None: []}
        self.paths: Paths | None = None
        self.target: Value | None = None
        self.notes: list[str] = []
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.used_kinds: set[str] = set()

    def highlight(self, target: Value) -> None:
        self.target = target
        self.paths = find_paths(self.order, target)

    def _on_path(self, node: Value) -> bool:
        return self.paths is not None and node in self.paths.on_path

    def _node(self, box: NeuronName | None, node_id: str, **attrs: str) -> None:
        self.boxes.setdefault(box, []).append((node_id, attrs))

    def _record(self, node: Value, box: NeuronName | None) -> None:
        cells = [f"data {self.options.number(node.data)}"]
        if self.options.show_grad:
            cells.append(f"grad {self.options.number(node.grad)}")
        self.used_kinds.add(self.kinds[node])
        label = record(self.names[node], node in self.generated, self.kinds[node], cells,
                       strong=self._on_path(node))
        self._node(box, self.ids[node], label=label, shape="plain")

    def _op(self, node: Value, box: NeuronName | None) -> str:
        op_id = "op" + self.ids[node][1:]
        tooltip = node.op
        if self._on_path(node):
            self._node(box, op_id, label=node.op, tooltip=tooltip, color=HIGHLIGHT, penwidth="2")
        else:
            self._node(box, op_id, label=node.op, tooltip=tooltip)
        self._edge(op_id, self.ids[node], self._on_path(node))
        return op_id

    def _edge(self, tail: str, head: str, strong: bool, label: str = "") -> None:
        attrs = {"color": HIGHLIGHT, "penwidth": "2.5", "fontcolor": HIGHLIGHT} if strong else {}
        if label:
            attrs["label"] = f"<<b>{html(label)}</b>>" if strong else label
        self.edges.append((tail, head, attrs))

    def _operands(self, node: Value, op_id: str) -> None:
        for parent, local in zip(node.parents, node.local_grads):
            strong = self._on_path(parent) and self._on_path(node)
            label = ""
            if self.options.show_local or strong:
                label = f"{local_name(node, parent, self.names)} = {self.options.number(local)}"
            self._edge(self.ids[parent], op_id, strong, label)

    def expanded(self) -> None:
        """Every Value and op; a neuron's nodes (and its weights) inside a box named after it."""
        for node in self.order:
            box = self.owners.get(node) or self.param_owner.get(node)
            self._record(node, box)
            if node.parents:
                self._operands(node, self._op(node, box))

    def collapsed(self, neurons: dict[NeuronName, NeuronLike]) -> None:
        """Each neuron as one box showing its output a; its weights and bias are not drawn."""
        outputs: dict[NeuronName, Value] = {}
        for node in self.order:
            if node in self.owners:
                outputs[self.owners[node]] = node
                self.ids[node] = f"neuron_{self.owners[node]}"
        for name, a in outputs.items():
            self.names[a] = name
            cells = [f"a = {neurons[name].activation}(z)", f"data {self.options.number(a.data)}"]
            if self.options.show_grad:
                cells.append(f"grad {self.options.number(a.grad)}")
            kind = "output" if self.kinds[a] == "output" else "neuron"
            self.used_kinds.add(kind)
            self._node(name, self.ids[a], label=record(name, False, kind, cells), shape="plain")
        seen: set[tuple[str, str]] = set()
        for node in self.order:
            owner = self.owners.get(node)
            if owner is None and node not in self.param_owner:
                self._record(node, None)
                if node.parents:
                    self._operands(node, self._op(node, None))
                continue
            for parent in node.parents if owner is not None else ():
                if parent in self.param_owner or self.owners.get(parent) == owner:
                    continue
                edge = (self.ids[parent], self.ids[node])
                if edge not in seen:
                    seen.add(edge)
                    self.edges.append((*edge, {}))
        self.notes.append(
            f"each neuron box is z = w·x + b and a = f(z) together, its weights hidden: the graph "
            f"has {len(self.order)} Values, more than max_nodes={self.options.max_nodes}"
        )

    def finish(self) -> graphviz.Digraph:
        """Emit the nodes, boxed by layer and neuron, then the legend and the caption."""
        for node_id, attrs in self.boxes.pop(None):
            self.graph.node(node_id, **attrs)
        by_layer: dict[str, list[NeuronName]] = {}
        for name in sorted(self.boxes, key=_neuron_number):
            assert name is not None
            by_layer.setdefault(name.split(".")[0], []).append(name)
        for layer, names in by_layer.items():
            with self.graph.subgraph(name=f"cluster_{layer}") as layer_box:
                layer_box.attr(label=f"layer {layer[1:]}", style="rounded,dashed",
                               color="#aaaaaa", fontcolor=FAINT)
                for name in names:
                    if self.notes:  # collapsed: the neuron is a single node already
                        for node_id, attrs in self.boxes[name]:
                            layer_box.node(node_id, **attrs)
                        continue
                    with layer_box.subgraph(name=f"cluster_{name.replace('.', '_')}") as box:
                        box.attr(label=name, style="rounded,filled", fillcolor="#fffbea",
                                 color="#d9c27a", fontcolor="#000000")
                        for node_id, attrs in self.boxes[name]:
                            box.node(node_id, **attrs)
        for tail, head, attrs in self.edges:
            self.graph.edge(tail, head, **attrs)
        if self.options.legend:
            add_legend(self.graph, self._legend_kinds(), self._legend_notes())
        if self.paths is not None and self.target is not None:
            lines = caption(self.paths, self.order[-1], self.target, self.names,
                            self.options.number)
            text = "".join(f'<tr><td align="left">{html(line)}</td></tr>' for line in lines)
            self.graph.attr(label=f'<<table border="0" cellspacing="1">{text}</table>>',
                            labelloc="b", labeljust="l", fontcolor=HIGHLIGHT)
        return self.graph

    def _legend_kinds(self) -> list[str]:
        return [kind for kind in KINDS if kind in self.used_kinds]

    def _legend_notes(self) -> list[str]:
        root = self.names[self.order[-1]]
        notes = ["ellipse: the op that made the Value its arrow points to"]
        if self.options.show_grad:
            notes.append(f"grad: d{quoted(root)}/d(this Value), filled in by backward()")
        if self.options.show_local:
            notes.append("arrow label dz/da: the local derivative its op recorded")
        if self.generated:
            notes.append("grey italic v1, v2, ...: unlabelled Values, named for reference")
        if self.target is not None:
            notes.append(f"bold red: every path from {root} down to {self.names[self.target]}")
        return notes + self.notes


def _neuron_number(name: NeuronName | None) -> tuple[int, int]:
    """(l, j) for "L{l}.N{j}", to put neurons in order (L1.N2 before L1.N10)."""
    assert name is not None
    layer, neuron = name[1:].split(".N")
    return int(layer), int(neuron)


def names_of(
    order: list[Value], preset: dict[Value, str]
) -> tuple[dict[Value, str], set[Value]]:
    """Each node's name in the diagram: its label (shortened), a `preset` name, or v1, v2, ..."""
    names: dict[Value, str] = {}
    generated: set[Value] = set()
    for node in order:
        if node.label or node in preset:
            label = node.label or preset[node]
            names[node] = label if len(label) <= MAX_NAME else label[: MAX_NAME - 1] + "…"
        else:
            generated.add(node)
            names[node] = f"v{len(generated)}"
    return names, generated



__all__ = ["MAX_NAME", "ValueDiagram", "names_of"]
