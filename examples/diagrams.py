"""Diagrams of computation graphs: one picture per option of `autograd.draw`, for the README.

    out = tanh(a*b + c)    with a = 2, b = -0.5, c = 0.5

Every Value is a box (label, data, grad), every op an ellipse, every operand an arrow. Read the
arrows from right to left and you are reading backward(): each arrow's local derivative times the
grad of the box it points into, summed over the arrows leaving a box, is that box's grad.

Run: python examples/diagrams.py [OUTPUT_DIR]     (default docs/images). Every picture is SVG
written by chainrule: laid out by graphviz's dot when it is installed, by grandalf when it is not;
graph_without_dot.svg is always drawn by grandalf, to show what a machine without graphviz gets.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import Value
from autograd.draw import draw_svg
from nn.draw import draw_svg as draw_network_svg
from nn.draw import sample_graph
from nn.layers import MLP


def expression() -> tuple[Value, Value]:
    """out = tanh(a*b + c), after backward(); also returns a."""
    a, b, c = Value(2.0, "a"), Value(-0.5, "b"), Value(0.5, "c")
    z = a * b + c
    z.label = "z"
    out = z.tanh()
    out.label = "out"
    out.backward()
    return out, a


def two_paths() -> tuple[Value, Value]:
    """C = (w*x)*w + x: w reaches C along two paths, so dC/dw is a sum of two products."""
    w, x = Value(0.5, "w"), Value(3.0, "x")
    wx = w * x
    wx.label = "wx"
    C = wx * w + x  # noqa: N806 - the seeds' name for the cost
    C.label = "C"
    C.backward()
    return C, w


def gradient_graph() -> tuple[Value, Value]:
    """What backward(create_graph=True) builds for a = sigmoid(w x): da/dw = a (1 - a) x."""
    w, x = Value(-0.8, "w"), Value(1.5, "x")
    a = (w * x).sigmoid()
    a.label = "a"
    grads = a.backward(create_graph=True)
    assert grads is not None
    da_dw = grads[w]
    da_dw.label = "da/dw"
    da_dw.backward()  # its own gradients are second derivatives of a
    return da_dw, a


def one_sample(sizes: list[int]) -> tuple[Value, MLP]:
    """The half-MSE cost C of one sample through an MLP, after backward()."""
    model = MLP(sizes[0], sizes[1:], activation="tanh", output_activation="sigmoid", seed=1)
    C = sample_graph(model, [0.5, -1.0], [1.0])  # noqa: N806
    C.backward()
    return C, model


def one_sample_picture() -> str:
    """The README's picture of one sample through MLP(2, [2, 1]): neurons boxed, z and a named,
    each grad of a z also its δ; top to bottom, layer 2 below layer 1, so it stays a page wide
    (the local derivatives on every arrow would make it twice as wide: graph_show_local.svg and
    the step-through page show them)."""
    sample, model = one_sample([2, 2, 1])
    return draw_network_svg(sample, model=model, rankdir="TB")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Each picture is drawn right after its own backward(): the grads it shows are those the
    # latest backward() left, and its legend says which Value that backward() ran from.
    out, a = expression()
    pictures = {
        "graph.svg": draw_svg(out),
        "graph_without_dot.svg": draw_svg(out, engine="grandalf"),  # what a machine without
        "graph_show_local.svg": draw_svg(out, show_local=True),     # graphviz's dot gets
        "graph_rankdir_tb.svg": draw_svg(out, rankdir="TB", show_grad=False,
                                         number_format=".2f"),
    }
    cost, w = two_paths()
    pictures["graph_highlight.svg"] = draw_svg(cost, highlight=w)
    da_dw, a_sigmoid = gradient_graph()
    pictures["graph_of_gradient.svg"] = draw_svg(da_dw, show_local=True)
    pictures["graph_one_sample.svg"] = one_sample_picture()
    big_sample, big_model = one_sample([2, 8, 8, 1])
    pictures["graph_collapsed.svg"] = draw_network_svg(big_sample, model=big_model,
                                                       max_nodes=100)
    pictures.update({
        "model.svg": draw_network_svg(MLP(2, [2, 1], activation="tanh", seed=1)),
        "model_show_weights.svg": draw_network_svg(MLP(3, [4, 2], activation="tanh", seed=1),
                                                   show_weights=True),
        "model_dense.svg": draw_network_svg(MLP(2, [16, 16, 1], activation="tanh", seed=0)),
        "model_collapsed.svg": draw_network_svg(MLP(784, [64, 10], seed=1)),
    })
    for name, svg in pictures.items():
        (folder / name).write_text(svg, encoding="utf-8")
        print(f"wrote {folder / name}")
    print()
    print(f"out = tanh(a*b + c) = {out.data:.4f};  dout/da = {a.grad:.4f}")
    print(f"C = (w*x)*w + x: dC/dw = 2 w x = {w.grad:g} (two paths, each giving w x = 1.5)")
    s = a_sigmoid.data
    print(f"da/dw for a = sigmoid(w x), built as a graph: a (1 - a) x = {da_dw.data:.4f}")
    assert abs(da_dw.data - s * (1 - s) * 1.5) < 1e-15
    assert w.grad == 2 * 0.5 * 3.0 and abs(a.grad - (-0.5) * (1 - out.data**2)) < 1e-15
    print(f"big sample graph: {len(big_model.parameters())} parameters, drawn as one box per "
          "neuron because it has more Values than max_nodes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images"))
