"""Training: one step of the seeds' loop (`train_step`), many of them (`fit`), and scoring.

One step on a mini-batch is what the seeds do by hand: the forward pass, the loss, `backward()`
for every gradient at once, and the update w <- w - eta dC/dw (or Adam's). `fit` runs it over
shuffled mini-batches for some epochs and keeps a `History`.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from autograd import Value, no_grad
from nn._rng import Seed, make_rng
from nn.data import batches, check_pair
from nn.losses import Loss, get_loss
from nn.metrics import Output, Target, get_metric, label_threshold
from nn.module import Module
from nn.optim import Adam, Optimizer


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
    are measured after the epoch. The test lists stay empty without test data. `interrupted` is
    True when Ctrl-C stopped `fit` early: the lists then hold the epochs that finished.
    """

    metric: str
    train_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_metric: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    interrupted: bool = False

    @property
    def epochs(self) -> int:
        """How many epochs have run to the end."""
        return len(self.train_loss)

    def record(self, train: Evaluation, test: Evaluation | None, seconds: float) -> None:
        """Add one finished epoch's numbers."""
        self.train_loss.append(train.loss)
        self.train_metric.append(train.value)
        if test is not None:
            self.test_loss.append(test.loss)
            self.test_metric.append(test.value)
        self.seconds.append(seconds)


def predict(model: Module, X: Sequence[Sequence[float]]) -> list[Output]:
    """The model's outputs for every sample, as floats (no graph is built)."""
    with no_grad():
        return [numbers(model(x)) for x in X]


def train_step(
    model: Module,
    loss: str | Loss,
    optimizer: Optimizer,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
) -> tuple[list[Output], float]:
    """One step of the seeds' algorithm on the mini-batch (X, y); returns (outputs, loss).

    The outputs and the loss are numbers from before the update. A loss that is not a finite
    number raises FloatingPointError before anything is updated.
    """
    outputs = [model(x) for x in X]
    cost = get_loss(loss)(outputs, y) if isinstance(loss, str) else loss(outputs, y)
    if not math.isfinite(cost.data):
        raise diverged(cost.data, optimizer)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    return [numbers(output) for output in outputs], cost.data


def diverged(cost: float, optimizer: Optimizer) -> FloatingPointError:
    """The error for a loss that is not a finite number, raised before anything is updated."""
    return FloatingPointError(
        f"the loss is {cost!r}; no parameter was updated. The usual cause is a learning rate too "
        f"large for this model (lr={optimizer.lr:g}: the parameters grow until they overflow); "
        "inputs or targets that are not finite numbers do it too"
    )


def evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    loss: str | Loss = "bce",
    metric: str = "accuracy",
    threshold: float | None = None,
) -> Evaluation:
    """The loss and the score ("accuracy" or "error") of `model` on (X, y)."""
    loss_fn, metric_fn = _loss(loss), get_metric(metric)
    _check_data(model, X, y, "evaluate")
    outputs = predict(model, X)
    return Evaluation(loss_of(loss_fn, outputs, y), metric, metric_fn(outputs, y, threshold))


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
    compile: bool = False,
) -> History:
    """Train `model` on (X, y) for `epochs` passes and return the `History`.

    Each epoch shuffles the data (from `seed`) into mini-batches of `batch_size` (None: the whole
    set at once) and for each batch runs forward, the loss, `backward()` and `optimizer.step()`.
    The default optimizer is `Adam(model.parameters(), lr=0.02)`. `progress` shows a tqdm bar
    when tqdm is installed. Each step is one `train_step`; with `compile=True` it is the same
    step written out as Python code once (`nn.compile_step`), with the same effect, faster.
    """
    loss_fn, metric_fn = _loss(loss), get_metric(metric)
    _check_data(model, X, y, "fit")
    if (X_test is None) != (y_test is None):
        raise ValueError("fit: give both X_test and y_test, or neither")
    if X_test is not None and y_test is not None:
        _check_data(model, X_test, y_test, "fit (test data)")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.02)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an Optimizer such as nn.SGD(model.parameters(), "
                        f"lr=0.1) or nn.Adam(...), got {type(optimizer).__name__}: {optimizer!r}")
    compiled = None
    if compile:
        # compile_step is built on train_step (its fallback), so it is imported when asked for.
        from nn.compiled import compile_step

        compiled = compile_step(model, loss_fn, optimizer)
    threshold = label_threshold(y) if metric == "accuracy" else None
    rng = make_rng(seed)
    history = History(metric)
    bar = _progress(epochs, progress)
    try:
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            outputs: list[Output] = []
            targets: list[Target] = []
            for step, (X_batch, y_batch) in enumerate(batches(X, y, batch_size, seed=rng), 1):
                try:
                    if compiled is None:
                        batch_outputs, _ = train_step(model, loss_fn, optimizer, X_batch, y_batch)
                    else:
                        batch_outputs, _ = compiled(X_batch, y_batch)
                except FloatingPointError as error:
                    raise FloatingPointError(f"fit: epoch {epoch}, step {step}: {error}") from None
                outputs.extend(batch_outputs)
                targets.extend(y_batch)
                if bar is not None:
                    bar.update(len(y_batch) / len(y))
            train = Evaluation(loss_of(loss_fn, outputs, targets), metric,
                               metric_fn(outputs, targets, threshold))
            test = None
            if X_test is not None and y_test is not None:
                test = evaluate(model, X_test, y_test, loss_fn, metric, threshold)
            history.record(train, test, time.perf_counter() - start)
            if bar is not None:
                bar.n = epoch  # the batches' fractions may not add up to exactly one
                bar.set_postfix(loss=f"{train.loss:.4g}", **{metric: f"{train.value:.3f}"},
                                refresh=False)
    except KeyboardInterrupt:
        # A step is either done or not begun (the optimizer defers Ctrl-C while it writes), so the
        # model stands at a step boundary; the history keeps the epochs that finished.
        history.interrupted = True
    finally:
        if bar is not None:
            bar.close()
    return history


def _progress(epochs: int, show: bool) -> Any:
    """A tqdm bar counting epochs, which moves with each batch; None without tqdm or when off.

    It moves within an epoch, so a large model shows it is working long before its first epoch
    ends. In a terminal or a notebook the bar redraws as it goes; written to a log (stderr not a
    terminal) it redraws at most every 30 seconds, so a fast run leaves a few lines, not hundreds.
    """
    if not show:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    interactive = sys.stderr.isatty() or "ipykernel" in sys.modules
    return tqdm(total=epochs, desc="training", unit="epoch",
                bar_format="{l_bar}{bar}| {n:.2f}/{total} epochs [{elapsed}<{remaining}{postfix}]",
                mininterval=0.1 if interactive else 30.0)


def numbers(output: Value | list[Value]) -> Output:
    """A model's output as floats: a float for one output neuron, a list for several."""
    return [v.data for v in output] if isinstance(output, list) else output.data


def loss_of(loss: Loss, outputs: Sequence[Output], targets: Sequence[Target]) -> float:
    """The loss of outputs given as numbers (they become leaves; no graph is kept)."""
    with no_grad():
        preds = [[Value(a) for a in o] if isinstance(o, list) else Value(o) for o in outputs]
        return loss(preds, targets).data


def _loss(loss: str | Loss) -> Loss:
    return get_loss(loss) if isinstance(loss, str) else loss


def _check_data(model: Module, X: Sequence[Sequence[float]], y: Sequence[Target], who: str) -> None:
    """Equal, non-zero numbers of samples and targets, every sample as long as the model's input."""
    check_pair(X, y, who)
    nin = getattr(model, "nin", None)
    for i, x in enumerate(X):
        if len(x) != nin:
            raise ValueError(f"{who}: sample {i} has {len(x)} inputs but the model takes {nin}")
