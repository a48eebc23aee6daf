"""The explain view: the products along every chain-rule path sum to the gradient."""

# X, Y and l are the notation of DESIGN.md and the seeds.
# ruff: noqa: N806, E741

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, sigmoid
from nn.explain import ParamRef, chain_paths, explain, find_param, parse_param, path_count
from nn.layers import MLP
from nn.losses import LOSSES


def small_net(
    seed: int, sizes: list[int], m: int
) -> tuple[MLP, list[list[float]], list[list[float]]]:
    """An MLP of layer sizes sizes[1:] on sizes[0] inputs, and m samples with targets in [0, 1]."""
    rng = random.Random(seed)
    model = MLP(sizes[0], sizes[1:], seed=seed)
    X = [[rng.uniform(-1.0, 1.0) for _ in range(sizes[0])] for _ in range(m)]
    Y = [[rng.random() for _ in range(sizes[-1])] for _ in range(m)]
    return model, X, Y


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    sizes=st.lists(st.integers(1, 3), min_size=2, max_size=5),
    m=st.integers(1, 3),
    loss=st.sampled_from(list(LOSSES)),
    data=st.data(),
)
def test_sum_over_paths_equals_manual_and_autograd(
    seed: int, sizes: list[int], m: int, loss: str, data: st.DataObject
) -> None:
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)  # one logit per class
    model, X, Y = small_net(seed, sizes, m)
    if loss == "bce":
        Y = [[float(round(t)) for t in y] for y in Y]
    if loss == "hinge":
        Y = [[1.0 if t > 0.5 else -1.0 for t in y] for y in Y]
    targets: list[list[float] | float] = list(Y)
    if loss == "cross_entropy":  # the true class, as an index or as a one-hot list
        classes = [max(range(len(y)), key=y.__getitem__) for y in Y]
        targets = [[float(k == c) for k in range(sizes[-1])] if seed % 2 else float(c)
                   for c in classes]
    l = data.draw(st.integers(1, len(sizes) - 1))
    j = data.draw(st.integers(0, sizes[l] - 1))
    k = data.draw(st.none() | st.integers(0, sizes[l - 1] - 1))
    view = explain(model, X, targets, (l, j, k), loss)
    assert view.path_count == m * math.prod(sizes[l + 1 :])
    assert view.path_sum is not None
    assert view.path_sum == pytest.approx(view.autograd, rel=1e-9, abs=1e-15)
    assert view.manual == pytest.approx(view.autograd, rel=1e-9, abs=1e-15)
    assert view.agrees()


def test_a_path_is_written_as_the_seeds_write_it() -> None:
    model, X, Y = small_net(1, [2, 2, 1], 1)
    path = next(chain_paths(model, X, Y, ParamRef(1, 1, 0)))
    names = " * ".join(f.name for f in path.factors)
    assert names == "dC/da2[0] * da2[0]/dz2[0] * dz2[0]/da1[1] * da1[1]/dz1[1] * dz1[1]/dW1[1][0]"

    w1 = model.layers[0].neurons[1]
    w2 = model.layers[1].neurons[0]
    a1 = sigmoid(w1.w[0].data * X[0][0] + w1.w[1].data * X[0][1] + w1.b.data)
    a2 = sigmoid(w2.w[0].data * sigmoid(
        sum(w.data * x for w, x in zip(model.layers[0].neurons[0].w, X[0]))
        + model.layers[0].neurons[0].b.data) + w2.w[1].data * a1 + w2.b.data)
    want = [a2 - Y[0][0], a2 * (1 - a2), w2.w[1].data, a1 * (1 - a1), X[0][0]]
    assert [f.value for f in path.factors] == pytest.approx(want, rel=1e-14)


def test_paths_fan_out_over_every_later_neuron_and_every_sample() -> None:
    model, X, Y = small_net(2, [2, 3, 4, 2], 3)
    paths = list(chain_paths(model, X, Y, ParamRef(1, 0)))
    assert len(paths) == path_count(model, ParamRef(1, 0), 3) == 3 * 4 * 2
    assert sorted({p.sample for p in paths}) == [0, 1, 2]
    assert paths[0].factors[-1].name == "dz1[0]/db1[0]"
    assert paths[0].factors[-1].value == 1.0


def test_too_many_paths_are_shown_in_part_and_not_summed() -> None:
    model, X, Y = small_net(3, [2, 4, 4, 4, 1], 2)
    view = explain(model, X, Y, "W1[0][0]", max_paths=5, sum_limit=10)
    assert view.path_count == 32
    assert len(view.paths) == 5
    assert view.path_sum is None
    assert view.agrees()
    text = view.render()
    assert "27 more path(s) not shown" in text
    assert "not listed" in text


def test_render_shows_factors_values_and_the_three_sums() -> None:
    model, X, Y = small_net(4, [1, 1, 1], 1)
    text = explain(model, X, Y, "b1[0]").render()
    assert "dC/da2[0] * da2[0]/dz2[0] * dz2[0]/da1[0] * da1[0]/dz1[0] * dz1[0]/db1[0]" in text
    assert "sum over paths:" in text
    assert "nn.manual (deltas):" in text
    assert "autograd param.grad:" in text
    assert "agree: all three match" in text


def test_bce_view_mentions_the_shortcut() -> None:
    model, X, _ = small_net(5, [2, 2, 1], 2)
    text = explain(model, X, [1.0, 0.0], "W2[0][1]", loss="bce").render()
    assert "the first factor is dC/dz2[j] = (a2[j] - t[j])/m" in text


@pytest.mark.parametrize("bias", [0.0, 40.0])
def test_bce_paths_go_from_c_to_z_their_first_factor_a_minus_t_over_m(bias: float) -> None:
    """bce reads a sigmoid's output from z: the graph has no edge C <- a, so no path has a
    factor da/dz; dC/dz = (a - t)/m, even for an output saturated at 1.0 (bias 40)."""
    model, X, _ = small_net(1, [2, 2, 1], 2)
    model.layers[1].neurons[0].b.data = bias
    Y = [[0.0], [1.0]]
    paths = list(chain_paths(model, X, Y, ParamRef(1, 1, 0), "bce"))
    names = " * ".join(f.name for f in paths[0].factors)
    assert names == "dC/dz2[0] * dz2[0]/da1[1] * da1[1]/dz1[1] * dz1[1]/dW1[1][0]"
    for path, x, y in zip(paths, X, Y):
        a = model(x)
        assert isinstance(a, Value)
        assert path.factors[0].value == pytest.approx((a.data - y[0]) / 2, abs=1e-12)
    if bias:
        assert paths[0].factors[0].value == pytest.approx(0.5, abs=1e-15)  # a = 1.0, t = 0
    assert explain(model, X, Y, "W1[1][0]", "bce").agrees()


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("W2[0][1]", ParamRef(2, 0, 1)),
        ("w1[3][0]", ParamRef(1, 3, 0)),
        ("b2[1]", ParamRef(2, 1)),
        (" B1[0] ", ParamRef(1, 0)),
        ("W2[0]", None),
        ("b2[0][1]", None),
        ("L1.N0.w0", None),
    ],
)
def test_parse_param(text: str, ref: ParamRef | None) -> None:
    assert parse_param(text) == ref


def test_find_param_by_place_label_or_value() -> None:
    model = MLP(2, [3, 1], seed=0)
    weight = model.layers[1].neurons[0].w[2]
    for which in ("W2[0][2]", (2, 0, 2), ParamRef(2, 0, 2), weight.label, weight):
        assert find_param(model, which) == (ParamRef(2, 0, 2), weight)
    assert find_param(model, "b1[2]")[1] is model.layers[0].neurons[2].b
    with pytest.raises(ValueError, match="no parameter W3"):
        find_param(model, "W3[0][0]")
    with pytest.raises(ValueError, match="no parameter 'nonsense'"):
        find_param(model, "nonsense")


def test_a_linear_neuron_keeps_its_factor_of_one() -> None:
    model = MLP(2, [2, 1], activation="tanh", output_activation="linear", seed=6)
    X, Y = [[0.3, -0.7]], [[0.5]]
    path = next(chain_paths(model, X, Y, ParamRef(1, 0, 1)))
    names = [f.name for f in path.factors]
    assert names[:2] == ["dC/da2[0]", "da2[0]/dz2[0]"] and path.factors[1].value == 1.0
    a2 = model([0.3, -0.7])
    assert isinstance(a2, Value) and path.factors[0].value == pytest.approx(a2.data - 0.5)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_paths_of_a_network_with_several_outputs_go_neuron_by_neuron(loss: str) -> None:
    output = {"cross_entropy": "linear", "hinge": "tanh"}.get(loss, "sigmoid")
    model = MLP(2, [2, 3], output_activation=output, seed=7)
    X = [[0.4, -0.9], [-0.2, 0.6]]
    Y = {"bce": [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], "hinge": [[1.0, -1.0, -1.0], [-1.0, 1.0, 1.0]],
         "cross_entropy": [2, 1]}.get(loss, [[0.1, 0.9, 0.5], [0.3, 0.2, 0.8]])
    paths = list(chain_paths(model, X, Y, ParamRef(1, 1, 0), loss))
    firsts = [(p.sample, p.factors[0].name) for p in paths]
    node = "z" if loss == "bce" else "a"  # bce reads a sigmoid's z, not its a
    assert firsts == [(i, f"dC/d{node}2[{j}]") for i in range(2) for j in range(3)]
    view = explain(model, X, Y, "W1[1][0]", loss)
    assert view.path_count == 6 and view.agrees()


def test_softmax_with_cross_entropy_starts_every_path_with_p_minus_y_over_m() -> None:
    model = MLP(3, [4, 3], activation="tanh", output_activation="linear", seed=8)
    X, classes = [[0.5, -1.0, 0.25], [1.5, 0.0, -0.5]], [0, 2]
    first = {(p.sample, p.factors[0].name): p.factors[0].value
             for p in chain_paths(model, X, classes, ParamRef(1, 0, 2), "cross_entropy")}
    for i, (x, c) in enumerate(zip(X, classes)):
        z = model(x)
        assert isinstance(z, list)
        total = sum(math.exp(z_j.data) for z_j in z)
        for j, z_j in enumerate(z):
            p_j = math.exp(z_j.data) / total  # softmax written out: the logits here are small
            assert first[(i, f"dC/da2[{j}]")] == pytest.approx((p_j - (j == c)) / 2, rel=1e-12)
    text = explain(model, X, classes, "W1[0][2]", "cross_entropy").render()
    assert "dC/dz2[j] = (softmax(z2)[j] - y[j])/m" in text
    assert "agree: all three match" in text


def test_class_indices_and_one_hot_targets_explain_the_same_gradient() -> None:
    model = MLP(2, [3, 4], output_activation="linear", seed=9)
    X = [[0.3, 0.8], [-0.6, 0.1], [0.9, -0.4]]
    by_index = explain(model, X, [3, 0, 1], "b1[2]", "cross_entropy")
    one_hot = [[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
    by_list = explain(model, X, one_hot, "b1[2]", "cross_entropy")
    assert by_index.path_sum == by_list.path_sum
    assert by_index.autograd == pytest.approx(by_list.autograd, rel=1e-15)
    assert by_index.agrees() and by_index.path_sum != 0.0


def test_a_loss_that_cannot_score_the_outputs_is_refused_before_any_path() -> None:
    one_output = MLP(2, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(ValueError, match="cross_entropy needs one output per class, at least 2"):
        explain(one_output, [[0.0, 1.0]], [0], "W1[0][0]", "cross_entropy")
    tanh_outputs = MLP(2, [2, 3], output_activation="tanh", seed=0)
    with pytest.raises(ValueError, match="bce needs sigmoid outputs, not 'tanh'"):
        explain(tanh_outputs, [[0.0, 1.0]], [[1.0, 0.0, 1.0]], "W1[0][0]", "bce")
