"""Data sets (generated and the bundled digits), one-hot labels, splits and mini-batches."""

# ruff: noqa: N806

from __future__ import annotations

import doctest
import math
import random
import statistics
import sys

import pytest

import nn.data
from nn.data import (
    DIGIT_SHAPE,
    batches,
    load_digits,
    make_division,
    make_moons,
    make_xor,
    measure_scales,
    one_hot,
    standard_scores,
    train_test_split,
)


def test_moons_without_noise_lie_on_the_two_half_circles() -> None:
    X, y = make_moons(100, noise=0.0, seed=0)
    assert len(X) == 100 and y.count(0.0) == 50 and y.count(1.0) == 50
    for (x1, x2), label in zip(X, y):
        if label == 0.0:  # upper moon: (cos s, sin s)
            assert math.hypot(x1, x2) == pytest.approx(1.0) and x2 >= -1e-12
        else:  # lower moon: (1 - cos s, 0.5 - sin s)
            assert math.hypot(x1 - 1.0, x2 - 0.5) == pytest.approx(1.0) and x2 <= 0.5 + 1e-12


def test_moons_noise_has_the_requested_spread() -> None:
    clean, _ = make_moons(2000, noise=0.0, seed=1)
    noisy, _ = make_moons(2000, noise=0.1, seed=1)
    # the seed fixes the order before noise is added: the difference is the noise itself
    deviations = [a - b for p, q in zip(noisy, clean) for a, b in zip(p, q)]
    spread = math.sqrt(sum(d * d for d in deviations) / len(deviations))
    assert spread == pytest.approx(0.1, rel=0.05)


def test_every_generator_is_deterministic_with_its_seed() -> None:
    assert make_moons(50, seed=3) == make_moons(50, seed=3)
    assert make_moons(50, seed=3) != make_moons(50, seed=4)
    assert make_xor(20, seed=3) == make_xor(20, seed=3)
    assert make_division(20, seed=3) == make_division(20, seed=3)
    assert make_moons(10, seed=random.Random(5)) == make_moons(10, seed=random.Random(5))


def test_xor_without_noise_is_the_truth_table() -> None:
    X, y = make_xor(4, noise=0.0, seed=0)
    assert sorted(zip(map(tuple, X), y)) == [
        ((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)
    ]


def test_division_targets_are_scaled_quotients_in_unit_interval() -> None:
    X, y = make_division(500, seed=0)
    assert all(t == pytest.approx(a / b / 2.0) for (a, b), t in zip(X, y))
    assert all(0.0 <= t <= 1.0 for t in y)
    _, y4 = make_division(10, scale=4.0, seed=0)
    assert y4 == pytest.approx([t / 2 for t in y[:10]])


def test_train_test_split_partitions_the_data() -> None:
    X = [[float(i)] for i in range(10)]
    y = [float(i) for i in range(10)]
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.3, seed=0)
    assert len(X_test) == 3 and len(X_train) == 7
    assert sorted(x[0] for x in X_train + X_test) == y
    assert [x[0] for x in X_train] == y_train and [x[0] for x in X_test] == y_test
    assert train_test_split(X, y, 0.3, seed=0) == (X_train, X_test, y_train, y_test)
    assert len(train_test_split(X[:2], y[:2], 0.01)[1]) == 1  # each part keeps a sample


def test_batches_cover_every_sample_once_and_reshuffle_with_a_shared_rng() -> None:
    X = [[float(i)] for i in range(10)]
    y = [float(i) for i in range(10)]
    parts = list(batches(X, y, 4, seed=0))
    assert [len(bx) for bx, _ in parts] == [4, 4, 2]
    assert sorted(t for _, by in parts for t in by) == y
    assert all([x[0] for x in bx] == by for bx, by in parts)
    assert list(batches(X, y, None, shuffle=False)) == [(X, y)]
    rng = random.Random(0)
    first, second = list(batches(X, y, 10, seed=rng)), list(batches(X, y, 10, seed=rng))
    assert first != second


def test_bad_input_names_the_sizes() -> None:
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        train_test_split([[1.0]] * 3, [1.0] * 2)
    with pytest.raises(ValueError, match="X has 2 samples but y has 1"):
        list(batches([[1.0]] * 2, [1.0], 1))
    with pytest.raises(ValueError, match="empty"):
        list(batches([], [], 1))
    with pytest.raises(ValueError, match="need at least 2 samples"):
        train_test_split([[1.0]], [1.0])
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\), got 1.0"):
        train_test_split([[1.0]] * 4, [1.0] * 4, 1.0)
    with pytest.raises(ValueError, match="batch_size must be a positive int or None, got 0"):
        list(batches([[1.0]], [1.0], 0))
    with pytest.raises(ValueError, match="make_moons: n must be at least 2, got 1"):
        make_moons(1)
    with pytest.raises(TypeError, match=r"make_moons: n must be an int, got float: 1\.5"):
        make_moons(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"noise must be a standard deviation >= 0, got -0\.1"):
        make_xor(8, noise=-0.1)


def test_digits_are_the_uci_set_scaled_into_the_unit_interval() -> None:
    X, labels = load_digits()
    assert len(X) == len(labels) == 1797
    assert all(len(x) == DIGIT_SHAPE[0] * DIGIT_SHAPE[1] == 64 for x in X)
    assert min(min(x) for x in X) == 0.0 and max(max(x) for x in X) == 1.0
    # the class counts the UCI repository publishes for this set
    counts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert [labels.count(d) for d in range(10)] == counts
    # grey levels are whole sixteenths; the first image is a 0 whose top row is 0 0 5 13 9 1 0 0
    assert all((16 * v).is_integer() for x in X for v in x)
    assert labels[:10] == list(range(10)) and all(isinstance(d, int) for d in labels)
    assert [16 * v for v in X[0][:8]] == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_without_scikit_learn_name_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn...` fail
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[data\]'"):
        load_digits()


def test_one_hot_puts_a_single_one_at_the_label() -> None:
    assert one_hot([2, 0, 1.0], 3) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert one_hot([], 4) == []
    _, labels = load_digits()
    rows = one_hot(labels, 10)
    assert [row.index(1.0) for row in rows] == labels and all(sum(row) == 1.0 for row in rows)


@pytest.mark.parametrize("label", [3, -1, 1.5, True, "2", float("nan")])
def test_one_hot_refuses_what_is_not_a_class_index(label: object) -> None:
    with pytest.raises(ValueError, match=r"label .* \(sample 1\) is not a class index 0\.\.2"):
        one_hot([0, label], 3)  # type: ignore[list-item]


def test_one_hot_needs_a_number_of_classes() -> None:
    with pytest.raises(ValueError, match="n, the number of classes, must be an int of at least 1"):
        one_hot([0], 0)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(nn.data)
    assert result.attempted > 0 and result.failed == 0


def test_standard_scores_have_mean_0_and_deviation_1_on_the_samples_measured() -> None:
    rng = random.Random(6)
    X = [[rng.uniform(100.0, 900.0), rng.gauss(0.003, 0.001), 7.0] for _ in range(50)]
    scale = measure_scales(X)
    for k in (0, 1):
        column = [x[k] for x in X]
        assert scale[k] == pytest.approx((statistics.fmean(column), statistics.pstdev(column)),
                                         rel=1e-12)
    assert scale[2] == (7.0, 1.0)  # a constant input has no spread to divide by
    Z = standard_scores(X, scale)
    for k in (0, 1):
        column = [z[k] for z in Z]
        assert statistics.fmean(column) == pytest.approx(0.0, abs=1e-12)
        assert statistics.pstdev(column) == pytest.approx(1.0, rel=1e-12)
    assert all(z[2] == 0.0 for z in Z)
    # new samples are put on the scale measured, not on their own
    assert standard_scores([[scale[0][0] + 2 * scale[0][1], 0.003, 8.0]], scale)[0][::2] == \
        pytest.approx([2.0, 1.0])


def test_scales_refuse_what_they_cannot_measure() -> None:
    with pytest.raises(ValueError, match="no samples"):
        measure_scales([])
    with pytest.raises(ValueError, match="do not all have 2 inputs"):
        measure_scales([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="input 1 is not finite"):
        measure_scales([[1.0, 2.0], [3.0, math.inf]])
    with pytest.raises(ValueError, match="sample 1 has 1 inputs but there are 2 scales"):
        standard_scores([[1.0, 2.0], [3.0]], [(0.0, 1.0), (0.0, 1.0)])
