"""to_torch and from_torch: the same network on both sides, and what cannot cross refused."""

# ruff: noqa: N803, N806

from __future__ import annotations

import random
import sys
from types import ModuleType

import pytest

from autograd import Value
from nn.activations import ACTIVATIONS
from nn.interop import TORCH_MODULES, from_torch, to_torch
from nn.layers import MLP
from nn.losses import half_mse


def _outputs(model: MLP, X: list[list[float]]) -> list[list[float]]:
    rows = []
    for x in X:
        out = model(x)
        rows.append([out.data] if isinstance(out, Value) else [v.data for v in out])
    return rows


def _batch(n: int, nin: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(n)]


def test_every_activation_has_a_torch_module() -> None:
    assert set(TORCH_MODULES) == set(ACTIVATIONS)


@pytest.mark.parametrize("output", sorted(ACTIVATIONS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_round_trip_gives_equal_outputs(torch: ModuleType, activation: str, output: str) -> None:
    model = MLP(3, [5, 4, 2], activation=activation, output_activation=output, seed=1)
    X = _batch(7, 3, seed=2)
    sequential = to_torch(model)
    assert all(p.dtype == torch.float64 for p in sequential.parameters())
    theirs = sequential(torch.tensor(X)).tolist()
    ours = _outputs(model, X)
    assert [a for row in theirs for a in row] == pytest.approx(
        [a for row in ours for a in row], rel=1e-13, abs=1e-15
    )
    back = from_torch(sequential)
    assert back.state_dict() == model.state_dict()
    assert (back.nin, back.nouts) == (3, [5, 4, 2])
    assert (back.activation, back.output_activation) == (activation, output)
    assert _outputs(back, X) == ours


def test_weights_cross_in_float64_whatever_torch_defaults_to(torch: ModuleType) -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=7)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)  # torch's own default, which the oracle fixture changes
    try:
        sequential = to_torch(model)
    finally:
        torch.set_default_dtype(default)
    assert from_torch(sequential).state_dict() == model.state_dict()  # not rounded to float32


def test_to_torch_lays_out_linear_then_activation(torch: ModuleType) -> None:
    sequential = to_torch(MLP(2, [3, 1], activation="relu", output_activation="linear", seed=0))
    assert [type(m).__name__ for m in sequential] == ["Linear", "ReLU", "Linear"]
    (out,) = sequential(torch.tensor([[0.5, -1.0]])).tolist()
    assert len(out) == 1  # a single output is a column of size 1; nn.MLP gives the Value itself


def test_a_torch_network_trains_on_from_the_same_gradients(torch: ModuleType) -> None:
    model = MLP(4, [6, 3], activation="tanh", output_activation="sigmoid", seed=3)
    X, Y = _batch(5, 4, seed=4), _batch(5, 3, seed=5)
    sequential = to_torch(model)
    half_mse([model(x) for x in X], Y).backward()
    (((sequential(torch.tensor(X)) - torch.tensor(Y)) ** 2).sum() / (2 * len(X))).backward()
    linears = [m for m in sequential if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears):
        ours = [w.grad for n in layer.neurons for w in n.w] + [n.b.grad for n in layer.neurons]
        theirs = linear.weight.grad.flatten().tolist() + linear.bias.grad.tolist()
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_from_torch_reads_torch_made_networks(torch: ModuleType) -> None:
    torch.manual_seed(0)
    sequential = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2, bias=False),
        torch.nn.Identity(),
    ).to(torch.float32)
    model = from_torch(sequential)
    assert (model.activation, model.output_activation) == ("sigmoid", "linear")
    assert [n.b.data for n in model.layers[1].neurons] == [0.0, 0.0]
    X = _batch(4, 3, seed=6)
    theirs = sequential.double()(torch.tensor(X)).tolist()
    assert [a for row in _outputs(model, X) for a in row] == pytest.approx(
        [a for row in theirs for a in row], rel=1e-13, abs=1e-15
    )


def _bad(torch: ModuleType, *modules: object) -> object:
    return torch.nn.Sequential(*modules)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: _bad(t, t.nn.Linear(2, 3), t.nn.Dropout(0.5), t.nn.Linear(3, 1)),
         r"module 1 \(Dropout\) is not a layer an nn.MLP has"),
        (lambda t: _bad(t, t.nn.Linear(2, 3), t.nn.Softmax(dim=1)),
         r"module 1 \(Softmax\) .* leave softmax out: train on the logits with cross_entropy"),
        (lambda t: _bad(t, t.nn.Tanh(), t.nn.Linear(2, 1)),
         r"module 0 \(Tanh\) must follow a Linear layer"),
        (lambda t: _bad(t, t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Sigmoid()),
         r"module 2 \(Sigmoid\) must follow a Linear layer, not another activation"),
        (lambda t: _bad(t, t.nn.Linear(2, 3), t.nn.Linear(4, 1)),
         r"module 1 \(Linear\) takes 4 inputs, but the layer before it has 3 outputs"),
        (lambda t: _bad(t, t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Linear(3, 3), t.nn.Tanh(),
                        t.nn.Linear(3, 1)),
         r"the hidden layers use different activations \(relu, tanh\)"),
        (lambda t: _bad(t), r"the Sequential has no Linear layer"),
        (lambda t: _bad(t, t.nn.Sequential(t.nn.Linear(2, 1))),
         r"module 0 \(Sequential\) is not a layer"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_be(
    torch: ModuleType, build: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        from_torch(build(torch))  # type: ignore[operator]


def test_from_torch_refuses_non_finite_weights_and_other_types(torch: ModuleType) -> None:
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="Linear layer 0 has a weight or bias that is not finite"):
        from_torch(torch.nn.Sequential(linear))
    with pytest.raises(TypeError, match=r"from_torch takes a torch\.nn\.Sequential, got Linear"):
        from_torch(linear)
    with pytest.raises(TypeError, match=r"to_torch takes an nn\.MLP, got str"):
        to_torch("MLP(2, [1])")  # type: ignore[arg-type]


def test_without_torch_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(ImportError, match="to_torch needs PyTorch: pip install torch"):
        to_torch(MLP(2, [1], seed=0))
    with pytest.raises(ImportError, match="from_torch needs PyTorch"):
        from_torch(object())
