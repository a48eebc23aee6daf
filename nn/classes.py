"""Classes of a classifier with one output per class: the one it picks, the true one, the tally.

The model's class for a sample is the position of its largest output (argmax; ties go to the
first). A true class is given as a class index (3, or 3.0 as `load_csv` reads it) or as a one-hot
list. The confusion matrix counts, for every true class, where the model put its samples.
"""

from __future__ import annotations

from collections.abc import Sequence

from nn.data import class_index

Label = float | Sequence[float]


def predicted_classes(outputs: Sequence[Sequence[float] | float]) -> list[int]:
    """argmax_j a_j for each sample's outputs a: the class the model gives it."""
    classes = []
    for i, a in enumerate(outputs):
        if isinstance(a, (int, float)) or len(a) < 2:
            raise ValueError(
                f"predicted_classes: sample {i} has 1 output; a model needs one output per class "
                "(2 or more) to pick a class"
            )
        classes.append(max(range(len(a)), key=a.__getitem__))
    return classes


def true_classes(labels: Sequence[Label], n: int) -> list[int]:
    """The class index of each label among n classes: an index as it is, a one-hot list read."""
    classes = []
    for i, t in enumerate(labels):
        if isinstance(t, (int, float)):
            c = class_index(t, n)
        elif len(t) == n and sorted(t) == [0.0] * (n - 1) + [1.0]:
            c = list(t).index(1.0)
        else:
            c = None
        if c is None:
            raise ValueError(
                f"label {t!r} (sample {i}) is neither a class index 0..{n - 1} nor a one-hot "
                f"list of {n} numbers"
            )
        classes.append(c)
    return classes


def confusion_matrix(true: Sequence[int], predicted: Sequence[int], n: int) -> list[list[int]]:
    """counts[t][p]: how many samples of class t the model put in class p (right when t == p)."""
    if len(true) != len(predicted):
        raise ValueError(
            f"confusion_matrix: {len(true)} true classes but {len(predicted)} predicted ones"
        )
    counts = [[0] * n for _ in range(n)]
    for i, (t, p) in enumerate(zip(true, predicted)):
        if not (0 <= t < n and 0 <= p < n):
            raise ValueError(
                f"confusion_matrix: sample {i} has classes ({t}, {p}), outside 0..{n - 1}"
            )
        counts[t][p] += 1
    return counts
