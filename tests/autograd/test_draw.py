"""autograd.draw: diagrams rendered by dot and read back as XML, and the DOT source for big graphs.

Tests that render take the `dot` fixture (skipped without graphviz's dot, failed in CI).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw
from autograd.backward import topological_order
from autograd.draw_output import DotNotFoundError, save
from autograd.draw_paths import find_paths
from autograd.draw_style import KINDS
from tests.svg import render


def values_of(drawing_nodes: dict[str, list[str]]) -> dict[str, list[str]]:
    """The Value boxes (ids v0, v1, ...) of a drawing, without op ellipses and the legend."""
    return {k: v for k, v in drawing_nodes.items() if k.startswith("v")}


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
    ops = {k: v for k, v in drawing.nodes.items() if k.startswith("op")}
    assert sorted(t[0] for t in ops.values()) == ["*", "+", "tanh"]
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


def test_folded_numbers_appear_in_the_op(dot: str) -> None:
    a = Value(1.5, "a")
    out = (2 - a * 2) ** 2 / 4
    drawing = render(draw(out))
    ops = sorted(texts[0] for node_id, texts in drawing.nodes.items() if node_id.startswith("op"))
    assert ops == sorted(["* 2", "2 -", "** 2", "/ 4"])
    assert len(values_of(drawing.nodes)) == 5  # only a is a leaf: the numbers are in the ops


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
    with pytest.raises(TypeError, match="draw\\(\\) takes a Value or an nn model"):
        draw(3.0)


def test_parameters_inputs_leaves_and_output_are_coloured_and_explained(dot: str) -> None:
    w, x, t = Value(0.5, "w"), Value(2.0, "x"), Value(1.0, "t")
    loss = (w * x - t) ** 2
    source = draw(loss, parameters=[w], inputs=[x]).source
    for kind in ("parameter", "input", "leaf", "output"):
        assert KINDS[kind][0] in source and KINDS[kind][1] in source
    drawing = render(draw(loss, parameters=[w], inputs=[x]))
    assert "legend" in drawing.texts
    # labels shaped like the nn package's parameters are parameters without being listed
    b = Value(0.1, "L1.N0.b")
    assert KINDS["parameter"][1] in draw(b * 2).source


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


def test_a_deep_graph_is_refused_quickly_without_recursion() -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match="has 100000 Values"):
        draw(chain(100_000))
    assert time.perf_counter() - start < 10


def test_twenty_thousand_nodes_with_the_limit_raised() -> None:
    root = chain(20_000)
    start = time.perf_counter()
    source = draw(root, max_nodes=20_000, show_local=True).source
    elapsed = time.perf_counter() - start
    assert source.count("->") == 2 * 19_999
    assert elapsed < 20, f"drawing 20,000 nodes took {elapsed:.1f} s"


def test_gradient_graphs_are_drawn_like_any_other(dot: str) -> None:
    x = Value(1.5, "x")
    y = x * x * x
    grads = y.backward(create_graph=True)
    assert grads is not None
    drawing = render(draw(grads[x]))
    assert f"data {3 * 1.5**2:.4g}" in " ".join(drawing.texts)


def test_jupyter_shows_svg_or_says_why_not(dot: str) -> None:
    _, _, _, out = example()
    assert "image/svg+xml" in out._repr_mimebundle_()
    text = chain(400)._repr_mimebundle_()
    assert list(text) == ["text/plain"] and "max_nodes=300" in str(text["text/plain"])


def test_save_writes_images_or_the_source(dot: str, tmp_path: Path) -> None:
    _, _, _, out = example()
    assert save(out, tmp_path / "g.svg", show_local=True).read_bytes().startswith(b"<?xml")
    assert save(draw(out), tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert "digraph" in save(out, tmp_path / "g.dot").read_text()
    with pytest.raises(ValueError, match="suffix"):
        save(out, tmp_path / "g.jpeg2000")


def test_without_dot_the_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, _, out = example()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotNotFoundError, match=r"apt-get install graphviz.*brew install graphviz"):
        save(out, tmp_path / "g.svg")
    written = save(out, tmp_path / "g.svg", if_no_dot="source")
    assert written == tmp_path / "g.dot" and written.read_text().startswith("digraph")
    assert "apt-get install graphviz" in str(out._repr_mimebundle_()["text/plain"])


# --- nn models, duck typed: autograd never imports nn ----------------------------------------


@dataclass
class FakeNeuron:
    w: list[Value]
    b: Value
    activation: str = "tanh"

    def __call__(self, x: list[Value]) -> Value:
        from autograd import weighted_sum

        z = weighted_sum(self.w, x, self.b)
        return z if self.activation == "linear" else getattr(z, self.activation)()


@dataclass
class FakeLayer:
    neurons: list[FakeNeuron]


@dataclass
class FakeMLP:
    layers: list[FakeLayer] = field(default_factory=list)

    @staticmethod
    def make(sizes: list[int], activation: str = "tanh") -> FakeMLP:
        layers = []
        for number, (nin, nout) in enumerate(itertools.pairwise(sizes), 1):
            neurons = [
                FakeNeuron([Value(0.1 * (k - j), f"L{number}.N{j}.w{k}") for k in range(nin)],
                           Value(0.05, f"L{number}.N{j}.b"), activation)
                for j in range(nout)
            ]
            layers.append(FakeLayer(neurons))
        return FakeMLP(layers)

    def __call__(self, x: list[float]) -> Value:
        values = [Value(v) for v in x]
        for layer in self.layers:
            values = [neuron(values) for neuron in layer.neurons]
        return values[0]


def test_a_model_draws_its_architecture(dot: str) -> None:
    model = FakeMLP.make([2, 3, 1])
    drawing = render(draw(model, legend=False))
    assert set(drawing.nodes) == {"x0", "x1", "L1.N0", "L1.N1", "L1.N2", "L2.N0"}
    assert len(drawing.edges) == 2 * 3 + 3 * 1  # one arrow per weight
    assert "a = tanh(z)" in drawing.nodes["L1.N0"]
    weights = render(draw(model, show_weights=True))
    assert sorted(e[2] for e in weights.edges if e[1] == "L2.N0") == ["0", "0.1", "0.2"]
    collapsed = render(draw(FakeMLP.make([50, 40, 1]), legend=False))
    assert set(collapsed.nodes) == {"input", "L1", "L2"}


def test_a_models_graph_boxes_each_neuron_and_names_z_and_a(dot: str) -> None:
    model = FakeMLP.make([2, 2, 1])
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    drawing = render(draw(loss, model=model, show_local=True))
    assert {"cluster_L1", "cluster_L1_N0", "cluster_L1_N1", "cluster_L2_N0"} <= set(
        drawing.clusters
    )
    names = {texts[0] for texts in values_of(drawing.nodes).values()}
    assert {"x[0]", "x[1]", "z[1][0]", "a[1][0]", "z[2][0]", "a[2][0]", "L1.N1.w0"} <= names
    assert any(edge[2].startswith("da[2][0]/dz[2][0] = ") for edge in drawing.edges)


def test_past_max_nodes_a_model_graph_collapses_each_neuron(dot: str) -> None:
    model = FakeMLP.make([2, 8, 8, 1])
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    with pytest.raises(ValueError, match="pass model="):
        draw(loss, max_nodes=60)
    drawing = render(draw(loss, model=model, max_nodes=60))
    neurons = [node_id for node_id in drawing.nodes if node_id.startswith("neuron_")]
    assert len(neurons) == 8 + 8 + 1
    assert not any("w0" in " ".join(texts) for texts in drawing.nodes.values())
    assert any("each neuron box" in text for text in drawing.texts)


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
@given(random_graph())
def test_sum_over_paths_of_products_is_the_gradient(graph: tuple[list[Value], Value]) -> None:
    leaves, root = graph
    root.backward()
    order = topological_order(root)
    for leaf in leaves:
        if leaf in set(order):
            paths = find_paths(order, leaf)
            assert math.isclose(paths.total, leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
            if paths.listed:
                assert len(paths.listed) == paths.count
                products = [math.prod(local for _, _, local in steps) for steps in paths.listed]
                assert math.isclose(sum(products), leaf.grad, rel_tol=1e-9, abs_tol=1e-12)


def test_importing_autograd_loads_neither_graphviz_nor_nn() -> None:
    import subprocess
    import sys

    code = "import sys, autograd; print(sorted({'graphviz', 'nn'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
