"""nn.manual: the hand-derived gradients equal autograd's, PyTorch's and the seeds' closed forms."""

# X, Y, T, E and W are the notation of DESIGN.md and the seeds.
# ruff: noqa: N803, N806

from __future__ import annotations

import doctest
import math
import random
import sys
from collections.abc import Sequence
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import manual
from nn.layers import MLP
from nn.losses import get_loss
from nn.manual import Sample, Target


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))

LOSSES = ["half_mse", "mse", "sse", "bce", "cross_entropy"]
ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
Batch = tuple[list[list[float]], list[list[float]]]


def random_net(
    seed: int, depth: int, width: int, m: int, loss: str,
    activation: str = "sigmoid", output_activation: str | None = None,
) -> tuple[MLP, Batch]:
    """An MLP with `depth` layers of up to `width` neurons, and a batch of m samples for it."""
    rng = random.Random(seed)
    sizes = [rng.randint(1, width) for _ in range(depth - 1)] + [rng.randint(1, min(width, 3))]
    if loss == "cross_entropy":  # logits for 2 to 4 classes, as class indices or one-hot lists
        sizes[-1] = rng.randint(2, 4)
        output_activation = "linear"
    model = MLP(rng.randint(1, width), sizes, activation, output_activation, seed=seed)
    X = [[rng.uniform(-2.0, 2.0) for _ in range(model.nin)] for _ in range(m)]
    if loss == "cross_entropy":
        classes = [rng.randrange(sizes[-1]) for _ in range(m)]
        one_hot = rng.random() < 0.5
        Y = [[float(k == c) for k in range(sizes[-1])] if one_hot else float(c)
             for c in classes]
    elif loss == "bce":
        Y = [[float(rng.randint(0, 1)) for _ in range(sizes[-1])] for _ in range(m)]
    else:
        Y = [[rng.uniform(0.0, 1.0) for _ in range(sizes[-1])] for _ in range(m)]
    return model, (X, Y)


def autograd_grads(model: MLP, X: Sequence[Sample], Y: Sequence[Target], loss: str) -> tuple[
    list[list[list[float]]], list[list[float]]
]:
    model.zero_grad()
    get_loss(loss)([model(manual.as_floats(x, 'sample', i)) for i, x in enumerate(X)],
                   list(Y)).backward()
    weight_grads = [[[w.grad for w in n.w] for n in layer.neurons] for layer in model.layers]
    bias_grads = [[n.b.grad for n in layer.neurons] for layer in model.layers]
    return weight_grads, bias_grads


def flat(grads: tuple[list[list[list[float]]], list[list[float]]]) -> list[float]:
    weight_grads, bias_grads = grads
    return [g for layer in weight_grads for row in layer for g in row] + [
        g for layer in bias_grads for g in layer
    ]


def assert_close(got: list[float], want: list[float], rel: float = 1e-10) -> None:
    """Each entry within `rel` relative. The floor, 1e-15 of the largest gradient, is for sums
    over paths that cancel to almost nothing, where rounding is large relative to the result."""
    assert len(got) == len(want)
    floor = 1e-15 * max(abs(g) for g in want) if want else 0.0
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= rel * max(abs(g), abs(w)) + floor, f"entry {i}: {g!r} vs {w!r}"


SHAPES = dict(
    seed=st.integers(0, 2**32 - 1),
    depth=st.integers(1, 5),
    width=st.integers(1, 8),
    m=st.integers(1, 16),
    loss=st.sampled_from(LOSSES),
)


@settings(max_examples=100, deadline=None)
@given(**SHAPES)
def test_manual_equals_autograd(seed: int, depth: int, width: int, m: int, loss: str) -> None:
    model, (X, Y) = random_net(seed, depth, width, m, loss)
    assert_close(flat(manual.backprop(model, X, Y, loss)), flat(autograd_grads(model, X, Y, loss)))


def torch_grads(torch: ModuleType, model: MLP, X: list[list[float]], Y: list[list[float]],
                loss: str) -> list[float]:
    """The same network and loss written in PyTorch float64, differentiated by torch.autograd."""
    weights = [torch.tensor([[w.data for w in n.w] for n in layer.neurons], requires_grad=True)
               for layer in model.layers]
    biases = [torch.tensor([n.b.data for n in layer.neurons], requires_grad=True)
              for layer in model.layers]
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "linear": lambda z: z}
    a = torch.tensor(X)
    for layer, W, b in zip(model.layers, weights, biases):
        a = functions[layer.activation](a @ W.T + b)
    t = torch.tensor(Y)
    m = len(X)
    sse = ((a - t) ** 2).sum() if t.shape == a.shape else None
    cost = {
        "sse": lambda: sse,
        "mse": lambda: sse / m,
        "half_mse": lambda: sse / (2 * m),
        "bce": lambda: -(t * torch.log(a) + (1 - t) * torch.log(1 - a)).sum() / m,
        "cross_entropy": lambda: torch.nn.functional.cross_entropy(
            a, t.argmax(dim=1) if t.dim() == 2 else t.long()),
    }[loss]()
    cost.backward()
    return [float(g) for W in weights for g in W.grad.flatten()] + [
        float(g) for b in biases for g in b.grad
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(**SHAPES)
def test_manual_equals_pytorch(
    torch: ModuleType, seed: int, depth: int, width: int, m: int, loss: str
) -> None:
    model, (X, Y) = random_net(seed, depth, width, m, loss)
    assert_close(flat(manual.backprop(model, X, Y, loss)), torch_grads(torch, model, X, Y, loss))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    depth=st.integers(1, 4),
    activation=st.sampled_from(ACTIVATIONS),
    output_activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(["half_mse", "mse", "sse"]),
)
def test_every_activation_has_its_own_derivative(
    seed: int, depth: int, activation: str, output_activation: str, loss: str
) -> None:
    model, (X, Y) = random_net(seed, depth, 6, 5, loss, activation, output_activation)
    assert_close(flat(manual.backprop(model, X, Y, loss)), flat(autograd_grads(model, X, Y, loss)))


def test_hinge_equals_autograd() -> None:
    model, (X, _) = random_net(7, 3, 5, 9, "half_mse", output_activation="tanh")
    rng = random.Random(7)
    Y = [[rng.choice((-1.0, 1.0)) for _ in range(len(model.layers[-1].neurons))] for _ in X]
    assert_close(flat(manual.backprop(model, X, Y, "hinge")),
                 flat(autograd_grads(model, X, Y, "hinge")))


def test_a_one_neuron_chain_matches_the_seeds_product_of_five_factors() -> None:
    """dE/dw1 = dE/da2 * da2/dz2 * dz2/da1 * da1/dz1 * dz1/dw1, for a 1 -> 1 -> 1 network."""
    model = MLP(1, [1, 1], seed=3)
    (w1,), b1 = model.layers[0].neurons[0].w, model.layers[0].neurons[0].b
    (w2,), b2 = model.layers[1].neurons[0].w, model.layers[1].neurons[0].b
    x, T = 0.8, 0.25
    a1 = sigmoid(w1.data * x + b1.data)
    a2 = sigmoid(w2.data * a1 + b2.data)
    factors = [a2 - T, a2 * (1 - a2), w2.data, a1 * (1 - a1), x]
    weight_grads, bias_grads = manual.backprop(model, [[x]], [T])
    assert weight_grads[0][0][0] == pytest.approx(math.prod(factors), rel=1e-14)
    assert bias_grads[0][0] == pytest.approx(math.prod(factors[:-1]), rel=1e-14)
    assert weight_grads[1][0][0] == pytest.approx((a2 - T) * a2 * (1 - a2) * a1, rel=1e-14)


def test_the_batch_gradient_is_the_mean_of_the_per_sample_gradients() -> None:
    model, (X, Y) = random_net(11, 3, 4, 6, "half_mse")
    whole = flat(manual.backprop(model, X, Y))
    each = [flat(manual.backprop(model, [x], [y])) for x, y in zip(X, Y)]
    assert_close(whole, [sum(column) / len(X) for column in zip(*each)])


# ---------------------------------------------------------------------------------------------
# the first seed's single neuron


finite = st.floats(-3.0, 3.0)


@settings(max_examples=100, deadline=None)
@given(w=st.lists(finite, min_size=1, max_size=4), b=finite, T=st.floats(0.0, 1.0),
       data=st.data())
def test_single_neuron_factors_are_the_closed_form(
    w: list[float], b: float, T: float, data: st.DataObject
) -> None:
    a_prev = data.draw(st.lists(finite, min_size=len(w), max_size=len(w)))
    walk = manual.single_neuron(w, b, a_prev, T)
    a = walk.a
    assert walk.dE_da == a - T
    assert walk.da_dz == a * (1 - a)
    assert walk.dz_dw == tuple(a_prev)
    assert walk.dz_db == 1.0
    for k, x in enumerate(a_prev):
        assert walk.dE_dw[k] == pytest.approx((a - T) * a * (1 - a) * x, rel=1e-15, abs=1e-300)
    assert walk.dE_db == pytest.approx((a - T) * a * (1 - a), rel=1e-15, abs=1e-300)

    weights = [Value(v) for v in w]
    bias = Value(b)
    z = bias
    for w_k, x in zip(weights, a_prev):
        z = z + w_k * x
    E = 0.5 * (z.sigmoid() - T) ** 2
    E.backward()
    # a is rounded to the nearest float, so a - T, 1 - a and a itself carry a relative error of
    # about eps divided by their size: near a = 1 or a = T, two correct orders of summation for z
    # can differ by more than 1e-12 relative. That much (times a few ulps) is allowed on top.
    margin = min(abs(a - T), a, 1 - a)
    rel = 1e-12 + (8 * sys.float_info.epsilon / margin if margin > 0 else math.inf)
    assert E.data == pytest.approx(walk.E, rel=rel, abs=1e-300)
    assert [v.grad for v in weights] == pytest.approx(list(walk.dE_dw), rel=rel, abs=1e-300)
    assert bias.grad == pytest.approx(walk.dE_db, rel=rel, abs=1e-300)


def test_single_neuron_rejects_mismatched_inputs() -> None:
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        manual.single_neuron([0.1, 0.2], 0.0, [1.0], 1.0)


# ---------------------------------------------------------------------------------------------
# the fourth seed's bce shortcut


@settings(max_examples=200, deadline=None)
@given(a=st.floats(1e-6, 1 - 1e-6), t=st.floats(0.0, 1.0), m=st.integers(1, 16))
def test_bce_shortcut_equals_the_general_formula(a: float, t: float, m: int) -> None:
    general = -(t / a - (1 - t) / (1 - a)) * a * (1 - a) / m
    assert get_loss("bce").slope([a], [t], m)[0] * a * (1 - a) == pytest.approx(general, rel=1e-12)
    assert (a - t) / m == pytest.approx(general, rel=1e-8, abs=1e-15)


def test_output_delta_uses_the_shortcut_for_a_sigmoid_and_the_general_product_otherwise() -> None:
    z = [0.3, -1.2]
    trace = manual.Trace(z=[[], z], a=[[0.5], [sigmoid(z[0]), sigmoid(z[1])]])
    shortcut = manual.output_delta("bce", ["sigmoid", "sigmoid"], trace, [1.0, 0.0], 4)
    a0, a1 = trace.a[1]
    assert shortcut == [(a0 - 1.0) / 4, a1 / 4]
    slope = get_loss("bce").slope
    general = [slope([a], [t], 4)[0] * a * (1 - a) for a, t in zip(trace.a[1], [1, 0])]
    assert shortcut == pytest.approx(general, rel=1e-14)


def test_bce_through_a_linear_output_uses_the_general_formula() -> None:
    model = MLP(2, [1], activation="linear", seed=0)
    model.layers[0].neurons[0].b.data = 0.3
    for w in model.layers[0].neurons[0].w:
        w.data = 0.1
    X, Y = [[0.5, -0.25], [1.0, 0.5]], [1.0, 0.0]
    want = flat(autograd_grads(model, X, Y, "bce"))
    assert_close(flat(manual.backprop(model, X, Y, "bce")), want)


def test_bce_outside_zero_one_is_an_error() -> None:
    model = MLP(1, [1], activation="linear", seed=0)
    model.layers[0].neurons[0].b.data = 1.5
    with pytest.raises(ValueError, match=r"prediction 1.5 is outside \[0, 1\]"):
        manual.backprop(model, [[0.0]], [1.0], "bce")


# ---------------------------------------------------------------------------------------------
# errors


def test_unknown_loss_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown loss 'softmax_mse'"):
        manual.backprop(MLP(1, [1], seed=0), [[0.0]], [1.0], "softmax_mse")


def test_shapes_are_checked() -> None:
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(ValueError, match="2 samples in X but 1 targets"):
        manual.backprop(model, [[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        manual.backprop(model, [[0.0, 1.0, 2.0]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="2 outputs but a target has 1"):
        manual.backprop(model, [[0.0, 1.0]], [1.0])
    with pytest.raises(ValueError, match="empty"):
        manual.backprop(model, [], [])


def test_docstring_example() -> None:
    result = doctest.testmod(manual)
    assert result.attempted > 0 and result.failed == 0
