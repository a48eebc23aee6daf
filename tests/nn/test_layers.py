"""Neuron, Layer, MLP: the forward pass against PyTorch, labels, seeds, shapes and bad input."""

# ruff: noqa: N806

from __future__ import annotations

import math
import random
from types import ModuleType

import pytest

from autograd import Value
from nn import MLP, Layer, Neuron
from nn.layers import init_limit
from nn.losses import half_mse
from tests.nn.oracle import torch_forward, torch_layers, torch_loss

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_pytorch(torch: ModuleType, activation: str) -> None:
    model = MLP(3, [5, 4, 2], activation=activation, output_activation="sigmoid", seed=1)
    X = [[0.5, -1.0, 2.0], [-0.3, 0.8, 0.1]]
    expected = torch_forward(torch, torch_layers(torch, model), torch.tensor(X)).tolist()
    for x, row in zip(X, expected):
        out = model(x)
        assert isinstance(out, list)
        assert [a.data for a in out] == pytest.approx(row, abs=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_of_a_batch_match_pytorch(torch: ModuleType, activation: str) -> None:
    model = MLP(3, [5, 4, 2], activation=activation, output_activation="sigmoid", seed=2)
    X = [[0.5, -1.0, 2.0], [-0.3, 0.8, 0.1], [1.5, 0.0, -0.7]]
    T = [[0.0, 1.0], [1.0, 1.0], [0.2, 0.9]]
    preds = [model(x) for x in X]
    half_mse(preds, T).backward()
    layers = torch_layers(torch, model)
    a = torch_forward(torch, layers, torch.tensor(X))
    torch_loss(torch, "half_mse", a, torch.tensor(T)).backward()
    for out, row in zip(preds, a.tolist()):
        assert isinstance(out, list)
        assert [v.data for v in out] == pytest.approx(row, abs=1e-14)
    for layer, (W, b, _) in zip(model.layers, layers):
        for j, neuron in enumerate(layer.neurons):
            assert [w.grad for w in neuron.w] == pytest.approx(W.grad[j].tolist(), abs=1e-14)
            assert neuron.b.grad == pytest.approx(b.grad[j].item(), abs=1e-14)


def test_a_replaced_bias_or_weight_is_what_every_call_and_list_sees() -> None:
    """micrograd's readers replace parameters by hand; nothing may keep the old ones."""
    model = MLP(2, [3, 1], activation="sigmoid", seed=0)
    neuron = model.layers[0].neurons[0]
    x = [0.5, -1.0]
    neuron.b = Value(5.0, "new bias")
    neuron.w[1] = Value(-2.0, "new weight")
    z = neuron.w[0].data * 0.5 + -2.0 * -1.0 + 5.0
    expected = 1 / (1 + math.exp(-z))
    assert neuron(x).data == pytest.approx(expected, abs=1e-15)
    assert model.layers[0](x)[0].data == pytest.approx(expected, abs=1e-15)
    hidden = [n(x).data for n in model.layers[0].neurons]
    out = model(x)
    assert isinstance(out, Value)
    assert out.data == model.layers[1].neurons[0](hidden).data
    parameters = model.parameters()
    assert any(p is neuron.b for p in parameters) and any(p is neuron.w[1] for p in parameters)
    assert model.state_dict()["L1.N0.b"] == 5.0 and model.state_dict()["L1.N0.w1"] == -2.0
    out.backward()
    assert neuron.b.grad != 0.0  # the new bias is in the graph, so an optimizer updates it


def test_a_neuron_is_the_seeds_formula() -> None:
    neuron = Neuron(2, "sigmoid", seed=0)
    w0, w1, b = neuron.w[0].data, neuron.w[1].data, neuron.b.data
    z = w0 * 0.5 + w1 * -2.0 + b
    a = neuron([0.5, -2.0])
    assert a.data == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-15)
    a.backward()  # dE/dw = a (1 - a) a_prev, with E = a
    assert neuron.w[1].grad == pytest.approx(a.data * (1 - a.data) * -2.0, abs=1e-15)
    assert neuron.b.grad == pytest.approx(a.data * (1 - a.data), abs=1e-15)


def test_weighted_sum_is_one_node_and_linear_adds_none() -> None:
    z = Neuron(4, "linear", seed=0)([Value(v) for v in (1.0, 2.0, 3.0, 4.0)])
    assert z.op == "weighted_sum" and len(z.parents) == 4 + 4 + 1
    a = Neuron(4, "tanh", seed=0)([Value(v) for v in (1.0, 2.0, 3.0, 4.0)])
    assert a.op == "tanh" and a.parents[0].op == "weighted_sum"


def test_parameters_have_readable_labels_and_structural_names() -> None:
    model = MLP(2, [3, 1], seed=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.N0.w0", "L1.N0.w1", "L1.N0.b"]
    assert labels[-1] == "L2.N0.b"
    assert len(labels) == (2 + 1) * 3 + (3 + 1) * 1
    assert [name for name, _ in model.named_parameters()] == labels
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w0", "w1", "b"]
    assert Layer(2, 2, seed=0).parameters()[3].label == "N1.w0"


def test_same_seed_same_network_different_seed_different_network() -> None:
    a = MLP(2, [4, 1], seed=7).state_dict()
    assert a == MLP(2, [4, 1], seed=7).state_dict()
    assert a != MLP(2, [4, 1], seed=8).state_dict()
    shared = random.Random(3)
    assert Neuron(3, seed=shared).state_dict() != Neuron(3, seed=shared).state_dict()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_initial_weights_are_uniform_within_the_limit(activation: str) -> None:
    r = init_limit(16, activation)
    assert r == pytest.approx(math.sqrt((6.0 if activation == "relu" else 3.0) / 16))
    weights = [w.data for n in Layer(16, 32, activation, seed=0).neurons for w in n.w]
    assert all(-r <= w <= r for w in weights)
    assert max(weights) > 0.9 * r and min(weights) < -0.9 * r
    assert all(n.b.data == 0.0 for n in Layer(16, 32, activation, seed=0).neurons)


def test_activations_are_resolved_names() -> None:
    model = MLP(2, [3, 3, 1], activation="relu", seed=0)
    assert model.activation == "relu" and model.output_activation == "relu"
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "sigmoid"]
    assert model.layers[2].neurons[0].activation == "sigmoid"


def test_single_neuron_layers_anywhere(torch: ModuleType) -> None:
    """micrograd's MLP breaks on a 1-neuron hidden layer; here a layer always returns a list."""
    model = MLP(2, [16, 1, 1], seed=0)
    out = model([0.3, -0.7])
    assert isinstance(out, Value)
    out.backward()
    layers = torch_layers(torch, model)
    expected = torch_forward(torch, layers, torch.tensor([[0.3, -0.7]]))
    expected.sum().backward()
    assert out.data == pytest.approx(expected.item(), abs=1e-14)
    assert model.layers[0].neurons[5].w[1].grad == pytest.approx(
        layers[0][0].grad[5][1].item(), abs=1e-14
    )
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), list)


def test_zero_grad_and_parameters_list_is_a_copy() -> None:
    model = MLP(2, [2, 1], seed=0)
    model([1.0, 1.0]).backward()  # type: ignore[union-attr]
    assert any(p.grad != 0.0 for p in model.parameters())
    model.parameters().clear()
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert len(model.parameters()) == 9


def test_wrong_input_length_names_both_sizes() -> None:
    with pytest.raises(ValueError, match="MLP expects 2 inputs per sample, got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer expects 4 inputs per sample, got 1"):
        Layer(4, 2, seed=0)([1.0])
    with pytest.raises(ValueError, match="Neuron expects 3 inputs per sample, got 2"):
        Neuron(3, seed=0)([1.0, 2.0])
    with pytest.raises(TypeError, match="list of 2 inputs"):
        MLP(2, [1], seed=0)(1.0)  # type: ignore[arg-type]


def test_sizes_below_one_and_unknown_activations() -> None:
    with pytest.raises(ValueError, match="nin must be at least 1, got 0"):
        MLP(0, [3, 1])
    with pytest.raises(ValueError, match=r"layer 2 size \(nouts=\[16, 0, 1\]\) must be at least 1"):
        MLP(2, [16, 0, 1])
    with pytest.raises(ValueError, match="at least one layer size"):
        MLP(2, [])
    with pytest.raises(ValueError, match="nout must be at least 1, got -1"):
        Layer(2, -1)
    with pytest.raises(ValueError, match="nin must be at least 1, got 0"):
        Neuron(0)
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        MLP(2, [1], activation="softmax")
    with pytest.raises(ValueError, match="unknown activation 'Tanh'"):
        MLP(2, [1], output_activation="Tanh")
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        Neuron(2, "gelu")
    with pytest.raises(TypeError, match="list of layer sizes"):
        MLP(2, 16)  # type: ignore[arg-type]


def test_repr_shows_the_architecture() -> None:
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid")
    assert repr(model) == (
        "MLP(2, [16, 16, 1], activation='tanh', output_activation='sigmoid')"
    )
    assert model.architecture()["nouts"] == [16, 16, 1]
