"""The class a model picks, the true class of a label, and the confusion matrix, counted by hand."""

from __future__ import annotations

import pytest

from nn.classes import confusion_matrix, predicted_classes, true_classes


def test_the_predicted_class_is_the_largest_output() -> None:
    assert predicted_classes([[0.1, 0.7, 0.2], [3.0, -1.0, 2.9], [0.5, 0.5, 0.1]]) == [1, 0, 0]
    with pytest.raises(ValueError, match="sample 1 has 1 output; a model needs one output per"):
        predicted_classes([[0.1, 0.9], 0.5])


def test_true_classes_read_indices_and_one_hot_lists() -> None:
    assert true_classes([2, 0.0, [0.0, 1.0, 0.0]], 3) == [2, 0, 1]
    for label in (3, 1.5, [0.5, 0.5, 0.0], [0.0, 1.0]):
        with pytest.raises(ValueError, match=r"\(sample 0\) is neither a class index 0\.\.2"):
            true_classes([label], 3)


def test_confusion_matrix_counts_true_rows_against_predicted_columns() -> None:
    true = [0, 0, 1, 2, 2, 2]
    predicted = [0, 1, 1, 2, 0, 2]
    assert confusion_matrix(true, predicted, 3) == [
        [1, 1, 0],  # of the two 0s, one was called a 1
        [0, 1, 0],
        [1, 0, 2],  # of the three 2s, one was called a 0
    ]
    with pytest.raises(ValueError, match="2 true classes but 1 predicted ones"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match=r"sample 1 has classes \(1, 3\), outside 0\.\.2"):
        confusion_matrix([0, 1], [0, 3], 3)
