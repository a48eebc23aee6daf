"""Pictures of training: the loss curve, a classifier's decision boundary, a regression's fit.

matplotlib is imported only when a picture is drawn (it is an optional dependency: the `plots`
extra), and through `matplotlib.figure.Figure`, which needs no GUI backend and leaves pyplot's
global state alone. Each function writes one PNG and returns its path.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from nn.metrics import Target, label_threshold
from nn.module import Module
from nn.training import History, predict

PathLike = str | os.PathLike[str]


def _figure(width: float = 6.0, height: float = 4.5) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plots need matplotlib: pip install 'chainrule[plots]' (or pip install matplotlib)"
        ) from None
    return Figure(figsize=(width, height), dpi=100, layout="tight")


def plot_history(history: History, path: PathLike, title: str = "training") -> PathLike:
    """Two panels per epoch: the loss (log scale when positive) and the metric; train and test."""
    figure = _figure(6.0, 5.5)
    loss_axes, metric_axes = figure.subplots(2, 1, sharex=True)
    epochs = range(1, history.epochs + 1)
    for axes, train, test, name in (
        (loss_axes, history.train_loss, history.test_loss, "loss"),
        (metric_axes, history.train_metric, history.test_metric, history.metric),
    ):
        axes.plot(epochs, train, label=f"train {name}")
        if test:
            axes.plot(epochs, test, linestyle="--", label=f"test {name}")
        axes.set_ylabel(name)
        axes.grid(alpha=0.3)
        axes.legend()
    if min(history.train_loss + history.test_loss, default=0.0) > 0.0:
        loss_axes.set_yscale("log")
    metric_axes.set_xlabel("epoch")
    loss_axes.set_title(title)
    figure.savefig(path)
    return path


def plot_decision_boundary(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    path: PathLike,
    title: str = "decision boundary",
    resolution: int = 60,
    X_test: Sequence[Sequence[float]] | None = None,
    y_test: Sequence[Target] | None = None,
) -> PathLike:
    """The model's output over the plane (2-input, 1-output models), with the samples on top.

    The boundary is the contour where the output crosses the label threshold (0.5 for labels
    in {0, 1}, 0 for labels in {-1, +1}). Test samples, if given, are drawn hollow.
    """
    if len(X) == 0 or any(len(x) != 2 for x in X):
        raise ValueError("plot_decision_boundary needs samples with exactly 2 inputs")
    threshold = label_threshold(y)
    points = [*X, *(X_test or [])]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad_x, pad_y = 0.1 * (max(xs) - min(xs)) + 0.1, 0.1 * (max(ys) - min(ys)) + 0.1
    x_min, x_max, y_min, y_max = min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y
    grid_x = [x_min + (x_max - x_min) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_min + (y_max - y_min) * j / (resolution - 1) for j in range(resolution)]
    outputs = predict(model, [[gx, gy] for gy in grid_y for gx in grid_x])
    if any(isinstance(a, list) for a in outputs):
        raise ValueError("plot_decision_boundary needs a model with a single output")
    Z = [[float(outputs[j * resolution + i]) for i in range(resolution)]  # type: ignore[arg-type]
         for j in range(resolution)]
    figure = _figure(5.5, 4.5)
    axes = figure.add_subplot()
    filled = axes.contourf(grid_x, grid_y, Z, levels=20, cmap="RdBu_r", alpha=0.6)
    figure.colorbar(filled, ax=axes, label="model output")
    axes.contour(grid_x, grid_y, Z, levels=[threshold], colors="black", linewidths=1.5)
    _scatter(axes, X, y, threshold, hollow=False)
    if X_test is not None and y_test is not None:
        _scatter(axes, X_test, y_test, threshold, hollow=True)
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    axes.set_title(title)
    figure.savefig(path)
    return path


def plot_predictions(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    path: PathLike,
    title: str = "predictions",
) -> PathLike:
    """Predicted against true target, one dot per sample; a perfect model lies on the diagonal."""
    outputs = predict(model, X)
    predicted = [a if isinstance(a, float) else a[0] for a in outputs]
    truth = [t if isinstance(t, (int, float)) else t[0] for t in y]
    figure = _figure(4.5, 4.5)
    axes = figure.add_subplot()
    axes.scatter(truth, predicted, s=12)
    low, high = min(truth + predicted), max(truth + predicted)
    axes.plot([low, high], [low, high], color="black", linewidth=1)
    axes.set_xlabel("target")
    axes.set_ylabel("prediction")
    axes.set_title(title)
    figure.savefig(path)
    return path


def _scatter(
    axes: Any, X: Sequence[Sequence[float]], y: Sequence[Target], threshold: float, hollow: bool
) -> None:
    for positive, color in ((False, "tab:blue"), (True, "tab:red")):
        chosen = [x for x, t in zip(X, y) if (_first(t) > threshold) == positive]
        if not chosen:
            continue
        style = {"facecolors": "none", "edgecolors": color} if hollow else {"color": color}
        axes.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=18, linewidths=1,
                     **style)


def _first(t: Target) -> float:
    return float(t) if isinstance(t, (int, float)) else float(t[0])
