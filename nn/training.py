"""Training loops: `fit` a model to data with mini-batches and an optimizer, `evaluate` it.

One step of `fit` is the seeds' algorithm on a mini-batch: forward pass, loss, `backward()`,
update. Scores are either classification "accuracy" or regression "error" (mean absolute error).
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from autograd import Tape, Value, gc_paused, no_grad
from nn._rng import Seed, make_rng
from nn.data import batches
from nn.losses import Loss, get_loss
from nn.module import Module
from nn.optim import Adam, Optimizer

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
    when the largest output is at the position of the largest target (one-hot labels).
    """
    _check_scored(outputs, targets, "accuracy")
    if threshold is None:
        threshold = label_threshold(targets)
    right = 0
    for a, t in zip(outputs, targets):
        if isinstance(a, list) and len(a) > 1:
            right += _argmax(a) == _argmax(_as_list(t))
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


def label_threshold(targets: Iterable[object]) -> float:
    """0.0 if any label is negative (labels in {-1, +1}), else 0.5 (labels in {0, 1})."""
    return 0.0 if any(isinstance(t, (int, float)) and t < 0 for t in targets) else 0.5


class Evaluation(NamedTuple):
    """A model's loss and score on a data set."""

    loss: float
    metric: str
    value: float

    def __str__(self) -> str:
        shown = f"{self.value:.1%}" if self.metric == "accuracy" else f"{self.value:.4g}"
        return f"loss {self.loss:.4g}, {self.metric} {shown}"


@dataclass
class History:
    """What `fit` measured, one entry per epoch.

    `train_loss` and `train_metric` score the predictions made during the epoch, each just before
    its batch's update (free to compute, as most training loops report them); the test numbers
    are measured after the epoch. The test lists stay empty without test data.
    """

    metric: str
    train_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_metric: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs have run."""
        return len(self.train_loss)


def predict(model: Module, X: Sequence[Sequence[float]]) -> list[Output]:
    """The model's outputs for every sample, as floats (no graph is built)."""
    with no_grad():
        return [_numbers(out) for out in model.forward_batch(X)]


def train_step(
    model: Module,
    loss: Loss,
    optimizer: Optimizer,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
) -> tuple[list[Output], float]:
    """One step of the seeds' algorithm on a mini-batch: forward, loss, `backward()`, update.

    Returns the model's outputs and the loss, as numbers, from before the update; the gradients
    are those of `loss.backward()`. `fit` calls this once per mini-batch. Three things make it
    faster than writing the step out by hand:

    - the batch goes through `model.forward_batch`, which reads each weight once;
    - the graph is recorded on an `autograd.Tape`, so backward sweeps the order in which the
      nodes were made instead of searching the graph for a topological order;
    - it runs inside `autograd.gc_paused()` (the graph has no cycles, so Python's cyclic
      collector would only rescan it, again and again, while it grows), and the graph is freed
      before the collector wakes up, so it never sees it.
    """
    with gc_paused():
        with Tape() as tape:
            preds = model.forward_batch(X)
            batch_loss = loss(preds, y)
        optimizer.zero_grad()
        tape.backward(batch_loss)
        optimizer.step()
        outputs = list(map(_numbers, preds))
        value = batch_loss.data
        del preds, batch_loss, tape
    return outputs, value


def evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    loss: str | Loss = "bce",
    metric: str = "accuracy",
    threshold: float | None = None,
) -> Evaluation:
    """The loss and the score ("accuracy" or "error") of `model` on (X, y)."""
    loss_fn, metric_fn = _loss(loss), _metric(metric)
    _check_data(model, X, y, "evaluate")
    outputs = predict(model, X)
    return Evaluation(loss_fn(outputs, y).data, metric, metric_fn(outputs, y, threshold))


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    *,
    loss: str | Loss = "bce",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    X_test: Sequence[Sequence[float]] | None = None,
    y_test: Sequence[Target] | None = None,
    metric: str = "accuracy",
    seed: Seed = 0,
    progress: bool = True,
) -> History:
    """Train `model` on (X, y) for `epochs` passes and return the `History`.

    Each epoch shuffles the data (from `seed`) into mini-batches of `batch_size` (None: the whole
    set at once) and for each batch runs forward, the loss, `backward()` and `optimizer.step()`.
    The default optimizer is `Adam(model.parameters(), lr=0.02)`. `progress` shows a tqdm bar
    when tqdm is installed. Each step is one `train_step`.
    """
    loss_fn, metric_fn = _loss(loss), _metric(metric)
    _check_data(model, X, y, "fit")
    if (X_test is None) != (y_test is None):
        raise ValueError("fit: give both X_test and y_test, or neither")
    if X_test is not None and y_test is not None:
        _check_data(model, X_test, y_test, "fit (test data)")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.02)
    threshold = label_threshold(y) if metric == "accuracy" else None
    rng = make_rng(seed)
    history = History(metric)
    bar = _progress(range(epochs), progress)
    for _ in bar:
        start = time.perf_counter()
        outputs: list[Output] = []
        targets: list[Target] = []
        for X_batch, y_batch in batches(X, y, batch_size, seed=rng):
            outputs.extend(train_step(model, loss_fn, optimizer, X_batch, y_batch)[0])
            targets.extend(y_batch)
        history.train_loss.append(loss_fn(outputs, targets).data)
        history.train_metric.append(metric_fn(outputs, targets, threshold))
        if X_test is not None and y_test is not None:
            scores = evaluate(model, X_test, y_test, loss_fn, metric, threshold)
            history.test_loss.append(scores.loss)
            history.test_metric.append(scores.value)
        history.seconds.append(time.perf_counter() - start)
        if progress and hasattr(bar, "set_postfix"):
            bar.set_postfix(loss=f"{history.train_loss[-1]:.4g}",
                            **{metric: f"{history.train_metric[-1]:.3f}"})
    return history


def _progress(epochs: range, show: bool) -> Iterable[int]:
    """A tqdm bar over the epochs, or the bare range without tqdm or when turned off."""
    if not show:
        return epochs
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return epochs
    return tqdm(epochs, desc="training", unit="epoch")  # type: ignore[no-any-return]


def _numbers(output: Value | list[Value]) -> Output:
    return [v.data for v in output] if isinstance(output, list) else output.data


def _as_list(x: Target) -> list[float]:
    return [x] if isinstance(x, (int, float)) else list(x)


def _argmax(values: Sequence[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def _loss(loss: str | Loss) -> Loss:
    return get_loss(loss) if isinstance(loss, str) else loss


def _metric(metric: str) -> Metric:
    metric_fn = METRICS.get(metric)
    if metric_fn is None:
        names = ", ".join(map(repr, METRICS))
        raise ValueError(f"unknown metric {metric!r}; choose one of {names}")
    return metric_fn


def _check_scored(outputs: Sequence[object], targets: Sequence[object], who: str) -> None:
    if len(outputs) != len(targets):
        raise ValueError(f"{who}: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{who}: no samples to score")


def _check_data(model: Module, X: Sequence[Sequence[float]], y: Sequence[Target], who: str) -> None:
    """Equal, non-zero numbers of samples and targets, every sample as long as the model's input."""
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}; they must match")
    if not X:
        raise ValueError(f"{who}: the data set is empty (X and y have 0 samples)")
    nin = getattr(model, "nin", None)
    for i, x in enumerate(X):
        if len(x) != nin:
            raise ValueError(f"{who}: sample {i} has {len(x)} inputs but the model takes {nin}")
