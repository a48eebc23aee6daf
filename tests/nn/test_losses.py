"""Losses: against PyTorch float64 through small MLPs, and each hand slope against autograd."""

# ruff: noqa: N806

from __future__ import annotations

import doctest
import math
import random
from types import ModuleType

import pytest
import sympy

import nn.losses
from autograd import Value, sigmoid
from nn import MLP, bce, half_mse, hinge, mse, sse
from nn.data import one_hot
from nn.losses import BCE_EPS, LOSSES, cross_entropy, get_loss
from tests.nn.oracle import torch_forward, torch_layers, torch_loss

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
ELEMENTWISE = sorted(set(LOSSES) - {"cross_entropy"})  # one output compared with one target


def _targets(loss: str, m: int, k: int, rng: random.Random) -> list[list[float]]:
    if loss == "hinge":
        return [[rng.choice([-1.0, 1.0]) for _ in range(k)] for _ in range(m)]
    if loss == "bce":  # exact 0 and 1 (one log term) as well as soft labels (both terms)
        return [[rng.choice([0.0, 1.0, rng.random()]) for _ in range(k)] for _ in range(m)]
    return [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(m)]


@pytest.mark.parametrize("nouts", [[4, 2], [5, 3, 1]])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ELEMENTWISE)
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


@pytest.mark.parametrize(("z", "t"), [(30.0, 0.0), (-40.0, 1.0)])
def test_bce_keeps_the_gradient_of_a_confidently_wrong_sigmoid_output(z: float, t: float) -> None:
    """sigmoid(30) rounds to within 1e-13 of 1, sigmoid(-40) to 4e-18: a clamp at 1e-12 would
    make both constants with gradient 0. Read from the logit, dC/dz is (a - t)/m, about 1/m."""
    logits = [Value(z), Value(0.5)]  # m = 2, the second sample an ordinary one
    a = [v.sigmoid() for v in logits]
    C = bce(a, [t, 1.0])
    C.backward()
    a_exact = 1.0 / (1.0 + math.exp(-z))
    assert logits[0].grad == pytest.approx((a_exact - t) / 2, abs=1e-12)
    assert abs(logits[0].grad) > 0.49
    assert logits[1].grad == pytest.approx((a[1].data - 1.0) / 2, abs=1e-15)
    # each term -ln(1 - a) for t = 0, -ln a for t = 1: |z| + ln(1 + e^-|z|)
    wrong = abs(z) + math.log1p(math.exp(-abs(z)))
    assert C.data == pytest.approx((wrong + math.log1p(math.exp(-0.5))) / 2, rel=1e-15)


def test_bce_of_a_nan_logit_is_nan() -> None:
    z = Value(math.nan)
    C = bce([z.sigmoid(), Value(0.5).sigmoid()], [1.0, 0.0])
    C.backward()
    assert math.isnan(C.data) and math.isnan(z.grad)
    assert math.isnan(bce([Value(math.nan)], [1.0]).data)  # not made by a sigmoid: no clamp either


def _exact_bce(z: float, t: float) -> tuple[float, float]:
    """One term -[t ln a + (1 - t) ln(1 - a)] with a = σ(z), and its dC/dz = a - t, evaluated by
    sympy to 40 digits from the floats' exact values (no cancellation, unlike float64)."""
    Z, T = sympy.Rational(z), sympy.Rational(t)
    a = 1 / (1 + sympy.exp(-Z))
    term = -(T * sympy.log(a) + (1 - T) * sympy.log(1 - a))
    return float(term.evalf(40)), float((a - T).evalf(40))


@pytest.mark.parametrize("t", [0.0, 1.0, 0.3])
def test_bce_of_sigmoids_matches_pytorch_with_logits_from_minus_50_to_50(
    torch: ModuleType, t: float
) -> None:
    Z = [-50.0 + 2.5 * i for i in range(41)]
    m = len(Z)
    logits = [Value(z) for z in Z]
    C = bce([sigmoid(v) for v in logits], [t] * m)
    C.backward()
    tz = torch.tensor(Z, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(tz, torch.full((m,), t))
    expected.backward()
    assert C.data == pytest.approx(expected.item(), rel=1e-14)
    # PyTorch forms σ(z) - t, which rounds to 0 where σ(z) rounds to t (z = 50, t = 1)
    assert [v.grad for v in logits] == pytest.approx(tz.grad.tolist(), rel=1e-12, abs=1e-16)
    exact = [_exact_bce(z, t) for z in Z]
    assert C.data == pytest.approx(math.fsum(term for term, _ in exact) / m, rel=1e-14)
    for v, (_, slope) in zip(logits, exact):  # to the last digits, the tails included
        assert v.grad == pytest.approx(slope / m, rel=1e-12, abs=1e-300)


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
    if loss == "cross_entropy":
        with pytest.raises(ValueError, match="sample 1 has 2 logits but 3 targets"):
            f([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [1.0, 0.0, 0.0]])
    else:
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
    with pytest.raises(ValueError, match=r"unknown loss 'nll'.*'half_mse'.*'cross_entropy'"):
        get_loss("nll")


# ---------------------------------------------------------------------------------------------
# the table: every entry's derivative by hand equals autograd's


def _sample_targets(name: str, k: int, rng: random.Random) -> list[float]:
    if name == "cross_entropy":
        return one_hot([rng.randrange(k)], k)[0]
    if name == "hinge":
        return [rng.choice([-1.0, 1.0]) for _ in range(k)]
    if name == "bce":
        return [rng.choice([0.0, 1.0, rng.random()]) for _ in range(k)]
    return [rng.uniform(-1.0, 1.0) for _ in range(k)]


def _sample_outputs(name: str, k: int, rng: random.Random) -> list[float]:
    if name == "bce":  # probabilities, the clamped ends included
        return [rng.choice([0.0, 1.0, 1e-13, rng.random()]) for _ in range(k)]
    if name == "cross_entropy":  # logits, from ordinary to extreme
        return [rng.choice([rng.gauss(0.0, 3.0), 1000.0, -1000.0]) for _ in range(k)]
    return [rng.uniform(-2.0, 2.0) for _ in range(k)]  # hinge: both sides of t a = 1


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_each_hand_slope_equals_autograd(name: str) -> None:
    rng = random.Random(name)
    m, k = 6, 3
    A = [_sample_outputs(name, k, rng) for _ in range(m)]
    T = [_sample_targets(name, k, rng) for _ in range(m)]
    outputs = [[Value(a) for a in row] for row in A]
    LOSSES[name](outputs, T).backward()
    entry = LOSSES[name]
    for row, a, t in zip(outputs, A, T):
        assert [v.grad for v in row] == pytest.approx(entry.slope(a, t, m), rel=1e-12, abs=1e-15)
    assert entry.name == name and "dC/d" in entry.math


def test_entries_are_the_loss_functions_themselves() -> None:
    preds, targets = [[0.2, 0.9], [0.6, 0.1]], [[0.0, 1.0], [1.0, 0.0]]
    for name, entry in LOSSES.items():
        assert get_loss(name) is entry
    assert LOSSES["bce"](preds, targets).data == bce(preds, targets).data
    assert LOSSES["cross_entropy"](preds, targets).data == cross_entropy(preds, targets).data


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_slope_needs_one_target_per_output(name: str) -> None:
    with pytest.raises(ValueError, match="slope: 3 outputs but 2 targets"):
        LOSSES[name].slope([0.5, 0.5, 0.5], [1.0, 0.0], 1)


def test_bce_slope_refuses_what_is_not_a_probability() -> None:
    with pytest.raises(ValueError, match=r"bce: prediction 1.5 is outside \[0, 1\]"):
        LOSSES["bce"].slope([0.5, 1.5], [1.0, 1.0], 2)


# ---------------------------------------------------------------------------------------------
# cross_entropy


def test_cross_entropy_by_hand() -> None:
    # logits (0, ln 3): softmax (1/4, 3/4). Class 0 costs ln 4, class 1 costs ln(4/3).
    z = [Value(0.0), Value(math.log(3.0))]
    C = cross_entropy([z], [0])
    C.backward()
    assert C.data == pytest.approx(math.log(4.0), rel=1e-15)
    assert [v.grad for v in z] == pytest.approx([1 / 4 - 1, 3 / 4], rel=1e-15)  # softmax - y
    two = cross_entropy([[0.0, math.log(3.0)]] * 2, [0, [0.0, 1.0]])  # the mean of the two
    assert two.data == pytest.approx((math.log(4.0) + math.log(4.0 / 3.0)) / 2, rel=1e-15)


@pytest.mark.parametrize("form", ["index", "one-hot", "probabilities"])
@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_matches_pytorch(torch: ModuleType, seed: int, form: str) -> None:
    rng = random.Random(seed)
    m, k = 5, 4
    Z = [[rng.gauss(0.0, 3.0) for _ in range(k)] for _ in range(m)]
    classes = [rng.randrange(k) for _ in range(m)]
    if form == "probabilities":
        weights = [[rng.random() for _ in range(k)] for _ in range(m)]
        Y = [[w / math.fsum(row) for w in row] for row in weights]
    else:
        Y = one_hot(classes, k)
    logits = [[Value(z) for z in row] for row in Z]
    C = cross_entropy(logits, classes if form == "index" else Y)
    C.backward()
    tz = torch.tensor(Z, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(
        tz, torch.tensor(classes) if form == "index" else torch.tensor(Y)
    )
    expected.backward()
    assert C.data == pytest.approx(expected.item(), rel=1e-13)
    grads = [v.grad for row in logits for v in row]
    assert grads == pytest.approx(tz.grad.flatten().tolist(), abs=1e-15)


@pytest.mark.parametrize("form", ["index", "one-hot"])
def test_cross_entropy_is_finite_for_extreme_logits(torch: ModuleType, form: str) -> None:
    Z = [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]]
    classes = [1, 2, 0]
    logits = [[Value(z) for z in row] for row in Z]
    C = cross_entropy(logits, classes if form == "index" else one_hot(classes, 3))
    C.backward()
    grads = [v.grad for row in logits for v in row]
    assert math.isfinite(C.data) and all(map(math.isfinite, grads))
    tz = torch.tensor(Z, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tz, torch.tensor(classes))
    expected.backward()
    # sample 0 pays 2000, sample 1 nothing, sample 2 ln 2 (two logits tie at the top)
    assert C.data == pytest.approx((2000.0 + 0.0 + math.log(2.0)) / 3, rel=1e-15)
    assert C.data == pytest.approx(expected.item(), rel=1e-15)
    assert grads == pytest.approx(tz.grad.flatten().tolist(), abs=1e-15)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_cross_entropy_through_an_mlp_matches_pytorch(torch: ModuleType, activation: str) -> None:
    rng = random.Random(activation)
    model = MLP(3, [5, 4], activation=activation, output_activation="linear", seed=rng)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(6)]
    classes = [rng.randrange(4) for _ in X]
    C = cross_entropy([model(x) for x in X], classes)
    C.backward()
    layers = torch_layers(torch, model)
    expected = torch.nn.functional.cross_entropy(
        torch_forward(torch, layers, torch.tensor(X)), torch.tensor(classes)
    )
    expected.backward()
    assert C.data == pytest.approx(expected.item(), rel=1e-12)
    for layer, (W, b, _) in zip(model.layers, layers):
        for j, neuron in enumerate(layer.neurons):
            assert neuron.b.grad == pytest.approx(b.grad[j].item(), abs=1e-12)
            assert [w.grad for w in neuron.w] == pytest.approx(W.grad[j].tolist(), abs=1e-12)


def test_cross_entropy_never_hides_nan() -> None:
    assert math.isnan(cross_entropy([[float("nan"), 0.0], [1.0, 2.0]], [0, 1]).data)
    assert math.isnan(cross_entropy([[0.0, float("nan")]], [0]).data)


def test_cross_entropy_refuses_bad_targets_and_single_outputs() -> None:
    with pytest.raises(ValueError, match=r"sample 0 has 1 output\(s\).*use bce with a sigmoid"):
        cross_entropy([Value(0.5)], [1.0])
    with pytest.raises(ValueError, match=r"sample 0 has 1 output\(s\)"):
        cross_entropy([[0.5]], [0])
    with pytest.raises(ValueError, match=r"target 3 \(sample 1\) is not a class index 0\.\.2"):
        cross_entropy([[0.0, 1.0, 2.0]] * 2, [0, 3])
    with pytest.raises(ValueError, match=r"target 1.5 \(sample 0\) is not a class index"):
        cross_entropy([[0.0, 1.0, 2.0]], [1.5])
    with pytest.raises(ValueError, match=r"target \[0.5, 0.0, 0.0\] \(sample 0\) is not one-hot"):
        cross_entropy([[0.0, 1.0, 2.0]], [[0.5, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"target \[2.0, -1.0\] \(sample 0\) is not one-hot"):
        cross_entropy([[0.0, 1.0]], [[2.0, -1.0]])
    with pytest.raises(TypeError, match="target of sample 0 must be a class index or a list"):
        cross_entropy([[0.0, 1.0]], [Value(1.0)])


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(nn.losses)
    assert result.attempted > 0 and result.failed == 0
