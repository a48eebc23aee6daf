"""nn.compare: autograd, the four equations and central differences side by side, per layer."""

# ruff: noqa: N806

from __future__ import annotations

import random

import pytest

from nn import MLP, compare
from nn.compare import Difference, parameters_by_layer, random_batch


def test_difference_reports_the_largest_gaps_and_counts_what_is_outside() -> None:
    gap = Difference.between([1.0, 2.0 + 1e-9, -4.0], [1.0, 2.0, -4.0 + 4e-12], 0.0, 1e-10)
    assert gap.abs == pytest.approx(1e-9, rel=1e-6)
    assert gap.rel == pytest.approx(5e-10, rel=1e-6)
    assert gap.failures == 1  # 2 + 1e-9 is 5e-10 off (relative); -4 + 4e-12 only 1e-12
    nothing = Difference.between([0.0, 1e-30], [0.0, 0.0], 0.0, 0.0)
    assert nothing == Difference(1e-30, float("inf"), 1)


def test_a_network_agrees_three_ways_and_is_left_as_it_was() -> None:
    model = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=3)
    before = [p.data for p in model.parameters()]
    batch = random_batch(model, 5, "bce", random.Random(3))
    reports = compare.compare(model, batch, "bce")
    assert [(r.layer, r.count) for r in reports] == [(1, 16), (2, 10)]
    for r in reports:
        assert r.manual.failures == r.central.failures == 0
        assert r.manual.rel < 1e-12 and r.central.abs < 1e-8
    assert [p.data for p in model.parameters()] == before


def test_a_single_neuron_against_its_derivative_by_hand() -> None:
    # C = (1/2) (w x + b - t)^2  ->  dC/dw = (w x + b - t) x,  dC/db = w x + b - t
    model = MLP(1, [1], activation="linear", seed=0)
    X, Y = [[0.5]], [[2.0]]
    compare.compare(model, (X, Y), "half_mse")
    neuron = model.layers[0].neurons[0]
    error = neuron.w[0].data * 0.5 + neuron.b.data - 2.0
    w, b = parameters_by_layer(model)[0]
    assert (w.grad, b.grad) == pytest.approx((error * 0.5, error), rel=1e-15)


def test_a_wrong_hand_derived_gradient_is_caught_in_its_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = compare.backprop

    def off(*args: object, **kwargs: object) -> tuple[object, object]:
        weight_grads, bias_grads = real(*args, **kwargs)  # type: ignore[arg-type]
        bias_grads[0][1] *= 1.0 + 1e-6
        return weight_grads, bias_grads

    monkeypatch.setattr(compare, "backprop", off)
    model = MLP(2, [3, 1], seed=1)
    reports = compare.compare(model, random_batch(model, 4, "mse", random.Random(1)), "mse")
    assert [r.manual.failures for r in reports] == [1, 0]
    assert [r.central.failures for r in reports] == [0, 0]


@pytest.mark.parametrize(
    ("loss", "allowed"),
    [("bce", {0.0, 1.0}), ("hinge", {-1.0, 1.0}), ("cross_entropy", {0.0, 1.0})],
)
def test_random_targets_suit_the_loss(loss: str, allowed: set[float]) -> None:
    model = MLP(2, [3], seed=0)
    X, Y = random_batch(model, 50, loss, random.Random(0))
    assert len(X) == len(Y) == 50 and all(len(x) == 2 and len(y) == 3 for x, y in zip(X, Y))
    assert all(-1.0 <= v <= 1.0 for x in X for v in x)
    assert {v for y in Y for v in y} == allowed
    if loss == "cross_entropy":
        assert all(sum(y) == 1.0 for y in Y)
    assert random_batch(model, 50, loss, random.Random(0)) == (X, Y)


def test_unknown_losses_are_named() -> None:
    model = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'l1'; choose one of 'sse'"):
        compare.compare(model, ([[0.0]], [[0.0]]), "l1")
