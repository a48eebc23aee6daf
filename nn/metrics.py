"""Scores of a model's outputs against the targets: classification accuracy and regression error.

An output is a float (one output neuron) or a list of floats (several); so is a target, or a
class index for several outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

Output = float | list[float]
Target = float | Sequence[float]
Metric = Callable[[Sequence[Output], Sequence[Target], float | None], float]


def accuracy(
    outputs: Sequence[Output], targets: Sequence[Target], threshold: float | None = None
) -> float:
    """The fraction of samples classified right.

    One output: the class is which side of `threshold` the output falls on, for the target as
    for the prediction. None picks it from the labels: 0 for labels in {-1, +1} (tanh or linear
    outputs, hinge loss), else 0.5 (labels in {0, 1}, sigmoid outputs). Several outputs: right
    when the largest output is the target's class (its index, or the position of the largest
    entry of a one-hot target).
    """
    _check_scored(outputs, targets, "accuracy")
    if threshold is None:
        threshold = label_threshold(targets)
    right = 0
    for a, t in zip(outputs, targets):
        if isinstance(a, list) and len(a) > 1:
            right += argmax(a) == (int(t) if isinstance(t, (int, float)) else argmax(t))
        else:
            right += (_as_list(a)[0] > threshold) == (_as_list(t)[0] > threshold)
    return right / len(outputs)


def mean_absolute_error(
    outputs: Sequence[Output], targets: Sequence[Target], threshold: float | None = None
) -> float:
    """(1/m) Σ |a - t| over samples (and outputs); `threshold` is ignored."""
    _check_scored(outputs, targets, "error")
    total, count = 0.0, 0
    for a, t in zip(outputs, targets):
        for a_k, t_k in zip(_as_list(a), _as_list(t)):
            total += abs(a_k - t_k)
            count += 1
    return total / count


METRICS: dict[str, Metric] = {"accuracy": accuracy, "error": mean_absolute_error}


def get_metric(name: str) -> Metric:
    """The metric called `name`, or ValueError listing the names there are."""
    metric = METRICS.get(name)
    if metric is None:
        raise ValueError(f"unknown metric {name!r}; choose one of {', '.join(map(repr, METRICS))}")
    return metric


def label_threshold(targets: Iterable[object]) -> float:
    """0.0 if any label is negative (labels in {-1, +1}), else 0.5 (labels in {0, 1})."""
    return 0.0 if any(isinstance(t, (int, float)) and t < 0 for t in targets) else 0.5


def argmax(values: Sequence[float]) -> int:
    """The index of the largest value (the first, on a tie): the predicted class."""
    return max(range(len(values)), key=values.__getitem__)


def _as_list(x: Target) -> list[float]:
    return [x] if isinstance(x, (int, float)) else list(x)


def _check_scored(outputs: Sequence[object], targets: Sequence[object], who: str) -> None:
    if len(outputs) != len(targets):
        raise ValueError(f"{who}: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{who}: no samples to score")


__all__ = ["METRICS", "Metric", "Output", "Target", "accuracy", "argmax", "get_metric",
           "label_threshold", "mean_absolute_error"]
