"""Pictures of training: the loss curve, a classifier's decision boundary, a regression's fit,
and for a classifier with one output per class (the digits) the confusion matrix, the samples it
gets wrong, and the gradient of the cost with respect to each input pixel.

matplotlib is imported only when a picture is drawn (it is an optional dependency: the `plots`
extra), and through `matplotlib.figure.Figure`, which needs no GUI backend and leaves pyplot's
global state alone. Each function writes one PNG and returns its path.

A class label is given as a class index (3, or 3.0) or as a one-hot list; the model's class is
the position of its largest output.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any, Literal

from autograd import Value
from nn.classes import confusion_matrix, predicted_classes, true_classes
from nn.data import DIGIT_SHAPE
from nn.losses import Loss, get_loss
from nn.metrics import Target, label_threshold
from nn.module import Module
from nn.training import History, predict

PathLike = str | os.PathLike[str]
Shape = tuple[int, int]


def _figure(
    width: float = 6.0, height: float = 4.5, layout: Literal["tight", "constrained"] = "tight"
) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plots need matplotlib: pip install 'chainrule[plots]' (or pip install matplotlib)"
        ) from None
    return Figure(figsize=(width, height), dpi=100, layout=layout)


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
    target_scale: tuple[float, float] | None = None,
    target_name: str = "target",
) -> PathLike:
    """Predicted against true target, one dot per sample; a perfect model lies on the diagonal.

    A model trained on a standardised target t' = (t - mean) / std is drawn in the target's own
    units with `target_scale=(mean, std)`: every number shown is mean + std * t'.
    """
    mean, std = (0.0, 1.0) if target_scale is None else target_scale
    outputs = predict(model, X)
    predicted = [mean + std * (a if isinstance(a, float) else a[0]) for a in outputs]
    truth = [mean + std * (t if isinstance(t, (int, float)) else t[0]) for t in y]
    figure = _figure(4.5, 4.5)
    axes = figure.add_subplot()
    axes.scatter(truth, predicted, s=12)
    low, high = min(truth + predicted), max(truth + predicted)
    axes.plot([low, high], [low, high], color="black", linewidth=1)
    axes.set_xlabel(target_name)
    axes.set_ylabel(f"predicted {target_name}" if target_scale is not None else "prediction")
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


def plot_confusion_matrix(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    path: PathLike,
    title: str = "confusion matrix",
    classes: Sequence[str] | None = None,
) -> PathLike:
    """A grid of counts: row = true class, column = the model's class; the diagonal is right."""
    true, predicted, n = _classes(model, X, y, "plot_confusion_matrix")
    names = _class_names(classes, n)
    counts = confusion_matrix(true, predicted, n)
    right = sum(counts[c][c] for c in range(n))
    longest = max(map(len, names))
    room = 0.07 * max(longest - 3, 0)  # inches for names longer than "10", slanted below
    figure = _figure(0.45 * n + 2.5 + room, 0.45 * n + 2.0 + room)
    axes = figure.add_subplot()
    shown = axes.imshow(counts, cmap="Blues")
    figure.colorbar(shown, ax=axes, label="samples", shrink=0.8)
    top = max(max(row) for row in counts)
    for t in range(n):
        for p in range(n):
            if counts[t][p]:
                color = "white" if counts[t][p] > top / 2 else "black"
                axes.text(p, t, str(counts[t][p]), ha="center", va="center", color=color,
                          fontsize=8)
    axes.set_xticks(range(n), names, rotation=40 if longest > 3 else 0,
                    ha="right" if longest > 3 else "center")
    axes.set_yticks(range(n), names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(f"{title}: {right} of {len(true)} right ({right / len(true):.1%})")
    figure.savefig(path)
    return path


def plot_misclassified(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    path: PathLike,
    shape: Shape = DIGIT_SHAPE,
    limit: int = 40,
    classes: Sequence[str] | None = None,
) -> PathLike:
    """The first `limit` samples the model gets wrong, drawn as images of `shape` (rows, columns)
    with the predicted and the true class above each; a note when there are none."""
    true, predicted, n = _classes(model, X, y, "plot_misclassified")
    names = _class_names(classes, n)
    for x in X:
        _rows(x, shape, "plot_misclassified")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"plot_misclassified: limit must be a positive int, got {limit!r}")
    wrong = [i for i, (t, p) in enumerate(zip(true, predicted)) if t != p]
    shown = wrong[:limit]
    columns = min(max(len(shown), 1), 10)
    lines = max(math.ceil(len(shown) / columns), 1)
    figure = _figure(1.1 * columns + 0.4, 1.25 * lines + 0.7)
    heading = f"{len(wrong)} of {len(X)} samples misclassified"
    if len(shown) < len(wrong):
        heading += f" (the first {len(shown)} shown)"
    figure.suptitle(heading + ": predicted (true)")
    if not shown:
        figure.text(0.5, 0.4, "every sample is classified right", ha="center")
    for place, i in enumerate(shown):
        axes = figure.add_subplot(lines, columns, place + 1)
        axes.imshow(_rows(X[i], shape, "plot_misclassified"), cmap="gray_r", vmin=0.0)
        axes.set_title(f"{names[predicted[i]]} ({names[true[i]]})", fontsize=9,
                       color="tab:red")
        axes.set_axis_off()
    figure.savefig(path)
    return path


def input_gradient(
    model: Module, x: Sequence[float], target: Target, loss: str | Loss = "cross_entropy"
) -> list[float]:
    """dC/dx[k] for every input k of one sample: how its cost C changes as input k grows.

    The fifth note's "how to change the activations", one layer further back: -dC/dx is the
    change of the image that would lower the cost fastest. `target` is what `loss` takes for one
    sample (a class index for cross_entropy, a one-hot list for half_mse). The parameters'
    gradients are left exactly as they were.
    """
    loss_fn = get_loss(loss) if isinstance(loss, str) else loss
    inputs = [Value(float(v), f"x{k}") for k, v in enumerate(x)]
    parameters = model.parameters()
    saved = [p.grad for p in parameters]
    try:
        loss_fn([model(inputs)], [target]).backward()
    finally:
        for p, grad in zip(parameters, saved):
            p.grad = grad
    return [v.grad for v in inputs]


def plot_input_gradient(
    model: Module,
    x: Sequence[float],
    target: Target,
    path: PathLike,
    loss: str | Loss = "cross_entropy",
    shape: Shape = DIGIT_SHAPE,
    classes: Sequence[str] | None = None,
) -> PathLike:
    """One sample as an image of `shape`, and beside it dC/dx for each pixel as a heat map
    (red: more ink there raises the cost; blue: more ink lowers it)."""
    image = _rows(x, shape, "plot_input_gradient")
    bad = [k for k, v in enumerate(x) if not math.isfinite(v)]
    if bad:
        raise ValueError(f"plot_input_gradient: input {bad[0]} of the sample is {x[bad[0]]!r}")
    (true,), (predicted,), n = _classes(model, [x], [target], "plot_input_gradient")
    names = _class_names(classes, n)
    gradient = input_gradient(model, x, target, loss)
    if not all(map(math.isfinite, gradient)):
        raise FloatingPointError(f"plot_input_gradient: dC/dx is not finite: {gradient}")
    figure = _figure(7.6, 4.0, layout="constrained")
    image_axes, gradient_axes = figure.subplots(1, 2)
    image_axes.imshow(image, cmap="gray_r", vmin=min(0.0, *x), vmax=max(1.0, *x))
    image_axes.set_title(f"true {names[true]}, predicted {names[predicted]}")
    limit = max(map(abs, gradient)) or 1.0
    heat = gradient_axes.imshow(_rows(gradient, shape, "plot_input_gradient"), cmap="RdBu_r",
                                vmin=-limit, vmax=limit)
    figure.colorbar(heat, ax=[image_axes, gradient_axes], label="dC/dx", shrink=0.9)
    gradient_axes.set_title("dC/dx for each pixel")
    figure.supxlabel("red: more ink there raises the cost C; blue: more ink there lowers it",
                     fontsize=10)
    for axes in (image_axes, gradient_axes):
        axes.set_xticks([])
        axes.set_yticks([])
    figure.savefig(path)
    return path


def _classes(
    model: Module, X: Sequence[Sequence[float]], y: Sequence[Target], who: str
) -> tuple[list[int], list[int], int]:
    """(true classes, predicted classes, number of classes) for a model with an output per class."""
    if len(X) != len(y) or not X:
        raise ValueError(f"{who}: X has {len(X)} samples and y has {len(y)}; give both, as many")
    outputs = predict(model, X)
    n = len(outputs[0]) if isinstance(outputs[0], list) else 1
    if n < 2:
        raise ValueError(f"{who} needs a model with one output per class (2 or more), not 1")
    return true_classes(y, n), predicted_classes(outputs), n


def _class_names(classes: Sequence[str] | None, n: int) -> list[str]:
    if classes is None:
        return [str(c) for c in range(n)]
    if isinstance(classes, str) or len(classes) != n:
        raise ValueError(f"classes must name the model's {n} classes in order, got {classes!r}")
    return [str(name) for name in classes]


def _rows(x: Sequence[float], shape: Shape, who: str) -> list[list[float]]:
    """A sample of rows * columns numbers as the rows of an image, row by row."""
    rows, columns = shape
    if len(x) != rows * columns:
        raise ValueError(
            f"{who}: a sample of {len(x)} numbers is not a {rows} x {columns} image; "
            f"pass shape=(rows, columns) with rows * columns == {len(x)}"
        )
    return [list(x[r * columns : (r + 1) * columns]) for r in range(rows)]
