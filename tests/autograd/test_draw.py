"""autograd.draw: diagrams rendered by dot (or written by chainrule) and read back as XML.

Tests that render with graphviz take the `dot` fixture (skipped without dot, failed in CI); the
SVG that chainrule writes itself is tested with `dot` hidden from PATH too.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, define_op
from autograd.backward import topological_order
from autograd.draw import DotNotFoundError, Group, draw, draw_svg, save
from autograd.draw.measure import text_width
from autograd.draw.paths import find_paths
from autograd.draw.style import KINDS, Options, op_text
from tests.svg import edge_paths, parse_svg, render

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def values_of(drawing_nodes: dict[str, list[str]]) -> dict[str, list[str]]:
    """The Value boxes (ids v0, v1, ...) of a drawing, without op ellipses and the legend."""
    return {k: v for k, v in drawing_nodes.items() if re.fullmatch(r"v\d+", k)}


def ops_of(drawing_nodes: dict[str, list[str]]) -> list[str]:
    return sorted(texts[0] for k, texts in drawing_nodes.items() if k.startswith("op"))


def example() -> tuple[Value, Value, Value, Value]:
    a, b, c = Value(2.0, "a"), Value(-0.5, "b"), Value(0.5, "c")
    out = (a * b + c).tanh()
    out.label = "out"
    out.backward()
    return a, b, c, out


def test_one_box_per_value_one_ellipse_per_op_one_arrow_per_operand(dot: str) -> None:
    a, _, _, out = example()
    drawing = render(draw(out, show_local=True, legend=False))
    assert len(values_of(drawing.nodes)) == 6  # a, b, c, a*b, a*b + c, out
    assert ops_of(drawing.nodes) == ["+", "tanh", "×"]
    assert len(drawing.edges) == 5 + 3  # operands (2 + 2 + 1), then op -> result
    # label, data and grad of each Value, in the default format (.4g)
    assert ["a", "data 2", f"grad {a.grad:.4g}"] == drawing.nodes["v0"]
    assert drawing.nodes["v5"] == ["out", f"data {out.data:.4g}", "grad 1"]
    # the local derivative recorded by each op is written on its operand's arrow
    labels = [edge[2] for edge in drawing.edges]
    assert "dv1/da = -0.5" in labels and "dv1/db = 2" in labels
    assert f"dout/dv2 = {1 - out.data**2:.4g}" in labels


def test_a_plus_a_has_two_arrows(dot: str) -> None:
    a = Value(3.0, "a")
    out = a + a
    out.backward()
    drawing = render(draw(out, show_local=True))
    arrows = [edge for edge in drawing.edges if (edge[0], edge[1]) == ("v0", "op1")]
    assert len(arrows) == 2
    assert [edge[2] for edge in arrows] == ["dv1/da = 1", "dv1/da = 1"]
    assert "grad 2" in drawing.nodes["v0"]


def test_folded_numbers_read_as_ops_not_as_numbers(dot: str) -> None:
    a = Value(1.5, "a")
    out = (2 - a * 2) ** 2 / 4 - 1.0
    drawing = render(draw(out))
    assert ops_of(drawing.nodes) == sorted(["× 2", "2 −", "^ 2", "/ 4", "− 1"])
    assert len(values_of(drawing.nodes)) == 6  # only a is a leaf: the numbers are in the ops


def test_op_text_sets_symbols_apart_from_numbers_in_the_diagrams_format() -> None:
    a, b = Value(1.5, "a"), Value(2.0, "b")
    cases = [(a - 1.0, "− 1"), (a * 2, "× 2"), (2 - a, "2 −"), (1 / a, "1 /"), (a**2, "^ 2"),
             (a + -0.5, "+ −0.5"), (a - b, "−"), (a * b, "×"), (a.tanh(), "tanh"),
             (autograd.sum([a, b, 2.0]), "sum(·, ·, 2)"), (a - 0.6964338352160273, "− 0.6964"),
             (autograd.sum([a, *range(1, 8)]), "sum(…, 1, 2, 3, 4, 5, 6, 7)")]
    number = Options(number_format=".4g").number
    assert [op_text(node, number) for node, _ in cases] == [shown for _, shown in cases]
    dash = define_op("my-op", lambda x, y: x - y, lambda x, y, out: (1.0, -1.0))
    assert op_text(dash(a, 3.0), number) == "my-op 3" and op_text(a, number) == ""


def test_a_users_op_draws_like_a_built_in_one(dot: str) -> None:
    sin = define_op("sin", math.sin, lambda x, out: (cos(x),))
    cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))
    x = Value(0.7, "x")
    out = sin(x * 2.0) * cos(x)
    out.label = "out"
    out.backward()
    for drawing in (render(draw(out, show_local=True)),
                    parse_svg(draw_svg(out, show_local=True, engine="grandalf").encode())):
        assert ops_of(drawing.nodes) == ["cos", "sin", "×", "× 2"]
        labels = [edge[2] for edge in drawing.edges if edge[2]]
        assert f"dv2/dv1 = {math.cos(1.4):.4g}" in labels  # sin's derivative, as it recorded
        assert f"dv3/dx = {-math.sin(0.7):.4g}" in labels  # cos's
        assert f"grad {x.grad:.4g}" in drawing.nodes["v0"]  # x used twice: two paths, one sum
    assert x.grad == pytest.approx(2 * math.cos(1.4) * math.cos(0.7)
                                   - math.sin(1.4) * math.sin(0.7), rel=1e-14)


def test_highlight_draws_every_path_bold_and_sums_their_products(dot: str) -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    x = a * b
    x.label = "x"
    out = x * a + b  # a reaches out along two paths: through x and directly
    out.label = "C"
    out.backward()
    drawing = render(draw(out, highlight=a))
    bold = [edge for edge in drawing.edges if edge[3].get("stroke") == "#c0392b"]
    assert {(t, h) for t, h, _, _ in bold} >= {("v0", "op2"), ("v0", "op3"), ("v2", "op3")}
    assert all(edge[2] == "" for edge in drawing.edges if edge not in bold)  # show_local off
    caption = " ".join(drawing.texts)
    assert "dC/da = sum over 2 paths" in caption
    # path through x: dC/dv1 · dv1/dx · dx/da = 1 × a × b ; direct: dC/dv1 · dv1/da = 1 × x
    assert "1 × 2 × -3 = -6" in caption and "1 × -6 = -6" in caption
    assert f"dC/da = {a.grad:.4g}" in caption and a.grad == -12.0


def test_highlight_by_label_and_the_errors() -> None:
    _, _, _, out = example()
    assert "dout/db" in draw(out, highlight="b").source
    assert "dout/dout = 1: the output itself" in draw(out, highlight=out).source
    odd = Value(1.0, '<x> & "q"')  # labels are text, never markup
    assert "&lt;x&gt; &amp;" in draw(odd * 2, highlight=odd).source
    with pytest.raises(ValueError, match=r"no Value is labelled so.*'a', 'b', 'c'"):
        draw(out, highlight="w")
    with pytest.raises(ValueError, match="not in the graph"):
        draw(out, highlight=Value(1.0))


def test_options_change_what_is_shown(dot: str) -> None:
    _, _, _, out = example()
    drawing = render(draw(out, show_grad=False, number_format=".3f", legend=False))
    assert drawing.nodes["v0"] == ["a", "data 2.000"]
    assert not any("grad" in text for text in drawing.texts)
    assert "rankdir=TB" in draw(out, rankdir="TB").source
    for bad in ({"rankdir": "XY"}, {"number_format": "%d"}, {"max_nodes": 0}):
        with pytest.raises(ValueError):
            draw(out, **bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"draw\(\) takes a Value.*nn\.draw"):
        draw(3.0)  # type: ignore[arg-type]


def test_parameters_inputs_leaves_and_output_are_coloured_and_explained(dot: str) -> None:
    w, x, t = Value(0.5, "w"), Value(2.0, "x"), Value(1.0, "t")
    loss = (w * x - t) ** 2
    source = draw(loss, parameters=[w], inputs=[x]).source
    for kind in ("parameter", "input", "leaf", "output"):
        assert KINDS[kind][0] in source and KINDS[kind][1] in source
    assert "legend" in render(draw(loss, parameters=[w], inputs=[x])).texts
    # autograd reads no meaning into labels: only the caller says what a parameter is
    b = Value(0.1, "L1.N0.b")
    assert KINDS["parameter"][1] not in draw(b * 2).source


# --- what the grads are derivatives of (issue 16) --------------------------------------------


def test_the_legend_names_the_value_backward_ran_from() -> None:
    a = Value(0.5, "a")
    z = a * 3.0
    z.label = "z"
    out = z.tanh()
    out.label = "out"
    out.backward()
    svg = draw_svg(z)  # z is drawn, but backward() ran from out
    drawing = parse_svg(svg.encode())
    legend = " ".join(drawing.nodes["legend"])
    assert "grad: dout/d(this Value)" in legend
    assert "backward() started here" not in legend
    assert f"grad {1 - out.data**2:.4g}" in drawing.nodes["v1"]  # dout/dz, not dz/dz = 1
    assert f"grad {3 * (1 - out.data**2):.4g}" in drawing.nodes["v0"]
    out_legend = " ".join(parse_svg(draw_svg(out).encode()).nodes["legend"])
    assert "backward() started here, with grad 1" in out_legend


def test_grads_no_backward_reached_show_a_dash_not_zero() -> None:
    w, x = Value(0.5, "w"), Value(2.0, "x")
    y = w * x
    y.label = "y"
    fresh = parse_svg(draw_svg(y).encode())
    assert [texts[2] for texts in values_of(fresh.nodes).values()] == ["grad —"] * 3
    assert "no backward() has reached this Value yet" in " ".join(fresh.nodes["legend"])
    y.backward()
    later = y.relu()  # made after the backward: it has no gradient yet
    later.label = "later"
    drawing = parse_svg(draw_svg(later).encode())
    boxes = {texts[0]: texts[2] for texts in values_of(drawing.nodes).values()}
    assert boxes == {"w": "grad 2", "x": "grad 0.5", "y": "grad 1", "later": "grad —"}
    relu_off = Value(-1.0, "u")
    dead = relu_off.relu()
    dead.backward()  # reached, with a true zero: shown as 0
    assert "grad 0" in values_of(parse_svg(draw_svg(dead).encode()).nodes)["v0"]


# --- too big: a clear error, or groups drawn as one box each ---------------------------------


def chain(n: int) -> Value:
    """A graph of n Values: x, then n - 1 ops each consuming the last result."""
    x = Value(0.5, "x")
    for i in range(n - 1):
        x = x * 1.0001 if i % 2 else x + 0.001
    return x


def test_past_max_nodes_a_clear_error_says_how_many_and_how_to_raise_it() -> None:
    with pytest.raises(ValueError, match=r"has 301 Values, more than max_nodes=300.*max_nodes=301"):
        draw(chain(301))
    assert draw(chain(301), max_nodes=301).source.count("->") == 2 * 300


def test_a_deep_graph_is_refused_without_recursion() -> None:
    with pytest.raises(ValueError, match="has 100000 Values"):
        draw(chain(100_000))


def test_twenty_thousand_nodes_with_the_limit_raised() -> None:
    source = draw(chain(20_000), max_nodes=20_000, show_local=True).source
    assert source.count("->") == 2 * 19_999


def blocks(n: int) -> tuple[Value, list[Group]]:
    """n blocks of (x * w + b).tanh() feeding each other; each block a group."""
    x: Value = Value(0.3, "x")
    groups = []
    for i in range(n):
        w, b = Value(0.5 + i / 10, f"w{i}"), Value(0.1, f"b{i}")
        z = x * w + b
        a = z.tanh()
        groups.append(Group(f"block {i}", {w, b, z, z.parents[0], a}, (z, a), "a = tanh(z)",
                            "stack"))
        x = a
    return x, groups


def test_past_max_nodes_groups_are_drawn_as_one_box_each(dot: str) -> None:
    root, groups = blocks(6)
    root.backward()
    with pytest.raises(ValueError, match="pass groups="):
        draw(root, max_nodes=10)
    drawing = render(draw(root, groups=groups, max_nodes=10))
    boxes = [node_id for node_id in drawing.nodes if node_id.startswith("group")]
    assert len(boxes) == 6
    assert "cluster_stack" in drawing.clusters
    assert not any("w0" in " ".join(texts) for texts in drawing.nodes.values())
    # the box shows the shown members by name, with their data and grad
    z1 = groups[1].shown[0]
    assert re.search(rf"d\w+/d\w+ = {z1.grad:.4g}\b", " ".join(drawing.nodes["group1"]))
    assert len(drawing.edges) == 1 + 5  # x into the first box, then box to box


def test_groups_are_boxed_when_everything_fits(dot: str) -> None:
    root, groups = blocks(2)
    drawing = render(draw(root, groups=groups, names={groups[0].shown[0]: "z0"}))
    assert {"cluster_stack", "cluster_block_0", "cluster_block_1"} <= set(drawing.clusters)
    assert any(texts[0] == "z0" for texts in values_of(drawing.nodes).values())


@pytest.mark.parametrize("engine", ["dot", "grandalf"])
def test_top_to_bottom_a_larger_box_that_uses_another_comes_wholly_below_it(
    engine: str
) -> None:
    if engine == "dot":
        from tests.conftest import require_dot

        require_dot()
    root, groups = blocks(2)
    staged = [Group(g.name, g.members, g.shown, g.summary, f"stage {i}")
              for i, g in enumerate(groups)]
    drawing = parse_svg(draw_svg(root, groups=staged, engine=engine, rankdir="TB").encode())
    rects = {g.get("id"): g.find(f"{SVG}rect") for g in drawing.root.iter(f"{SVG}g")
             if g.get("class") == "cluster"}
    first, second = rects["cluster_stage_0"], rects["cluster_stage_1"]
    # w1 and b1 are leaves, which a layout would otherwise rank beside stage 0's last box
    assert float(second.get("y", 0)) >= float(first.get("y", 0)) + float(first.get("height", 0))


# --- the same diagram as SVG, with or without dot (issue 15) ---------------------------------


def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Hide graphviz's dot: PATH holds only an empty folder."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def test_without_dot_draw_svg_has_a_box_per_value_and_an_arrow_per_operand(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_dot(monkeypatch, tmp_path)
    a = Value(3.0, "a")
    b = Value(-1.0, "b")
    out = (a * a + b).sigmoid() * a  # a used three times
    out.backward()
    svg = draw_svg(out, show_local=True)
    drawing = parse_svg(svg.encode())
    assert 'data-layout="grandalf"' in svg
    order = topological_order(out)
    assert len(values_of(drawing.nodes)) == len(order)
    operands = [e for e in drawing.edges if e[1].startswith("op")]
    assert len(operands) == sum(len(node.parents) for node in order)
    assert sum(1 for e in operands if e[0] == "v0") == 3
    assert f"grad {a.grad:.4g}" in drawing.nodes["v0"]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_without_dot_arrow_labels_sit_beside_their_lines_not_on_them(rankdir: str) -> None:
    _, _, _, out = example()
    drawing = parse_svg(draw_svg(out, engine="grandalf", show_local=True,
                                 rankdir=rankdir).encode())
    paths = edge_paths(drawing)
    labels = 0
    for group in drawing.root.iter(f"{SVG}g"):
        for text in group.iter(f"{SVG}text") if group.get("class") == "edge" else ():
            words, x, y = "".join(text.itertext()), float(text.get("x", 0)), float(
                text.get("y", 0))
            width = text_width(words, 10)
            left = {"start": x, "end": x - width}.get(text.get("text-anchor", ""), x - width / 2)
            box = (left, y - 8, left + width, y + 2)  # from the capitals' tops to the descenders
            line = paths[group.get("id") or ""]
            assert not [p for p in line if box[0] + 1 < p[0] < box[2] - 1
                        and box[1] + 1 < p[1] < box[3] - 1], f"{words!r} lies on its line"
            assert min(math.dist(p, (min(max(p[0], box[0]), box[2]),
                                     min(max(p[1], box[1]), box[3]))) for p in line) < 6, words
            labels += 1
    assert labels == 5


def test_draw_svg_uses_dot_when_it_is_installed(dot: str) -> None:
    _, _, _, out = example()
    svg = draw_svg(out)
    assert 'data-layout="dot"' in svg
    drawing = parse_svg(svg.encode())
    assert len(values_of(drawing.nodes)) == 6 and ops_of(drawing.nodes) == ["+", "tanh", "×"]
    assert len(drawing.edges) == 8


def test_grad_cells_carry_the_label_they_belong_to() -> None:
    _, _, _, out = example()
    drawing = parse_svg(draw_svg(out, engine="grandalf").encode())
    cells = {t.get("data-grad-of"): t.text for t in drawing.root.iter(
        "{http://www.w3.org/2000/svg}tspan") if t.get("data-grad-of")}
    assert set(cells) == {"a", "b", "c", "out"} and cells["out"] == "1"


def test_groups_and_order_without_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    no_dot(monkeypatch, tmp_path)
    root, groups = blocks(6)
    root.backward()
    drawing = parse_svg(draw_svg(root, groups=groups, max_nodes=10).encode())
    assert sum(1 for node_id in drawing.nodes if node_id.startswith("group")) == 6
    assert "cluster_stack" in drawing.clusters


# --- files and Jupyter ------------------------------------------------------------------------


def test_save_writes_svg_without_dot_and_leaves_no_stray_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, _, _, out = example()
    folder = tmp_path / "pictures"
    folder.mkdir()
    no_dot(monkeypatch, tmp_path)
    written = save(out, folder / "graph.svg", show_local=True)
    assert written.read_text().startswith("<svg") and [p.name for p in folder.iterdir()] == [
        "graph.svg"]
    assert "digraph" in save(out, folder / "graph.dot").read_text()
    with pytest.raises(DotNotFoundError, match=r"apt-get install graphviz.*brew install graphviz"):
        save(out, folder / "graph.png")
    assert sorted(p.name for p in folder.iterdir()) == ["graph.dot", "graph.svg"]
    with pytest.raises(ValueError, match="suffix"):
        save(out, folder / "g.jpeg2000")


def test_save_renders_png_with_dot(dot: str, tmp_path: Path) -> None:
    _, _, _, out = example()
    assert save(draw(out), tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert save(out, tmp_path / "g.pdf").read_bytes()[:4] == b"%PDF"


def test_jupyter_shows_svg_even_without_dot_or_says_why_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_dot(monkeypatch, tmp_path)
    _, _, _, out = example()
    assert "<svg" in out._repr_mimebundle_()["image/svg+xml"]
    text = chain(400)._repr_mimebundle_()
    assert "image/svg+xml" not in text and "max_nodes=300" in str(text["text/plain"])


def test_the_readme_example_leaves_only_the_picture(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Seeing the graph"):]
    code = section[section.index("```python") + 9 : section.index("```", section.index(
        "```python") + 9)]
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, timeout=120,
                   env={"PATH": "", "PYTHONPATH": str(ROOT)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]


# --- the chain rule as a sum over paths ------------------------------------------------------

UNARY = ("tanh", "sigmoid", "exp_small", "neg")
BINARY = ("+", "-", "*")


@st.composite
def random_graph(draw_: st.DrawFn) -> tuple[list[Value], Value]:
    """A random graph over three leaves where each new node reuses earlier ones (shared paths)."""
    leaves = [Value(draw_(st.floats(-2, 2)), name) for name in "abc"]
    nodes = list(leaves)
    for _ in range(draw_(st.integers(1, 12))):
        if draw_(st.booleans()):
            x = draw_(st.sampled_from(nodes))
            op = draw_(st.sampled_from(UNARY))
            nodes.append({"tanh": x.tanh, "sigmoid": x.sigmoid, "neg": x.__neg__,
                          "exp_small": lambda x=x: (x * 0.1).exp()}[op]())
        else:
            x, y = draw_(st.sampled_from(nodes)), draw_(st.sampled_from(nodes))
            op = draw_(st.sampled_from(BINARY))
            nodes.append(x + y if op == "+" else x - y if op == "-" else x * y)
    return leaves, nodes[-1]


@settings(max_examples=60, deadline=None)
@given(random_graph(), st.integers(0, 2**16))
def test_sum_over_paths_of_products_is_the_gradient(
    graph: tuple[list[Value], Value], seed: int
) -> None:
    leaves, root = graph
    root.backward()
    order = topological_order(root)
    named = [node for i, node in enumerate(order) if (seed >> (i % 16)) & 1]
    for leaf in leaves:
        if leaf in set(order):
            for paths in (find_paths(order, leaf), find_paths(order, leaf, named)):
                assert math.isclose(paths.total, leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
                listed = list(paths.each())
                assert len(listed) == paths.count
                products = [math.prod(step.factor for step in steps) for steps in listed]
                assert math.isclose(math.fsum(products), leaf.grad, rel_tol=1e-9, abs_tol=1e-12)


def test_paths_told_through_named_nodes_merge_what_lies_between() -> None:
    w, x, t = Value(0.5, "w"), Value(2.0, "x"), Value(1.0, "t")
    a = (w * x).sigmoid()
    cost = 0.5 * (a - t) ** 2  # three unnamed nodes between cost and a
    order = topological_order(cost)
    paths = find_paths(order, w, named=[a])
    (steps,) = list(paths.each())
    assert [(s.upper, s.lower) for s in steps] == [(cost, a), (a, w)]
    assert steps[0].factor == pytest.approx(a.data - t.data, rel=1e-15)  # dC/da, one factor
    assert steps[1].factor == pytest.approx(a.data * (1 - a.data) * x.data, rel=1e-15)
    assert len(find_paths(order, w).each().__next__()) == 5


def test_importing_autograd_loads_neither_graphviz_nor_nn() -> None:
    code = "import sys, autograd; print(sorted({'graphviz', 'nn', 'grandalf'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_autograd_draw_knows_no_neurons_layers_or_models() -> None:
    # grandalf's own attribute `.layers` (its ranks) is the one use of the word
    for path in (ROOT / "autograd" / "draw").iterdir():
        if path.suffix in (".py", ".js", ".css"):
            text = path.read_text().lower()
            assert not re.search(r"(?<!\.)\b(neurons?|layers?|models?|mlp)\b", text), path.name
