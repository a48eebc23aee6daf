"""Data sets and the plumbing to feed them: nothing is downloaded.

A data set is `(X, y)`: `X` a list of samples (each a list of floats), `y` one target per sample.
The generated ones (`make_moons`, `make_xor`, `make_division`) and everything that shuffles take a
`seed` (an int, a `random.Random`, or None) and are deterministic with it. Real data comes from
`load_digits` (scikit-learn's bundled 8x8 digits) or from a table of your own (`load_csv`);
`one_hot` turns class labels into the target lists of a network with one output per class, and
`standard_scores` puts inputs of any scale on one footing.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from typing import TypeVar

from nn._rng import Seed, make_rng
from nn.csv_data import CsvData, load_csv

__all__ = [
    "DIGIT_SHAPE",
    "CsvData",
    "Dataset",
    "batches",
    "class_index",
    "load_csv",
    "load_digits",
    "make_division",
    "make_moons",
    "make_xor",
    "measure_scales",
    "one_hot",
    "standard_scores",
    "train_test_split",
]

T = TypeVar("T")
U = TypeVar("U")
Dataset = tuple[list[list[float]], list[float]]

DIGIT_SHAPE = (8, 8)
"""The digits' images are 8 x 8 pixels, stored row by row: pixel (r, c) is sample[8 * r + c]."""


def make_moons(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """Two interleaving half circles in the plane, labels 0 (upper moon) and 1 (lower moon).

    The upper moon is (cos s, sin s) and the lower (1 - cos s, 0.5 - sin s) for s in [0, pi],
    evenly spaced. The samples are shuffled, then Gaussian noise of standard deviation `noise` is
    added to both coordinates (so a seed puts the same points in the same order at any noise).
    No straight line separates the classes.
    """
    _check_count(n, 2, "make_moons")
    _check_noise(noise)
    rng = make_rng(seed)
    n_upper = n // 2
    X: list[list[float]] = []
    y: list[float] = []
    for i in range(n_upper):
        s = math.pi * i / max(n_upper - 1, 1)
        X.append([math.cos(s), math.sin(s)])
        y.append(0.0)
    n_lower = n - n_upper
    for i in range(n_lower):
        s = math.pi * i / max(n_lower - 1, 1)
        X.append([1.0 - math.cos(s), 0.5 - math.sin(s)])
        y.append(1.0)
    X, y = _shuffled(X, y, rng)
    return _noisy(X, noise, rng), y


def make_xor(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """The XOR problem: points near the corners of the unit square, label x1 XOR x2.

    Corners (0, 0) and (1, 1) are class 0, (0, 1) and (1, 0) class 1; each corner gets n/4 of
    the samples, plus Gaussian noise. `make_xor(4, noise=0.0)` is the truth table itself.
    """
    _check_count(n, 4, "make_xor")
    _check_noise(noise)
    rng = make_rng(seed)
    corners = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    X = [list(corners[i % 4]) for i in range(n)]
    y = [float(int(a) ^ int(b)) for a, b in (corners[i % 4] for i in range(n))]
    X, y = _shuffled(X, y, rng)
    return _noisy(X, noise, rng), y


def make_division(n: int = 200, scale: float = 2.0, seed: Seed = 0) -> Dataset:
    """The seeds' first task: learn a / b from random pairs (a, b).

    a is uniform in [0, 1] and b in [0.5, 1], so a / b lies in [0, 2]; the target is
    (a / b) / `scale`, which with the default scale 2 lies in [0, 1], where a sigmoid output can
    reach it. Multiply a prediction by `scale` to read it as a quotient.
    """
    _check_count(n, 1, "make_division")
    if not (isinstance(scale, (int, float)) and scale > 0.0):
        raise ValueError(f"make_division: scale must be positive, got {scale!r}")
    rng = make_rng(seed)
    X = [[rng.uniform(0.0, 1.0), rng.uniform(0.5, 1.0)] for _ in range(n)]
    y = [a / b / scale for a, b in X]
    return X, y


def load_digits() -> tuple[list[list[float]], list[int]]:
    """The 1797 handwritten digits bundled with scikit-learn: (X, labels), in scikit-learn's order.

    Each sample is an 8 x 8 image (see `DIGIT_SHAPE`) of grey levels 0..16 divided by 16, so 64
    floats in [0, 1]; its label is the digit drawn, an int from 0 to 9. The images ship inside
    the scikit-learn package, so nothing is downloaded; scikit-learn is the `data` extra.
    Nothing is shuffled: the first half and the second half are scikit-learn's example split.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the 8x8 digits inside its package: "
            "pip install 'chainrule[data]' (or pip install scikit-learn)"
        ) from None
    digits = sklearn_load_digits()
    X = [[float(level) / 16.0 for level in image] for image in digits.data.tolist()]
    labels = [int(label) for label in digits.target.tolist()]
    return X, labels


def one_hot(labels: Sequence[float], n: int) -> list[list[float]]:
    """Each class label c in 0..n-1 as a list of n floats, 1.0 at position c and 0.0 elsewhere.

    A label may be an int or a float with an integer value (3.0, as `load_csv` reads it). The
    rows are the targets of a network with one output per class:

        >>> one_hot([2, 0], 3)
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(
            f"one_hot: n, the number of classes, must be an int of at least 1, got {n!r}"
        )
    rows = []
    for i, label in enumerate(labels):
        c = class_index(label, n)
        if c is None:
            raise ValueError(
                f"one_hot: label {label!r} (sample {i}) is not a class index 0..{n - 1}; "
                f"labels must be whole numbers below n = {n}"
            )
        rows.append([1.0 if k == c else 0.0 for k in range(n)])
    return rows


def class_index(label: object, n: int) -> int | None:
    """`label` as an int in 0..n-1 (an int, or a float such as 3.0), or None if it is not one."""
    if isinstance(label, bool) or not isinstance(label, numbers.Real):
        return None
    number = float(label)
    if not (number.is_integer() and 0 <= number < n):
        return None
    return int(number)


def measure_scales(X: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """(mean, standard deviation) of each input k over the samples X, for `standard_scores`.

    The standard deviation is the population one, sqrt((1/n) Σ (x_k - mean_k)^2). An input that
    never changes has no spread to divide by: its scale is 1.0, so it only loses its mean.
    """
    if not X:
        raise ValueError("measure_scales: no samples to measure")
    n = len(X)
    result = []
    if any(len(x) != len(X[0]) for x in X):
        raise ValueError(f"measure_scales: the samples do not all have {len(X[0])} inputs")
    for k, column in enumerate(zip(*X)):
        mean = math.fsum(column) / n
        spread = math.sqrt(math.fsum((v - mean) ** 2 for v in column) / n)
        if not math.isfinite(spread):
            raise ValueError(f"measure_scales: input {k} is not finite in every sample")
        result.append((mean, spread if spread > 0.0 else 1.0))
    return result


def standard_scores(
    X: Sequence[Sequence[float]], scale: Sequence[tuple[float, float]]
) -> list[list[float]]:
    """(x_k - mean_k) / std_k for every input k of every sample, with `scale` from `measure_scales`.

    Measure the scales on the training samples only and apply them to the test samples too, so
    nothing about the test set leaks into training:

        >>> scale = measure_scales([[1.0, 10.0], [3.0, 10.0]])   # means 2, 10; spreads 1, none
        >>> standard_scores([[1.0, 10.0], [4.0, 12.0]], scale)
        [[-1.0, 0.0], [2.0, 2.0]]
    """
    rows = []
    for i, x in enumerate(X):
        if len(x) != len(scale):
            raise ValueError(
                f"standard_scores: sample {i} has {len(x)} inputs but there are {len(scale)} scales"
            )
        rows.append([(v - mean) / spread for v, (mean, spread) in zip(x, scale)])
    return rows


def train_test_split(
    X: Sequence[T], y: Sequence[U], test_fraction: float = 0.2, seed: Seed = 0
) -> tuple[list[T], list[T], list[U], list[U]]:
    """(X_train, X_test, y_train, y_test): a shuffled split, round(n * test_fraction) held out.

    Both parts get at least one sample, so n must be at least 2.
    """
    n = check_pair(X, y, "train_test_split")
    if not (isinstance(test_fraction, (int, float)) and 0.0 < test_fraction < 1.0):
        raise ValueError(
            f"train_test_split: test_fraction must be in (0, 1), got {test_fraction!r}"
        )
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 samples to split, got {n}")
    n_test = min(max(round(n * test_fraction), 1), n - 1)
    order = list(range(n))
    make_rng(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence[T],
    y: Sequence[U],
    batch_size: int | None = None,
    seed: Seed = 0,
    shuffle: bool = True,
) -> Iterator[tuple[list[T], list[U]]]:
    """Mini-batches (X_batch, y_batch) covering the data once; the last one may be smaller.

    batch_size None means one batch of everything (full-batch gradient descent). With `shuffle`
    the order is drawn from `seed`; pass one `random.Random` to get a new order every epoch.
    """
    n = check_pair(X, y, "batches")
    if batch_size is None:
        batch_size = n
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive int or None, got {batch_size!r}")
    order = list(range(n))
    if shuffle:
        make_rng(seed).shuffle(order)
    for start in range(0, n, batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


def check_pair(X: Sequence[object], y: Sequence[object], who: str) -> int:
    """The number of samples, once X and y are known to hold the same number, at least one."""
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}; they must match")
    if len(X) == 0:
        raise ValueError(f"{who}: the data set is empty (X and y have 0 samples)")
    return len(X)


def _check_count(n: object, least: int, who: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{who}: n must be an int, got {type(n).__name__}: {n!r}")
    if n < least:
        raise ValueError(f"{who}: n must be at least {least}, got {n}")


def _check_noise(noise: object) -> None:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0.0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")


def _noisy(X: list[list[float]], noise: float, rng: Seed) -> list[list[float]]:
    gauss = make_rng(rng).gauss
    return [[v + gauss(0.0, noise) for v in x] for x in X] if noise > 0.0 else X


def _shuffled(X: list[list[float]], y: list[float], rng: Seed) -> Dataset:
    order = list(range(len(X)))
    make_rng(rng).shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]
