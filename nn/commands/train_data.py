"""What `chainrule train` trains on: a generated set, the 8x8 digits or a CSV file of your own,
split into training and test samples, with targets in the form the loss takes.

A classifier with several classes (the digits, a CSV target of class labels) gets one output
neuron per class. Its targets are the class indices for cross_entropy (which reads the outputs as
logits), and one-hot rows for every other loss, as the notes write them: the target of a 3 among
ten digits is 1 for output 3 and 0 for the others (-1 instead of 0 for hinge).

A CSV file's inputs may have any scale, so they are standardised: each input becomes
(x - mean) / std, with the mean and standard deviation of the training samples. A numeric target
(a regression) is standardised the same way, so that one learning rate suits every file.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from nn.data import (
    DIGIT_SHAPE,
    load_csv,
    load_digits,
    make_division,
    make_moons,
    make_xor,
    measure_scales,
    one_hot,
    standard_scores,
    train_test_split,
)
from nn.metrics import Target

Scale = tuple[float, float]


@dataclass
class Problem:
    """A data set split for training: samples, their labels or numbers, and what they are.

    `y_train` and `y_test` hold a class index per sample for a classifier (a float, 0.0 or 1.0
    for moons and xor), or the number to predict for a regression; `targets(loss)` gives them
    in the form the loss takes. `outputs` is the number of output neurons the model needs;
    `classes` names each class of a classifier with one output per class (None for one output);
    `image_shape` is set when every sample is an image. A CSV file's problem names its input
    columns (`features`) and its `target` column. `input_scales` and `target_scale` are
    the (mean, std) that the inputs and a regression target were standardised with (None when
    they were left as they are).
    """

    name: str
    X_train: list[list[float]]
    X_test: list[list[float]]
    y_train: list[float]
    y_test: list[float]
    outputs: int
    metric: str
    classes: list[str] | None = None
    image_shape: tuple[int, int] | None = None
    features: list[str] | None = None
    target: str | None = None
    input_scales: list[Scale] | None = None
    target_scale: Scale | None = None

    def targets(self, loss: str) -> tuple[list[Target], list[Target]]:
        """(training targets, test targets) as `loss` takes them.

        One output per class: class indices for cross_entropy, else one-hot rows (+-1 for
        hinge). One output: labels 0/1 become -1/+1 for hinge; numbers stay as they are.
        """
        if self.classes is not None:
            return (class_targets(self.y_train, self.outputs, loss),
                    class_targets(self.y_test, self.outputs, loss))
        if loss == "hinge" and self.metric == "accuracy":
            return [2.0 * t - 1.0 for t in self.y_train], [2.0 * t - 1.0 for t in self.y_test]
        return list(self.y_train), list(self.y_test)


def generated(name: str, samples: int, noise: float, test_fraction: float, seed: int) -> Problem:
    """moons or xor (labels 0/1) or division (a / b, scaled into [0, 1])."""
    if name == "moons":
        X, y = make_moons(samples, noise, seed=seed)
    elif name == "xor":
        X, y = make_xor(samples, noise, seed=seed)
    else:
        X, y = make_division(samples, seed=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction, seed=seed)
    metric = "error" if name == "division" else "accuracy"
    return Problem(name, X_train, X_test, y_train, y_test, 1, metric)


def digits(samples: int | None, test_fraction: float) -> Problem:
    """scikit-learn's 8x8 digits, split in order as its example splits them: the first part
    trains, the rest tests (0.5: the first 898 of 1797 train). `samples` keeps only the first N."""
    X, labels = load_digits()
    if samples is not None:
        X, labels = X[:samples], labels[:samples]
    if len(X) < 2:
        raise ValueError(f"--samples {samples}: the digits need at least 2 samples to split")
    n_test = min(max(math.ceil(len(X) * test_fraction), 1), len(X) - 1)  # as scikit-learn rounds
    n_train = len(X) - n_test
    y = [float(c) for c in labels]
    return Problem("digits", X[:n_train], X[n_train:], y[:n_train], y[n_train:], 10, "accuracy",
                   [str(c) for c in range(10)], DIGIT_SHAPE)


def from_csv(path: str, target: str, task: str | None, samples: int | None,
             test_fraction: float, seed: int) -> Problem:
    """A CSV file with a header: `target` is predicted from the other columns.

    `task` "classification" reads the target as class labels, "regression" as a number to
    predict; None decides from the column: text is class labels, numbers a regression. The rows
    are shuffled (from `seed`) before the split, since a file is often sorted by its target.
    """
    data = load_csv(path, target)
    X, y, classes = data.X, data.y, data.classes
    if samples is not None:
        X, y = X[:samples], y[:samples]
    if task == "regression" and classes is not None:
        raise ValueError(f"--task regression: column {target!r} holds class labels (text such "
                         f"as {classes[0]!r}), not numbers to predict")
    if task == "classification" and classes is None:
        y, classes = _numbers_as_classes(y, target)
    name = os.path.splitext(os.path.basename(path))[0] or "csv"
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction, seed=seed)
    input_scales = measure_scales(X_train)
    X_train, X_test = (standard_scores(X_train, input_scales),
                       standard_scores(X_test, input_scales))
    if classes is None:
        (target_scale,) = measure_scales([[t] for t in y_train])
        mean, spread = target_scale
        return Problem(name, X_train, X_test, [(t - mean) / spread for t in y_train],
                       [(t - mean) / spread for t in y_test], 1, "error",
                       features=data.features, target=target, input_scales=input_scales,
                       target_scale=target_scale)
    if len(classes) < 2:
        raise ValueError(f"column {target!r} holds one class only ({classes[0]!r}); a "
                         "classifier needs at least 2")
    return Problem(name, X_train, X_test, y_train, y_test, len(classes), "accuracy",
                   list(classes), features=data.features, target=target,
                   input_scales=input_scales)


def class_targets(labels: Sequence[float], k: int, loss: str) -> list[Target]:
    """Class indices for cross_entropy; one-hot rows of k for the other losses (+-1 for hinge)."""
    if loss == "cross_entropy":
        return list(labels)
    rows = one_hot(labels, k)
    if loss == "hinge":
        return [[2.0 * t - 1.0 for t in row] for row in rows]
    return list(rows)


def _numbers_as_classes(y: list[float], target: str) -> tuple[list[float], list[str]]:
    """Numeric labels (1, 2, 3 or 0.0, 1.0) as class indices in sorted order, and their names."""
    for i, t in enumerate(y):
        if not t.is_integer():
            raise ValueError(f"--task classification: column {target!r} holds {t!r} (sample "
                             f"{i}), which is not a class label; labels are whole numbers or text")
    values = sorted(set(y))
    position = {v: c for c, v in enumerate(values)}
    return [float(position[t]) for t in y], [f"{v:g}" for v in values]
