"""Losses: every one through small MLPs, every activation, against PyTorch float64 (1e-9)."""

# ruff: noqa: N806

from __future__ import annotations

import math
import random
from types import ModuleType

import pytest

from autograd import Value
from nn import MLP, bce, half_mse, hinge, mse, sse
from nn.losses import BCE_EPS, LOSSES, get_loss
from tests.nn.oracle import torch_forward, torch_layers, torch_loss

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


def _targets(loss: str, m: int, k: int, rng: random.Random) -> list[list[float]]:
    if loss == "hinge":
        return [[rng.choice([-1.0, 1.0]) for _ in range(k)] for _ in range(m)]
    if loss == "bce":  # exact 0 and 1 (one log term) as well as soft labels (both terms)
        return [[rng.choice([0.0, 1.0, rng.random()]) for _ in range(k)] for _ in range(m)]
    return [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(m)]


@pytest.mark.parametrize("nouts", [[4, 2], [5, 3, 1]])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_loss_and_gradients_match_pytorch(
    torch: ModuleType, loss: str, activation: str, nouts: list[int]
) -> None:
    rng = random.Random(f"{loss}-{activation}-{nouts}")
    output = "sigmoid" if loss == "bce" else activation
    model = MLP(3, nouts, activation=activation, output_activation=output, seed=rng)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(6)]
    Y = _targets(loss, len(X), nouts[-1], rng)
    targets = [y[0] for y in Y] if nouts[-1] == 1 else Y

    C = get_loss(loss)([model(x) for x in X], targets)
    C.backward()

    layers = torch_layers(torch, model)
    expected = torch_loss(torch, loss, torch_forward(torch, layers, torch.tensor(X)),
                          torch.tensor(Y))
    expected.backward()
    assert C.data == pytest.approx(expected.item(), abs=1e-12)
    for layer, (W, b, _) in zip(model.layers, layers):
        for j, neuron in enumerate(layer.neurons):
            assert neuron.b.grad == pytest.approx(b.grad[j].item(), abs=1e-9)
            for k, w in enumerate(neuron.w):
                assert w.grad == pytest.approx(W.grad[j][k].item(), abs=1e-9)


def test_definitions_by_hand() -> None:
    preds, targets = [1.0, 3.0], [0.0, 1.0]  # squared errors 1 and 4, m = 2
    assert sse(preds, targets).data == 5.0
    assert mse(preds, targets).data == 2.5
    assert half_mse(preds, targets).data == 1.25
    # two outputs per sample: sse sums over outputs too; mse still divides by m samples only
    assert sse([[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]).data == 6.0
    assert mse([[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]).data == 3.0
    assert bce([0.5, 0.25], [1.0, 0.0]).data == pytest.approx(-(math.log(0.5) + math.log(0.75)) / 2)
    assert hinge([0.5, -2.0, 3.0], [1.0, 1.0, -1.0]).data == pytest.approx((0.5 + 3.0 + 4.0) / 3)


def test_half_mse_gradient_is_the_seeds_a_minus_t_over_m() -> None:
    a = [Value(0.8), Value(0.1), Value(0.4)]
    half_mse(a, [1.0, 0.0, 1.0]).backward()
    assert [v.grad for v in a] == pytest.approx([(0.8 - 1) / 3, 0.1 / 3, (0.4 - 1) / 3], abs=1e-15)


def test_bce_through_sigmoid_gives_output_delta_a_minus_t_over_m() -> None:
    z = [Value(0.3), Value(-1.2)]
    a = [v.sigmoid() for v in z]
    bce(a, [1.0, 0.0]).backward()
    assert z[0].grad == pytest.approx((a[0].data - 1.0) / 2, abs=1e-15)
    assert z[1].grad == pytest.approx(a[1].data / 2, abs=1e-15)


def test_bce_is_finite_at_zero_and_one_and_clamped_predictions_pass_no_gradient() -> None:
    a = [Value(0.0), Value(1.0), Value(0.7)]
    C = bce(a, [1.0, 0.0, 1.0])
    C.backward()
    # a = 0 is read as eps, a = 1 as the float nearest 1 - eps: each costs about 27.6
    clamped = -math.log(BCE_EPS) - math.log(1.0 - (1.0 - BCE_EPS))
    assert C.data == pytest.approx((clamped - math.log(0.7)) / 3, rel=1e-12)
    assert a[0].grad == 0.0 and a[1].grad == 0.0
    assert a[2].grad == pytest.approx(-1 / (0.7 * 3))
    assert bce([0.0, 1.0], [0.0, 1.0]).data == pytest.approx(-math.log(1 - BCE_EPS), abs=1e-15)


def test_bce_matches_pytorch_near_the_clamp(torch: ModuleType) -> None:
    values = [1e-9, 1 - 1e-9, 0.5, 1e-6]
    a = [Value(v) for v in values]
    ours = bce(a, [1.0, 0.0, 1.0, 0.0])
    ours.backward()
    ta = torch.tensor(values, requires_grad=True)
    theirs = torch.nn.functional.binary_cross_entropy(ta, torch.tensor([1.0, 0.0, 1.0, 0.0]))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-9)
    assert [v.grad for v in a] == pytest.approx(ta.grad.tolist(), rel=1e-9)


def test_a_loss_is_one_sum_node_over_the_samples() -> None:
    a = [Value(0.1 * i) for i in range(8)]
    C = sse(a, [0.0] * 8)
    assert C.op == "sum" and len(C.parents) == 8
    (mean,) = mse(a, [0.0] * 8).parents  # mse: that sum, divided by m
    assert mean.op == "sum" and len(mean.parents) == 8


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_mismatched_or_empty_inputs_name_the_sizes(loss: str) -> None:
    f = get_loss(loss)
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        f([0.5, 0.5, 0.5], [1.0, 1.0])
    with pytest.raises(ValueError, match="no samples"):
        f([], [])
    with pytest.raises(ValueError, match="sample 1 has 2 outputs but 3 targets"):
        f([[0.5], [0.5, 0.5]], [[1.0], [1.0, 1.0, 1.0]])


def test_bad_values_for_bce_and_hinge() -> None:
    with pytest.raises(ValueError, match=r"prediction 1.5 \(sample 1\) is outside \[0, 1\]"):
        bce([0.5, 1.5], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"target 2.0 \(sample 0\) is outside \[0, 1\]"):
        bce([0.5], [2.0])
    with pytest.raises(ValueError, match=r"target 0.0 \(sample 0\) must be -1 or \+1"):
        hinge([0.5], [0.0])


def test_unknown_loss_name_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown loss 'cross_entropy'.*'half_mse'"):
        get_loss("cross_entropy")
