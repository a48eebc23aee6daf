"""nn.draw: a network's architecture, and one sample's graph in the seeds' notation."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from autograd import Value
from autograd.draw.measure import text_width
from nn.draw import draw, draw_svg, graph_hooks, sample_graph, step_through
from nn.layers import MLP
from tests.svg import (
    Drawing,
    cluster_titles,
    edge_paths,
    parse_svg,
    render,
    svg_width,
    text_places,
)

SVG = "{http://www.w3.org/2000/svg}"


def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def node_y(drawing: Drawing, node_id: str) -> float:
    """The height on the page of a node (its first text's anchor)."""
    for group in drawing.root.iter(f"{SVG}g"):
        if group.get("class") == "node" and group.findtext(f"{SVG}title") == node_id:
            return text_places(group)[0][2]
    raise KeyError(node_id)


def test_a_model_draws_its_architecture(dot: str) -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    drawing = render(draw(model, legend=False))
    assert set(drawing.nodes) == {"x0", "x1", "L1.N0", "L1.N1", "L1.N2", "L2.N0"}
    assert len(drawing.edges) == 2 * 3 + 3 * 1  # one arrow per weight
    assert "a = tanh(z)" in drawing.nodes["L1.N0"]
    weights = render(draw(model, show_weights=True))
    shown = sorted(e[2] for e in weights.edges if e[1] == "L2.N0")
    assert shown == sorted(f"{w.data:.4g}" for w in model.layers[1].neurons[0].w)
    collapsed = render(draw(MLP(50, [40, 1], seed=0), legend=False))
    assert set(collapsed.nodes) == {"input", "L1", "L2"}


@pytest.mark.parametrize("engine", ["dot", "grandalf"])
def test_neurons_are_drawn_in_order(engine: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "dot":
        from tests.conftest import require_dot

        require_dot()
    else:
        no_dot(monkeypatch, tmp_path)
    model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
    drawing = parse_svg(draw_svg(model, engine="auto").encode())
    for layer in (1, 2):
        heights = [node_y(drawing, f"L{layer}.N{j}") for j in range(16)]
        assert heights == sorted(heights), f"layer {layer} out of order: {heights}"
    assert node_y(drawing, "x0") < node_y(drawing, "x1")


def test_dense_layers_draw_thin_translucent_arrows(dot: str) -> None:
    drawing = render(draw(MLP(2, [16, 16, 1], seed=0)))
    dense = [e for e in drawing.edges if e[0].startswith("L1.") and e[1].startswith("L2.")]
    assert len(dense) == 256
    for _, _, _, style in dense:
        colour = style.get("stroke", "")
        assert float(style.get("stroke-opacity", "1")) <= 0.4 or re.fullmatch(
            r"#[0-9a-f]{6}[0-5][0-9a-f]", colour), style
        assert float(style.get("stroke-width", "1")) <= 0.8
    sparse = [e for e in drawing.edges if e[0].startswith("x")]
    assert all(float(e[3].get("stroke-opacity", "1")) == 1.0 for e in sparse)


@pytest.mark.parametrize("engine", ["dot", "grandalf"])
def test_dense_layers_fan_out_instead_of_merging_into_a_bar(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "dot":
        from tests.conftest import require_dot

        require_dot()
    else:
        no_dot(monkeypatch, tmp_path)
    drawing = parse_svg(draw_svg(MLP(2, [16, 16, 1], seed=0)).encode())
    thin = [g for g in drawing.root.iter(f"{SVG}g") if g.get("class") == "edge thin"]
    assert len(thin) == 256
    paths = edge_paths(drawing)
    # each line runs straight from the right side of a layer-1 box to the left side of a
    # layer-2 box, across a gap wide enough for 256 lines to spread out
    gaps = set()
    for group in thin:
        (x0, _), (x1, _) = paths[group.get("id") or ""][0], paths[group.get("id") or ""][-1]
        gaps.add(round(x1 - x0))
    assert len(gaps) == 1 and gaps.pop() >= 100


def label_boxes(drawing: Drawing) -> list[tuple[float, float, float, float, float]]:
    """Each arrow label's box (left, top, right, bottom, from its text's size) and how far the
    box is from the nearest point of its own line (0 when the line touches it)."""
    paths = edge_paths(drawing)
    found = []
    for group in drawing.root.iter(f"{SVG}g"):
        if not (group.get("class") or "").startswith("edge"):
            continue
        for text in group.iter(f"{SVG}text"):
            words, x, y = "".join(text.itertext()), float(text.get("x", 0)), float(
                text.get("y", 0))
            width = 5.6 * len(words)
            anchor = text.get("text-anchor", "middle")
            left = {"start": x, "end": x - width}.get(anchor, x - width / 2)
            box = (left, y - 9, left + width, y + 1)
            found.append((*box, min(gap(box, p) for p in paths[group.get("id") or ""])))
    return found


def gap(box: tuple[float, float, float, float], point: tuple[float, float]) -> float:
    """How far `point` is from the box."""
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return math.hypot(dx, dy)


def assert_weight_labels_sit_by_their_arrows(drawing: Drawing) -> None:
    boxes = label_boxes(drawing)
    assert len(boxes) == 3 * 4 + 4 * 2
    assert max(box[4] for box in boxes) < 8, sorted(box[4] for box in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            assert min(overlap) <= 1, f"labels overlap: {a[:4]} and {b[:4]}"


@pytest.mark.parametrize("engine", ["dot", "grandalf"])
def test_weight_labels_sit_by_their_arrows(engine: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "dot":
        from tests.conftest import require_dot

        require_dot()
    else:
        no_dot(monkeypatch, tmp_path)
    model = MLP(3, [4, 2], activation="tanh", seed=1)
    assert_weight_labels_sit_by_their_arrows(
        parse_svg(draw_svg(model, show_weights=True).encode()))


def test_weight_labels_sit_by_their_arrows_in_graphviz_output(dot: str) -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=1)
    assert_weight_labels_sit_by_their_arrows(render(draw(model, show_weights=True)))


def cluster_titles_clear(drawing: Drawing) -> None:
    """No arrow passes through the title of a cluster."""
    paths = [p for points in edge_paths(drawing).values() for p in points]
    titles = cluster_titles(drawing)
    assert titles
    for text, x, y, anchor in titles:
        width = text_width(text)  # Helvetica's widths, the font both renderers ask for
        left = {"middle": x - width / 2, "end": x - width}.get(anchor, x)
        hits = [p for p in paths if left - 2 <= p[0] <= left + width + 2
                and y - 12 <= p[1] <= y + 3]
        assert not hits, f"arrows cross the title {text!r} at {hits[:3]}"


@pytest.mark.parametrize("engine", ["dot", "grandalf"])
def test_layer_titles_are_not_covered_by_arrows(engine: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "dot":
        from tests.conftest import require_dot

        require_dot()
    else:
        no_dot(monkeypatch, tmp_path)
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
    cluster_titles_clear(parse_svg(draw_svg(model).encode()))


def test_layer_titles_are_not_covered_in_graphviz_output(dot: str) -> None:
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
    cluster_titles_clear(render(draw(model)))


# --- one sample through the network ----------------------------------------------------------


def test_a_sample_graph_boxes_each_neuron_and_names_z_a_and_x(dot: str) -> None:
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    cost = sample_graph(model, [0.5, -1.0], [1.0])
    cost.backward()
    drawing = render(draw(cost, model=model, show_local=True))
    assert {"cluster_layer_1", "cluster_L1_N0", "cluster_L1_N1", "cluster_L2_N0"} <= set(
        drawing.clusters)
    names = {texts[0] for k, texts in drawing.nodes.items() if re.fullmatch(r"v\d+", k)}
    assert {"x[0]", "x[1]", "z[1][0]", "a[1][0]", "z[2][0]", "a[2][0]", "L1.N1.w0", "C"} <= names
    assert any(edge[2].startswith("da[2][0]/dz[2][0] = ") for edge in drawing.edges)
    # the gradient of each z is also the seeds' delta
    z = graph_hooks(model, cost)["names"]
    (z10,) = [v for v, name in z.items() if name == "z[1][0]"]
    assert f"grad δ[1][0] = {z10.grad:.4g}" in " ".join(drawing.texts)


def test_collapsed_neurons_show_dc_da_and_dc_dz_as_delta(dot: str) -> None:
    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    cost = sample_graph(model, [0.5, -1.0], [1.0])
    cost.backward()
    hooks = graph_hooks(model, cost)
    drawing = render(draw(cost, model=model, max_nodes=60))
    neurons = [k for k, texts in drawing.nodes.items() if k.startswith("group")
               and texts[0].startswith("L")]
    assert len(neurons) == 8 + 8 + 1
    by_name = {name: v for v, name in hooks["names"].items()}
    box = " ".join(next(t for t in drawing.nodes.values() if t[0] == "L2.N3"))
    a, z = by_name["a[2][3]"], by_name["z[2][3]"]
    assert f"dC/da[2][3] = {a.grad:.4g}" in box
    assert f"dC/dz[2][3] = δ[2][3] = {z.grad:.4g}" in box
    assert not any("w0" in " ".join(texts) for texts in drawing.nodes.values())


def test_collapsed_neurons_keep_their_order(dot: str) -> None:
    model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
    cost = sample_graph(model, [0.5, -1.0], [1.0])
    drawing = parse_svg(draw_svg(cost, model=model).encode())
    titles = {texts[0]: k for k, texts in drawing.nodes.items() if k.startswith("group")}
    for layer in (1, 2):
        heights = [node_y(drawing, titles[f"L{layer}.N{j}"]) for j in range(16)]
        assert heights == sorted(heights)


def test_the_one_sample_diagram_fits_a_readme(dot: str) -> None:
    from examples.diagrams import one_sample_picture

    drawing = parse_svg(one_sample_picture().encode())
    width = svg_width(one_sample_picture())
    assert width <= 1100, f"{width:.0f} px wide"
    # layer 2 lies wholly below layer 1, and the neurons of a layer keep their order
    boxes = {c.get("id"): c.find(f"{SVG}rect") for c in drawing.root.iter(f"{SVG}g")
             if c.get("class") == "cluster"}
    second, first = (float(boxes[c].get("y", 0)) for c in ("cluster_layer_2", "cluster_layer_1"))
    assert second > first + float(boxes["cluster_layer_1"].get("height", 0)) - 1
    assert float(boxes["cluster_L1_N0"].get("x", 0)) < float(boxes["cluster_L1_N1"].get("x", 0))


def test_the_output_of_a_network_has_no_delta() -> None:
    model = MLP(2, [2, 1], seed=0)
    out = sample_graph(model, [0.5, -1.0])
    assert graph_hooks(model, out)["grad_names"] == {}
    with pytest.raises(ValueError, match="unknown loss 'l3'"):
        sample_graph(model, [0.5, -1.0], [1.0], loss="l3")
    with pytest.raises(ValueError, match="1 outputs but the target has 2"):
        sample_graph(model, [0.5, -1.0], [1.0, 0.0])


def test_step_through_a_sample_groups_each_neuron_past_max_nodes() -> None:
    model = MLP(4, [6, 3], activation="tanh", seed=0)
    cost = sample_graph(model, [0.5, -1.0, 0.25, 0.0], [1.0, 0.0, 0.0])
    page = step_through(cost, model=model, max_nodes=40, engine="grandalf")
    assert "L1.N5" in page.html()
    neuron_steps = [s for s in page.steps if any(b.startswith("group") for b in s.boxes)]
    assert len(neuron_steps) == 6 + 3
    assert cost.grad == 0.0 and all(p.grad == 0.0 for p in model.parameters())


def test_a_model_shows_its_architecture_in_jupyter_without_dot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_dot(monkeypatch, tmp_path)
    bundle = MLP(2, [3, 1], seed=0)._repr_mimebundle_()
    drawing = parse_svg(str(bundle["image/svg+xml"]).encode())
    assert "a = sigmoid(z)" in drawing.texts


def test_drawing_something_else_says_what_it_takes() -> None:
    with pytest.raises(TypeError, match=r"a network has \.layers"):
        draw_svg(3.0)
    with pytest.raises(TypeError, match=r"a neuron needs \.w"):
        draw_svg(type("Odd", (), {"neurons": [Value(1.0)]})())


# --- a sample through the digits network -------------------------------------------------------


def digits_sample() -> tuple[Value, MLP]:
    """The cost of the first digit through MLP(64, [30, 10]) with linear outputs (logits)."""
    from nn.data import load_digits, one_hot

    images, labels = load_digits()
    model = MLP(64, [30, 10], activation="tanh", output_activation="linear", seed=0)
    target = one_hot([labels[0]], 10)[0]
    return sample_graph(model, images[0], target, loss="cross_entropy"), model


def shown_grads(svg: str, names: dict[Value, str]) -> dict[Value, str]:
    """Each grad cell of a drawing (its element id), by the Value it is the gradient of: read
    from its row's words, "dC/dz[2][3] = δ[2][3] = " in a neuron's box, else the box's title."""
    by_name = {name: value for value, name in names.items()}
    found = {}
    for group in parse_svg(svg.encode()).root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        texts = list(group.iter(f"{SVG}text"))
        for text in texts:
            for cell in text.iter(f"{SVG}tspan"):
                prefix = text.text or ""
                name = (prefix[len("dC/d"):].split(" =")[0] if prefix.startswith("dC/d")
                        else "".join(texts[0].itertext()))
                if name in by_name:
                    found[by_name[name]] = cell.get("id", "")
    return found


def test_a_digits_sample_is_drawn_a_neuron_a_box_its_crowds_faint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_dot(monkeypatch, tmp_path)
    cost, model = digits_sample()
    drawing = parse_svg(draw_svg(cost, model=model).encode())
    titles = [texts[0] for texts in drawing.nodes.values() if texts]
    assert sorted(t for t in titles if re.fullmatch(r"L\d\.N\d+", t)) == sorted(
        [f"L1.N{j}" for j in range(30)] + [f"L2.N{j}" for j in range(10)])
    assert sum(1 for t in titles if re.fullmatch(r"x\[\d+\]", t)) == 64
    thin = [g for g in drawing.root.iter(f"{SVG}g") if g.get("class") == "edge thin"]
    assert len(thin) == 64 * 30 + 30 * 10  # every input and every weight, faint
    assert not any(list(g.iter(f"{SVG}text")) for g in thin)  # no label on a faint line


def test_a_digits_sample_steps_layer_by_layer_to_autograds_gradients() -> None:
    cost, model = digits_sample()
    by_neuron = step_through(cost, model=model, engine="grandalf")
    page = step_through(cost, model=model, engine="grandalf", by_layer=True)
    neuron_steps = [s for s in by_neuron.steps if s.boxes[0].startswith("group")]
    layer_steps = [s for s in page.steps if s.boxes[0].startswith("group")]
    assert len(neuron_steps) == 10 + 30
    assert [len(s.boxes) for s in layer_steps] == [10, 30]  # the output layer first
    assert len(page.steps) == len(by_neuron.steps) - 40 + 2
    assert len(layer_steps[1].lit) == 64 * 30  # every input's arrow lights up, without numbers
    assert not set(layer_steps[1].lit) & set(layer_steps[1].arrows)
    assert len(layer_steps[1].panel) <= 2 * 10  # delta lines, then dC/dx lines, each capped
    assert "… and 21 more like these" in layer_steps[1].panel
    cost.backward()
    cells = shown_grads(page.svg, graph_hooks(model, cost)["names"])
    assert len(cells) == 64 + 30 * 2 + 10  # every x, every a and z of layer 1, every z of layer 2
    for steps in (page.steps, by_neuron.steps):
        final = dict(page.initial)
        for step in steps:
            final.update(step.cells)
        for value, cell in cells.items():
            assert float(final[cell]) == pytest.approx(value.grad, rel=5e-4, abs=1e-12), value


def test_a_digits_page_in_a_browser_shows_each_step_and_ends_at_the_gradients(
    tmp_path: Path
) -> None:
    from tests.browser import headless_chromium

    cost, model = digits_sample()
    page = step_through(cost, model=model, by_layer=True)
    path = page.save(tmp_path / "digits.html")
    cost.backward()
    with headless_chromium(1200, 800) as browser:
        browser.get(path.as_uri())
        assert browser.get_log("browser") == []
        for number, step in enumerate(page.steps, 1):
            browser.find_element("id", "next").click()
            # what the step lit is scrolled into the diagram's view
            seen = browser.execute_script(
                "const box = document.getElementById(arguments[0]).getBoundingClientRect();"
                "const view = document.getElementById('diagram').getBoundingClientRect();"
                "return box.bottom > view.top && box.top < view.bottom"
                " && box.right > view.left && box.left < view.right;", step.boxes[0])
            assert seen, f"step {number}: {step.boxes[0]} is out of view"
        lit = browser.execute_script(
            "return document.querySelectorAll('svg .edge.thin.current').length")
        assert lit == 64 * 30
        shown = browser.execute_script(
            "const found = {};"
            "for (const e of document.querySelectorAll('tspan.grad')) found[e.id] = e.textContent;"
            "return found;")
        assert browser.get_log("browser") == []
    for value, cell in shown_grads(page.svg, graph_hooks(model, cost)["names"]).items():
        assert float(shown[cell]) == pytest.approx(value.grad, rel=5e-4, abs=1e-12)


def test_without_dot_a_bigger_sample_keeps_each_neurons_weights_together_and_in_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_dot(monkeypatch, tmp_path)
    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    cost = sample_graph(model, [0.5, -1.0], [1.0])  # 145 Values: every node drawn
    drawing = parse_svg(draw_svg(cost, model=model).encode())
    # grandalf places a cluster rank by rank: pushing straggling clusters apart once made this
    # drawing 1.8 million px tall; it stays the size of a page or two
    assert svg_width(draw_svg(cost, model=model)) < 5000
    height = float(drawing.root.get("height", 0))
    assert height < 6000, height
    across = {texts[0]: node_y(drawing, node_id) for node_id, texts in drawing.nodes.items()
              if texts and re.fullmatch(r"L2\.N\d\.(w\d|b)", texts[0])}
    for j in range(8):  # left to right, a neuron's weights lie one under the other, then b
        column = [across[f"L2.N{j}.w{k}"] for k in range(8)] + [across[f"L2.N{j}.b"]]
        assert column == sorted(column), f"L2.N{j}: {column}"
        others = [y for name, y in across.items() if not name.startswith(f"L2.N{j}.")]
        assert not [y for y in others if column[0] < y < column[-1]], f"L2.N{j} is split"
