"""The PNG writers: they draw from a History or a model, and refuse what they cannot draw."""

# ruff: noqa: N806

from __future__ import annotations

import math
import random
import struct
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from nn import MLP, History
from nn.interop import to_torch
from nn.losses import cross_entropy, half_mse
from nn.plots import (
    input_gradient,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_input_gradient,
    plot_misclassified,
    plot_predictions,
)

PNG = b"\x89PNG\r\n\x1a\n"


def _size(path: Path | str) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header (after checking that it is one)."""
    data = Path(path).read_bytes()
    assert data.startswith(PNG)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _picker() -> MLP:
    """A 2 x 2 'image' in, 3 classes out: the class is the brightest of the first three pixels."""
    model = MLP(4, [3], activation="linear", seed=0)
    for j, neuron in enumerate(model.layers[0].neurons):
        for k, w in enumerate(neuron.w):
            w.data = 1.0 if j == k else 0.0
    return model


def test_each_plot_writes_a_png(tmp_path: Path) -> None:
    history = History("accuracy", train_loss=[0.7, 0.3, 0.1], train_metric=[0.5, 0.8, 1.0],
                      test_loss=[0.8, 0.4, 0.2], test_metric=[0.5, 0.7, 0.9])
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], [-1.0, -1.0, 1.0]
    paths = [
        plot_history(history, tmp_path / "loss.png"),
        plot_decision_boundary(model, X, y, tmp_path / "boundary.png", resolution=10),
        plot_predictions(model, X, y, tmp_path / "predictions.png"),
    ]
    for path in paths:
        assert Path(path).read_bytes().startswith(PNG)


def test_decision_boundary_needs_two_inputs_and_one_output(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        plot_decision_boundary(MLP(3, [1], seed=0), [[0.0, 0.0, 0.0]], [1.0], tmp_path / "a.png")
    with pytest.raises(ValueError, match="single output"):
        plot_decision_boundary(MLP(2, [2], seed=0), [[0.0, 0.0]], [1.0], tmp_path / "b.png",
                               resolution=5)


# ---------------------------------------------------------------------------------------------
# pictures of a classifier with one output per class


X_SMALL = [[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.5], [0.0, 0.0, 1.0, 0.5], [0.9, 0.0, 0.2, 0.0],
           [0.1, 0.8, 0.0, 0.0]]
# the picker calls these 0, 1, 2, 0, 1; the labels say 0, 1, 2, 2, 0: two mistakes
LABELS = [0, 1, 2, 2, 0]


def _saved_figures(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every matplotlib Figure saved from now on, kept to read what it shows."""
    from matplotlib.figure import Figure

    figures: list[Any] = []
    save = Figure.savefig

    def savefig(figure: Figure, *args: object, **kwargs: object) -> None:
        figures.append(figure)
        save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return figures


def _texts(figure: Any) -> list[str]:
    """The figure's titles, tick labels and notes, as a reader sees them."""
    texts = [figure.get_suptitle(), *(t.get_text() for t in figure.texts)]
    for axes in figure.axes:
        texts.append(axes.title.get_text())
        texts.extend(t.get_text() for t in axes.get_xticklabels())
    return texts


def test_confusion_matrix_shows_the_counts_true_down_predicted_across(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = _saved_figures(monkeypatch)
    plot_confusion_matrix(_picker(), X_SMALL, LABELS, tmp_path / "confusion.png",
                          classes=["a", "b", "c"])
    (figure,) = figures
    assert "confusion matrix: 3 of 5 right (60.0%)" in _texts(figure)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["a", "b", "c"]
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in axes.texts}
    # (true, predicted): the 0s went to 0 and 1, the 1 to 1, the 2s to 0 and 2
    assert cells == {(0, 0): "1", (0, 1): "1", (1, 1): "1", (2, 0): "1", (2, 2): "1"}


def test_misclassified_tiles_say_predicted_then_true(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = _saved_figures(monkeypatch)
    plot_misclassified(_picker(), X_SMALL, LABELS, tmp_path / "wrong.png", shape=(2, 2))
    texts = _texts(figures[0])
    assert "2 of 5 samples misclassified: predicted (true)" in texts
    assert "0 (2)" in texts and "1 (0)" in texts
    plot_misclassified(_picker(), X_SMALL[:3], LABELS[:3], tmp_path / "none.png", shape=(2, 2))
    assert "every sample is classified right" in _texts(figures[1])


def test_input_gradient_picture_names_true_and_predicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = _saved_figures(monkeypatch)
    path = plot_input_gradient(_picker(), X_SMALL[3], 2, tmp_path / "gradient.png", shape=(2, 2))
    assert _size(path) == (760, 400)
    assert "true 2, predicted 0" in _texts(figures[0])
    heat = figures[0].axes[1].images[0].get_array()
    # the picker's cost depends on pixels 0..2 only; pixel 3 (bottom right) has dC/dx = 0
    assert heat.shape == (2, 2) and heat[1][1] == 0.0


def test_confusion_matrix_picture_grows_with_the_classes(tmp_path: Path) -> None:
    path = plot_confusion_matrix(_picker(), X_SMALL, LABELS, tmp_path / "confusion.png",
                                 classes=["a", "b", "c"])
    assert _size(path) == (round(100 * (0.45 * 3 + 2.5)), round(100 * (0.45 * 3 + 2.0)))
    one_hot_labels = [[1.0 if c == label else 0.0 for c in range(3)] for label in LABELS]
    assert _size(plot_confusion_matrix(_picker(), X_SMALL, one_hot_labels,
                                       tmp_path / "same.png")) == _size(path)
    long_names = plot_confusion_matrix(_picker(), X_SMALL, LABELS, tmp_path / "long.png",
                                       classes=["setosa", "versicolor", "virginica"])
    room = round(100 * 0.07 * (len("versicolor") - 3))  # slanted names need room below
    assert _size(long_names) == (_size(path)[0] + room, _size(path)[1] + room)


def test_misclassified_grid_holds_one_tile_per_mistake(tmp_path: Path) -> None:
    path = plot_misclassified(_picker(), X_SMALL, LABELS, tmp_path / "wrong.png", shape=(2, 2))
    assert _size(path) == (round(100 * (1.1 * 2 + 0.4)), round(100 * (1.25 + 0.7)))
    limited = plot_misclassified(_picker(), X_SMALL, LABELS, tmp_path / "one.png", shape=(2, 2),
                                 limit=1)
    assert _size(limited)[0] == round(100 * (1.1 + 0.4))
    right = plot_misclassified(_picker(), X_SMALL[:3], LABELS[:3], tmp_path / "none.png",
                               shape=(2, 2))
    assert _size(right) == (round(100 * 1.5), round(100 * 1.95))  # a note, not an error


def test_input_gradient_matches_central_differences_and_pytorch(torch: ModuleType) -> None:
    rng = random.Random(0)
    model = MLP(6, [5, 3], activation="tanh", output_activation="linear", seed=rng)
    x = [rng.random() for _ in range(6)]
    grads = input_gradient(model, x, 2)

    def cost(pixels: list[float]) -> float:
        return cross_entropy([model(pixels)], [2]).data

    eps = 1e-6
    for k in range(6):
        up, down = list(x), list(x)
        up[k] += eps
        down[k] -= eps
        assert grads[k] == pytest.approx((cost(up) - cost(down)) / (2 * eps), abs=1e-8)
    tx = torch.tensor([x], requires_grad=True)
    torch.nn.functional.cross_entropy(to_torch(model)(tx), torch.tensor([2])).backward()
    assert grads == pytest.approx(tx.grad[0].tolist(), rel=1e-12, abs=1e-15)


def test_input_gradient_takes_any_loss_and_leaves_parameter_gradients_alone() -> None:
    model = MLP(2, [2], activation="sigmoid", seed=0)
    for p in model.parameters():
        p.grad = 0.125
    x, target = [0.3, -0.7], [1.0, 0.0]
    grads = input_gradient(model, x, target, loss="half_mse")
    assert all(p.grad == 0.125 for p in model.parameters())
    # by hand: dC/dx_k = Σ_j (a_j - t_j) a_j (1 - a_j) W[j][k], with m = 1
    a = [n(x).data for n in model.layers[0].neurons]
    expected = [
        math.fsum((a[j] - target[j]) * a[j] * (1 - a[j]) * n.w[k].data
                  for j, n in enumerate(model.layers[0].neurons))
        for k in range(2)
    ]
    assert grads == pytest.approx(expected, rel=1e-13)
    assert input_gradient(model, x, target, loss=half_mse) == grads


def test_digit_pictures_refuse_what_they_cannot_draw(tmp_path: Path) -> None:
    picker, out = _picker(), tmp_path / "x.png"
    with pytest.raises(ValueError, match=r"a sample of 4 numbers is not a 8 x 8 image"):
        plot_misclassified(picker, X_SMALL, LABELS, out)
    with pytest.raises(ValueError, match=r"a sample of 4 numbers is not a 3 x 3 image"):
        plot_input_gradient(picker, X_SMALL[0], 0, out, shape=(3, 3))
    with pytest.raises(ValueError, match="one output per class"):
        plot_confusion_matrix(MLP(4, [1], seed=0), X_SMALL, LABELS, out)
    with pytest.raises(ValueError, match="X has 5 samples and y has 4"):
        plot_confusion_matrix(picker, X_SMALL, LABELS[:4], out)
    with pytest.raises(ValueError, match=r"label 3 \(sample 0\) is neither a class index 0\.\.2"):
        plot_confusion_matrix(picker, X_SMALL[:1], [3], out)
    with pytest.raises(ValueError, match="classes must name the model's 3 classes in order"):
        plot_confusion_matrix(picker, X_SMALL, LABELS, out, classes=["a", "b"])
    with pytest.raises(ValueError, match="limit must be a positive int, got 0"):
        plot_misclassified(picker, X_SMALL, LABELS, out, shape=(2, 2), limit=0)
    with pytest.raises(ValueError, match="input 1 of the sample is nan"):
        plot_input_gradient(picker, [0.0, math.nan, 0.0, 0.0], 0, out, shape=(2, 2))
    assert not out.exists()
