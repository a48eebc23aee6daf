"""The scene of one Value graph: a box per Value, an ellipse per op, an arrow per operand.

What the caller may add, without autograd knowing what it means: which leaves are parameters or
inputs (their colours), names for unlabelled nodes, a second name for some gradients (shown as
`dC/dz = δ`), groups of nodes to box together (and to collapse past `max_nodes`), and notes for
the legend.

The grads shown are those the latest `backward()` left (`last_backward_root()`): the legend says
what they are derivatives of, and a Value that backward did not reach shows `—`, not 0.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from autograd.backward import topological_order
from autograd.draw.crowds import thin_crowds
from autograd.draw.groups import Group, check_groups, leaf_chains, owners, stack_within
from autograd.draw.naming import find, grad_source, kinds, names_of, too_big
from autograd.draw.paths import Paths, caption, find_paths, local_name, quoted
from autograd.draw.scene import Arrow, Box, Cell, Cluster, Scene
from autograd.draw.style import (
    EDGE,
    GROUP_FILL,
    HIGHLIGHT,
    KINDS,
    NOT_REACHED,
    OP_FILL,
    Options,
    op_text,
)
from autograd.value import Value


@dataclass(frozen=True)
class Hooks:
    """What a caller tells `draw` about a graph beyond its Values (see the module docstring)."""

    parameters: Collection[Value] = ()
    inputs: Collection[Value] = ()
    names: Mapping[Value, str] = field(default_factory=dict)
    grad_names: Mapping[Value, str] = field(default_factory=dict)
    groups: Sequence[Group] = ()
    notes: Sequence[str] = ()


@dataclass
class GraphScene:
    """A Value graph's scene, and what `step_through` needs to animate it.

    `units` are the boxes backward visits one at a time, in order, each with the interior nodes
    it stands for; `cells` the grad cell of each drawn Value; `carried` the operand edges
    (node, index of the parent) each arrow stands for; `source` the name of d(source)/d(...).
    """

    scene: Scene
    order: list[Value]
    names: dict[Value, str]
    root: Value
    units: list[tuple[list[str], list[Value]]] = field(default_factory=list)
    unit_of: dict[Value, str] = field(default_factory=dict)
    cells: dict[Value, str] = field(default_factory=dict)
    carried: dict[str, list[tuple[Value, int]]] = field(default_factory=dict)
    collapsed: bool = False


def graph_scene(
    root: Value,
    options: Options,
    hooks: Hooks,
    highlight: Value | str | None = None,
    grads: Mapping[Value, float] | None = None,
    by_within: bool = False,
) -> GraphScene:
    """The scene of `root`'s graph. `grads`, when given, are the gradients to show (d root/d v,
    computed by the caller) instead of the `.grad` that the latest backward() left. `by_within`:
    when groups are drawn as boxes, the groups of one `within` make one unit of backward, not
    one each."""
    check_groups(hooks.groups)
    order = topological_order(root)
    group_of = owners(hooks.groups)
    collapse = len(order) > options.max_nodes
    if collapse:
        shown = sum(1 for node in order if node not in group_of) + len(hooks.groups)
        if not hooks.groups or shown > options.max_nodes:
            raise ValueError(too_big(len(order), options.max_nodes, bool(hooks.groups), shown))
        if highlight is not None:
            raise ValueError(
                f"highlight= needs every node drawn, but the graph has {len(order)} Values, more "
                f"than max_nodes={options.max_nodes}; pass max_nodes={len(order)}"
            )
    builder = _Builder(root, order, options, hooks, group_of, grads)
    if highlight is not None:
        builder.highlight(find(highlight, order))
    if collapse:
        builder.collapsed(by_within)
    else:
        builder.expanded()
    return builder.finish()


class _Builder:
    """Builds a `GraphScene` node by node."""

    def __init__(
        self,
        root: Value,
        order: list[Value],
        options: Options,
        hooks: Hooks,
        group_of: dict[Value, Group],
        grads: Mapping[Value, float] | None,
    ) -> None:
        self.root, self.order, self.options, self.hooks = root, order, options, hooks
        self.group_of = group_of
        self.index = {node: i for i, node in enumerate(order)}
        self.names, self.generated = names_of(order, hooks.names)
        self.scene = Scene("computation_graph", options)
        self.result = GraphScene(self.scene, order, self.names, root)
        self.kinds = kinds(order, root, set(hooks.parameters), set(hooks.inputs))
        self.used_kinds: set[str] = set()
        self.paths: Paths | None = None
        self.grads = grads
        self.started, self.reached = grad_source(order, grads is not None, root)
        self.source = None if self.started is None else self._source_name(self.started)
        self.unreached_shown = False
        self.clusters: dict[str, str] = {}

    # --- what each node shows ----------------------------------------------------------------

    def highlight(self, target: Value) -> None:
        self.paths = find_paths(self.order, target)

    def _on_path(self, node: Value) -> bool:
        return self.paths is not None and node in self.paths.on_path

    def _grad(self, node: Value) -> str:
        """The grad as text: the number, or `—` where no backward reached the node."""
        if self.grads is not None:
            if node in self.grads:
                return self.options.number(self.grads[node])
        elif node in self.reached or node.grad != 0.0:
            return self.options.number(node.grad)
        self.unreached_shown = True
        return NOT_REACHED

    def _grad_cell(self, node: Value, prefix: str) -> Cell:
        cell_id = f"g{self.index[node]}"
        self.result.cells[node] = cell_id
        return Cell(self._grad(node), "grad", prefix=prefix, grad_id=cell_id, grad_of=node.label)

    def _grad_prefix(self, node: Value) -> str:
        """'dC/dz[1][0] = δ[1][0] = ' in a group's rows, where the name of the grad is needed."""
        if self.source is None:
            return "grad = "
        text = f"d{quoted(self.source)}/d{quoted(self.names[node])}"
        second = self.hooks.grad_names.get(node)
        return f"{text} = {second} = " if second else f"{text} = "

    def _value_box(self, node: Value, cluster: str | None) -> None:
        kind = self.kinds[node]
        self.used_kinds.add(kind)
        title = Cell(self.names[node], "generated" if node in self.generated else "title")
        row = [title, Cell(f"data {self.options.number(node.data)}")]
        if self.options.show_grad:
            second = self.hooks.grad_names.get(node)
            row.append(self._grad_cell(node, f"grad {second} = " if second else "grad "))
        across = self.options.rankdir in ("LR", "RL")  # else label, data, grad one per line
        self.scene.boxes.append(Box(
            f"v{self.index[node]}", [row] if across else [[cell] for cell in row],
            fill=KINDS[kind][0], cluster=cluster, strong=self._on_path(node),
            thick=kind == "output",
        ))

    def _op_box(self, node: Value, cluster: str | None) -> str:
        op_id = f"op{self.index[node]}"
        text = op_text(node, self.options.number)
        self.scene.boxes.append(Box(op_id, [[Cell(text)]], shape="ellipse", fill=OP_FILL,
                                    cluster=cluster, strong=self._on_path(node), tooltip=node.op))
        self._arrow(op_id, f"v{self.index[node]}", self._on_path(node))
        return op_id

    def _arrow(self, tail: str, head: str, strong: bool, label: str = "") -> str:
        arrow_id = f"e{len(self.scene.arrows)}"
        color = HIGHLIGHT if strong else EDGE
        self.scene.arrows.append(Arrow(arrow_id, tail, head, label, strong, color,
                                       2.5 if strong else 1.0))
        return arrow_id

    def _operands(self, node: Value, head: str) -> None:
        """One arrow per operand, labelled with the local derivative when asked or highlighted."""
        for position, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            strong = self._on_path(parent) and self._on_path(node)
            label = ""
            if self.options.show_local or strong:
                label = f"{local_name(node, parent, self.names)} = {self.options.number(local)}"
            arrow = self._arrow(f"v{self.index[parent]}", head, strong, label)
            self.result.carried[arrow] = [(node, position)]

    def _cluster(self, name: str, parent: str | None, style: str) -> str:
        key = f"{parent}/{name}"
        if key not in self.clusters:
            cluster_id = "cluster_" + re.sub(r"\W", "_", name)
            while any(c.id == cluster_id for c in self.scene.clusters):
                cluster_id += "_"
            self.clusters[key] = cluster_id
            self.scene.clusters.append(Cluster(cluster_id, name, parent, style))
        return self.clusters[key]

    def _group_cluster(self, group: Group, collapsed: bool) -> str | None:
        outer = self._cluster(group.within, None, "outer") if group.within else None
        return outer if collapsed else self._cluster(group.name, outer, "group")

    # --- the two ways to draw ----------------------------------------------------------------

    def expanded(self) -> None:
        """Every Value and op; a group's members inside a box titled with its name."""
        for listed in self.hooks.groups:  # the boxes in the groups' order
            self._group_cluster(listed, False)
        for node in self.order:
            group = self.group_of.get(node)
            cluster = None if group is None else self._group_cluster(group, False)
            self._value_box(node, cluster)
            self.result.unit_of[node] = f"op{self.index[node]}"
            if node.parents:
                self._operands(node, self._op_box(node, cluster))
        for node in reversed(self.order):
            if node.parents:
                op_id = f"op{self.index[node]}"
                self.result.units.append(([op_id, f"v{self.index[node]}"], [node]))
        self._leaf_orders()
        if self.options.rankdir in ("TB", "BT"):
            stack_within(self.scene)

    def _leaf_orders(self) -> None:
        """Each group's leaves side by side, and the inputs the groups share (`leaf_chains`)."""
        for chain in leaf_chains(self.hooks.groups, self.order):
            self.scene.orders.append([f"v{self.index[leaf]}" for leaf in chain])

    def collapsed(self, by_within: bool = False) -> None:
        """Each group as one box showing its `shown` members; its other members are hidden.
        Each box is a unit of backward, or (`by_within`) all the boxes of one `within` are."""
        from autograd.draw.groups import backward_units

        boxes: dict[Group, str] = {}
        for number, group in enumerate(self.hooks.groups):
            boxes[group] = f"group{number}"
        by_cluster: dict[str | None, list[str]] = {}
        for group, box_id in boxes.items():
            cluster = self._group_cluster(group, True)
            rows = [[Cell(group.name, "title"), Cell(group.summary)]]
            for value in group.shown:
                row = [Cell(self.names[value]), Cell(f"data {self.options.number(value.data)}")]
                if self.options.show_grad:
                    row.append(self._grad_cell(value, self._grad_prefix(value)))
                rows.append(row)
            kind = "output" if self.root in set(group.members) else "group"
            self.used_kinds.add(kind)
            self.scene.boxes.append(Box(box_id, rows, fill=KINDS[kind][0] if kind == "output"
                                        else GROUP_FILL, cluster=cluster))
            by_cluster.setdefault(cluster, []).append(box_id)
        self.scene.orders += [ids for ids in by_cluster.values() if len(ids) > 1]
        for node in self.order:
            owner = self.group_of.get(node)
            if owner is not None and by_within and owner.within:
                self.result.unit_of[node] = "within:" + owner.within
            else:
                self.result.unit_of[node] = boxes[owner] if owner else f"op{self.index[node]}"
        seen: dict[tuple[str, str], str] = {}
        for node in self.order:
            member_of = self.group_of.get(node)
            if member_of is None:
                self._value_box(node, None)
                if not node.parents:
                    continue
                head = self._op_box(node, None)
            else:
                head = boxes[member_of]
            for position, parent in enumerate(node.parents):
                above = self.group_of.get(parent)
                if above is member_of and member_of is not None:
                    continue
                tail = boxes[above] if above else f"v{self.index[parent]}"
                if member_of is None and above is None:
                    arrow = self._arrow(tail, head, False, self._local_label(node, position))
                elif (tail, head) in seen:
                    arrow = seen[(tail, head)]
                else:
                    arrow = seen[(tail, head)] = self._arrow(tail, head, False)
                self.result.carried.setdefault(arrow, []).append((node, position))
        units = backward_units(self.order, self.result.unit_of)
        for unit, nodes in units:
            if unit.startswith("within:"):
                drawn = [box for group, box in boxes.items() if "within:" + group.within == unit]
            else:
                drawn = [unit] if unit.startswith("group") else [unit, "v" + unit[2:]]
            self.result.units.append((drawn, nodes))
        self.result.collapsed = True
        self.scene.legend.append(("", (
            f"each box is a group of nodes drawn as one, its inner nodes hidden: the graph has "
            f"{len(self.order)} Values, more than max_nodes={self.options.max_nodes}")))

    def _local_label(self, node: Value, position: int) -> str:
        if not self.options.show_local:
            return ""
        parent, local = node.parents[position], node.local_grads[position]
        return f"{local_name(node, parent, self.names)} = {self.options.number(local)}"

    # --- legend and caption --------------------------------------------------------------------

    def finish(self) -> GraphScene:
        crowded = thin_crowds(self.scene)
        if crowded and self.options.legend:
            self.scene.legend.append(("", f"faint lines: {crowded} arrows between groups of boxes, "
                                          "too many to label"))
        if self.options.legend:
            used = [kind for kind in KINDS if kind in self.used_kinds]
            rows = [(KINDS[kind][0], self._kind_text(kind)) for kind in used]
            self.scene.legend[:0] = rows + [("", note) for note in self._notes()]
        else:
            self.scene.legend.clear()
        if self.paths is not None:
            self.scene.caption = caption(self.paths, self.names, self.options.number)
        return self.result

    def _source_name(self, source: Value) -> str:
        if source in self.names:
            return self.names[source]
        return source.label or "a later Value"

    def _kind_text(self, kind: str) -> str:
        if kind == "output" and self.started is self.root:
            return KINDS[kind][1] + "; backward() started here, with grad 1"
        return KINDS[kind][1]

    def _notes(self) -> list[str]:
        notes = ["ellipse: the op that made the Value its arrow points to"]
        if self.options.show_grad:
            notes.append(self._grad_note())
            if self.unreached_shown:
                notes.append(f"grad {NOT_REACHED}: no backward() has reached this Value yet "
                             "(unknown, not 0)")
        if self.options.show_local:
            notes.append("arrow label dz/da: the local derivative its op recorded")
        if self.generated:
            notes.append("grey italic v1, v2, ...: unlabelled Values, named for reference")
        if self.paths is not None:
            notes.append(f"bold red: every path from {self.names[self.root]} down to "
                         f"{self.names[self.paths.target]}")
        return notes + list(self.hooks.notes)

    def _grad_note(self) -> str:
        if self.source is None:
            return "grad: as an earlier backward() left it in .grad"
        return (f"grad: d{quoted(self.source)}/d(this Value), the chain rule from "
                f"{self.source} (backward() ran from it)")


__all__ = ["GraphScene", "Hooks", "graph_scene"]
