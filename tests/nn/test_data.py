"""Generated data sets, splits and mini-batches: shapes, formulas, seeds and bad input."""

# ruff: noqa: N806

from __future__ import annotations

import math
import random

import pytest

from nn.data import batches, make_division, make_moons, make_xor, train_test_split


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
    with pytest.raises(ValueError, match="n must be an int of at least 2, got 1"):
        make_moons(1)
    with pytest.raises(ValueError, match=r"noise must be a standard deviation >= 0, got -0\.1"):
        make_xor(8, noise=-0.1)
