"""nn.compile_step: the same effect as nn.train_step on the model and the optimizer, step by step.

Two copies of a model, one trained by `train_step`, the other by a compiled step, must hold the
same parameters, gradients and optimizer state after every step. The reference is the engine.
"""

# X names a batch of samples, as in scikit-learn.
# ruff: noqa: N803, N806

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograd import TraceError, Value
from autograd import sum as vsum
from nn import MLP, SGD, Adam, Layer, Module, Neuron, Optimizer, compile_step, train_step
from nn.activations import ACTIVATIONS
from nn.losses import LOSSES, half_mse, hinge
from nn.manual import backprop
from tests.interrupt import Tripwire

Batch = tuple[list[list[float]], list[Any]]


def batch(loss: str, m: int, k: int, seed: int = 0) -> Batch:
    """m samples of 3 inputs, with targets the loss accepts (k outputs)."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1.0, 1.0) for _ in range(3)] for _ in range(m)]

    def target() -> float:
        if loss == "hinge":
            return rng.choice([-1.0, 1.0])
        if loss == "bce":
            return rng.choice([0.0, 1.0])
        return rng.uniform(-1.0, 1.0)

    if loss == "cross_entropy":
        return X, [rng.randrange(k) for _ in range(m)]
    return X, [target() if k == 1 else [target() for _ in range(k)] for _ in range(m)]


def twins(activation: str, output: str | None, k: int, make: Callable[[list[Value]], Optimizer]
          ) -> tuple[MLP, Optimizer, MLP, Optimizer]:
    a = MLP(3, [4, k], activation=activation, output_activation=output, seed=2)
    b = MLP(3, [4, k], activation=activation, output_activation=output, seed=2)
    return a, make(a.parameters()), b, make(b.parameters())


def state(model: Module, optimizer: Optimizer) -> list[float]:
    """Every number a step changes: parameters, their gradients, the optimizer's state."""
    numbers = [x for p in model.parameters() for x in (p.data, p.grad)]
    for name, value in sorted(vars(optimizer).items()):
        if name != "params":
            numbers += value if isinstance(value, list) else [value] if isinstance(
                value, (int, float)) else list(value)
    return numbers


def flat(result: tuple[list[Any], float]) -> list[float]:
    """A step's (outputs, loss) as one list of numbers."""
    outputs, cost = result
    return [x for o in outputs for x in (o if isinstance(o, list) else [o])] + [cost]


def assert_same(a: list[float], b: list[float], rel: float = 1e-12) -> None:
    assert len(a) == len(b)
    scale = max(1.0, *map(abs, a))
    worst = max(abs(x - y) for x, y in zip(a, b))
    assert worst <= rel * scale, worst


OPTIMIZERS: dict[str, Callable[[list[Value]], Optimizer]] = {
    "sgd": lambda ps: SGD(ps, lr=0.05, momentum=0.9),
    "adam": lambda ps: Adam(ps, lr=0.01),
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_twenty_compiled_steps_equal_twenty_train_steps(loss: str, activation: str,
                                                        optimizer: str) -> None:
    k = 3 if loss == "cross_entropy" else 2
    output = {"bce": "sigmoid", "cross_entropy": "linear", "hinge": "tanh"}.get(loss)
    eager, opt_eager, compiled, opt_compiled = twins(activation, output, k, OPTIMIZERS[optimizer])
    step = compile_step(compiled, loss, opt_compiled)
    # The code does the engine's arithmetic in the engine's order, so the numbers are the same to
    # the last bit (bce too: the code's loss starts from sigmoid(z), as train_step's does).
    # cross_entropy's loss runs in the engine, on leaves standing for the outputs: a sum of
    # several terms reaches each output there in another order than in train_step's single
    # graph, which moves the last bit now and then.
    rel = 1e-12 if loss == "cross_entropy" else 0.0
    for i in range(20):
        X, y = batch(loss, 5, k, seed=i)
        assert_same(flat(step(X, y)), flat(train_step(eager, loss, opt_eager, X, y)), rel)
        assert_same(state(eager, opt_eager), state(compiled, opt_compiled), rel)
    assert step.traces == 1
    # cross_entropy's graph depends on the numbers: it runs in the engine (see nn.compiled.loss).
    assert step.compiled_loss == (loss != "cross_entropy")


def test_the_source_reads_as_backprop_by_hand() -> None:
    model = MLP(2, [2, 1], seed=0)
    step = compile_step(model, "half_mse", SGD(model.parameters(), lr=0.1))
    step([[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0])
    lines = [line.strip() for line in step.source.splitlines()]
    assert "z1_0 = b1_0 + W1_0_0 * a0_0 + W1_0_1 * a0_1" in lines  # z = W a_prev + b
    assert "a1_0 = sigmoid(z1_0)" in lines
    assert "dC_dz2_0 += a2_0 * (1.0 - a2_0) * dC_da2_0" in lines  # delta = dC/da sigma'(z)
    assert "dC_dW2_0_1 += a1_1 * dC_dz2_0" in lines  # dC/dW[j][k] = delta[j] a_prev[k]
    assert "dC_db2_0 += dC_dz2_0" in lines  # dC/db = delta
    assert "dC_da1_1 += W2_0_1 * dC_dz2_0" in lines  # W^T delta, one layer back
    assert any(line.startswith("# layer 2: delta2 = dC/dz2") for line in lines)
    assert sum(line.startswith("for ") for line in lines) == 2  # one sample's code, looped
    assert len(lines) < 120


def test_the_bce_source_computes_a_and_takes_delta_straight_from_the_loss() -> None:
    model = MLP(2, [2, 1], seed=0)
    step = compile_step(model, "bce", SGD(model.parameters(), lr=0.1))
    step([[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0])
    lines = [line.strip() for line in step.source.splitlines()]
    assert "a2_0 = sigmoid(z2_0)" in lines  # the output, right after its z
    assert lines[lines.index("a2_0 = sigmoid(z2_0)") - 1].startswith("z2_0 = b2_0 + ")
    assert any(line.endswith(" = log_sigmoid(z2_0)") for line in lines)  # ln a = ln σ(z)
    assert any(line.endswith(" = -z2_0") for line in lines)  # ln(1 - a) = ln σ(-z)
    assert any(line.startswith("dC_dz2_0 += sigmoid(-z2_0) * dC_dv") for line in lines)
    assert any(line.startswith("# layer 2: delta2 = dC/dz2, straight from the loss")
               for line in lines)
    assert "dC_da2_0" not in step.source  # the loss never reads a2
    assert "dC_dz1_0 += a1_0 * (1.0 - a1_0) * dC_da1_0" in lines  # the hidden layer as before


def test_labels_never_enter_the_source() -> None:
    model = MLP(2, [2, 1], seed=0)
    for i, p in enumerate(model.parameters()):
        p.label = f'w{i}"; import os\n#{{x}}'
    step = compile_step(model, "mse", SGD(model.parameters(), lr=0.1))
    step([[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0])
    assert "import" not in step.source and "#{" not in step.source and 'w0"' not in step.source


def test_the_batch_size_a_reshaped_model_or_a_replaced_weight_writes_the_code_again() -> None:
    eager, opt_eager, compiled, opt_compiled = twins("tanh", None, 1, OPTIMIZERS["adam"])
    step = compile_step(compiled, "mse", opt_compiled)
    X, y = batch("mse", 6, 1)

    def both(X: list[list[float]], y: list[Any]) -> None:
        train_step(eager, "mse", opt_eager, X, y)
        step(X, y)
        assert_same(state(eager, opt_eager), state(compiled, opt_compiled))

    both(X, y)
    both(X[:4], y[:4])  # the last, smaller batch of an epoch
    both(X, y)
    assert step.traces == 2  # each size's code is kept
    for model in (eager, compiled):  # a replaced bias: parameters() sees it, the optimizer not
        model.layers[0].neurons[1].b = Value(0.5)
    both(X, y)
    assert compiled.layers[0].neurons[1].b.grad != 0.0
    for model in (eager, compiled):
        model.layers[1].neurons[0].activation = "sigmoid"
    both(X, y)
    for model in (eager, compiled):  # a new neuron: new parameters, which the optimizer lacks
        model.layers[0].neurons[0] = Neuron(3, "relu", seed=7, name="L1.N0")
    both(X, y)
    assert step.traces == 5


def test_parameters_are_read_from_the_model_on_every_call() -> None:
    eager, opt_eager, compiled, opt_compiled = twins("relu", None, 1, OPTIMIZERS["sgd"])
    step = compile_step(compiled, "half_mse", opt_compiled)
    X, y = batch("half_mse", 4, 1)
    step(X, y)
    train_step(eager, "half_mse", opt_eager, X, y)
    for model in (eager, compiled):
        model.load_state_dict({name: 0.1 * i for i, name in enumerate(model.state_dict())})
    assert step(X, y) == train_step(eager, "half_mse", opt_eager, X, y)
    assert_same(state(eager, opt_eager), state(compiled, opt_compiled))
    assert step.traces == 1


def test_a_loss_with_a_penalty_on_the_weights_is_compiled() -> None:
    """micrograd's demo loss: hinge plus an L2 penalty, the weights read inside the loss."""
    models = [MLP(3, [4, 4, 1], activation="relu", output_activation="linear", seed=3)
              for _ in range(2)]
    params = [m.parameters() for m in models]
    losses = [lambda s, y, ps=ps: hinge(s, y) + 1e-2 * vsum([p * p for p in ps])
              for ps in params]
    optimizers = [SGD(ps, lr=0.1) for ps in params]
    step = compile_step(models[1], losses[1], optimizers[1])
    for i in range(10):
        X, y = batch("hinge", 8, 1, seed=i)
        expected = train_step(models[0], losses[0], optimizers[0], X, y)
        assert_same(flat(step(X, y)), flat(expected))
        assert_same(state(models[0], optimizers[0]), state(models[1], optimizers[1]))
    assert step.compiled_loss


def test_saturated_sigmoid_outputs_pass_their_bce_gradient_as_in_the_engine() -> None:
    """Outputs of exactly 1.0 (z about 40): bce reads them from z, so they still learn."""
    eager, opt_eager, compiled, opt_compiled = twins("tanh", "sigmoid", 1, OPTIMIZERS["sgd"])
    for model in (eager, compiled):
        model.layers[1].neurons[0].b = Value(40.0)
    X, y = [[0.5, -0.5, 1.0], [1.0, 0.0, -1.0], [0.0, 0.5, 0.5], [-1.0, 1.0, 0.0]], [0.0, 1.0] * 2
    step = compile_step(compiled, "bce", opt_compiled)
    result = step(X, y)
    assert result[0] == [1.0] * 4 and step.compiled_loss
    assert result == train_step(eager, "bce", opt_eager, X, y)
    assert_same(state(eager, opt_eager), state(compiled, opt_compiled), 0.0)
    # dC/db2 = Σ (a - t)/m = (1 - 0 + 1 - 1 + 1 - 0 + 1 - 1)/4, each a = σ(z) within 1e-16 of 1
    assert compiled.layers[1].neurons[0].b.grad == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize(("z", "t"), [(30.0, 0.0), (-40.0, 1.0)])
def test_a_confidently_wrong_output_gets_a_minus_t_over_m_in_code_engine_and_by_hand(
        z: float, t: float) -> None:
    """One sigmoid neuron with w = 0 and b = z: every sample's z is 30 (or -40), its target the
    other end. A clamp of a at 1e-12 would make dC/dz 0; it is (a - t)/m, about ±1/2."""
    models = [MLP(1, [1], seed=0) for _ in range(3)]
    for model in models:
        neuron = model.layers[0].neurons[0]
        neuron.w[0].data, neuron.b.data = 0.0, z
    X, y = [[1.0], [2.0]], [t, t]
    delta = (1.0 / (1.0 + math.exp(-z)) - t) / 2  # dC/dz of each sample
    expected = [delta * 1.0 + delta * 2.0, delta + delta]  # dC/dw = Σ delta x, dC/db = Σ delta
    step = compile_step(models[0], "bce", SGD(models[0].parameters(), lr=0.1))
    step(X, y)
    assert step.compiled_loss
    train_step(models[1], "bce", SGD(models[1].parameters(), lr=0.1), X, y)
    weight_grads, bias_grads = backprop(models[2], X, [[t], [t]], loss="bce")
    for grads in ([p.grad for p in models[0].parameters()],  # the compiled step
                  [p.grad for p in models[1].parameters()],  # the engine
                  [weight_grads[0][0][0], bias_grads[0][0]]):  # the four equations
        assert grads == pytest.approx(expected, abs=1e-12)
    assert abs(delta) > 0.49


@pytest.mark.parametrize("k", [1, 2])
def test_bce_steps_of_every_batch_size_equal_train_steps(k: int) -> None:
    """A batch of one runs the loss in the engine, from z through the sigmoid, as train_step."""
    eager, opt_eager, compiled, opt_compiled = twins("relu", "sigmoid", k, OPTIMIZERS["adam"])
    step = compile_step(compiled, "bce", opt_compiled)
    for i, m in enumerate([5, 1, 2, 1, 5]):
        X, y = batch("bce", m, k, seed=i)
        assert_same(flat(step(X, y)), flat(train_step(eager, "bce", opt_eager, X, y)), 0.0)
        assert_same(state(eager, opt_eager), state(compiled, opt_compiled), 0.0)
        assert step.compiled_loss == (m > 1)
    assert step.traces == 3


def test_a_loss_that_is_not_finite_raises_before_anything_changes() -> None:
    model = MLP(3, [4, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.5)
    step = compile_step(model, "mse", optimizer)
    X, y = batch("mse", 4, 1)
    step(X, y)
    before = state(model, optimizer)
    with pytest.raises(FloatingPointError, match="the loss is nan; no parameter was updated"):
        step(X, [math.nan, *y[1:]])
    with pytest.raises(FloatingPointError, match="the loss is inf"):
        step(X, [1e200, *y[1:]])
    assert state(model, optimizer) == before


def test_bad_targets_raise_the_loss_error_as_train_step_does() -> None:
    model = MLP(3, [4, 1], activation="tanh", seed=0)
    step = compile_step(model, "hinge", SGD(model.parameters(), lr=0.1))
    X, _ = batch("hinge", 4, 1)
    step(X, [1.0, -1.0, 1.0, -1.0])
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"hinge: target 0.0 \(sample 1\) must be -1 or \+1"):
        step(X, [1.0, 0.0, 1.0, -1.0])
    assert model.state_dict() == before


def test_inside_no_grad_the_step_is_train_steps() -> None:
    from autograd import no_grad

    eager, opt_eager, compiled, opt_compiled = twins("tanh", None, 1, OPTIMIZERS["sgd"])
    step = compile_step(compiled, "mse", opt_compiled)
    X, y = batch("mse", 4, 1)
    for _ in range(2):  # once before any code is written, once after
        with no_grad():
            assert_same(flat(step(X, y)), flat(train_step(eager, "mse", opt_eager, X, y)), 0.0)
        step(X, y)
        train_step(eager, "mse", opt_eager, X, y)
    assert_same(state(eager, opt_eager), state(compiled, opt_compiled), 0.0)


def test_errors_inside_the_code_are_the_engine_errors() -> None:
    model = MLP(3, [4, 1], seed=0)
    step = compile_step(model, "mse", SGD(model.parameters(), lr=0.1))
    X, y = batch("mse", 4, 1)
    step(X, y)
    with pytest.raises(ValueError, match="MLP expects 3 inputs per sample, got 2"):
        step([[1.0, 2.0], *X[1:]], y)
    with pytest.raises(ValueError, match="mse: 4 predictions but 3 targets"):
        step(X, y[:3])
    with pytest.raises(ValueError, match="mse: no samples"):
        step([], [])


def test_ctrl_c_leaves_the_step_whole(ctrl_c_raises: None) -> None:
    eager, opt_eager, compiled, opt_compiled = twins("tanh", None, 1, OPTIMIZERS["adam"])
    neuron = compiled.layers[0].neurons[2]
    neuron.b = Tripwire(neuron.b.data)
    opt_compiled = Adam(compiled.parameters(), lr=0.01)
    step = compile_step(compiled, "mse", opt_compiled)
    X, y = batch("mse", 4, 1)
    train_step(eager, "mse", opt_eager, X, y)
    Tripwire.armed = True
    with pytest.raises(KeyboardInterrupt):
        step(X, y)  # interrupted while the optimizer writes: the step still finishes
    assert_same(state(eager, opt_eager), state(compiled, opt_compiled))


def test_layers_neurons_and_other_modules_compile_too() -> None:
    class Scaled(Module):
        """Not a network of neurons: y = s * tanh(w x)."""

        def __init__(self) -> None:
            self.w, self.s = Value(0.3), Value(2.0)

        def __call__(self, x: Any) -> Value:
            return self.s * (self.w * x[0]).tanh()

        def named_parameters(self) -> list[tuple[str, Value]]:
            return [("w", self.w), ("s", self.s)]

    for make in (lambda: Layer(3, 2, seed=1), lambda: Neuron(3, "relu", seed=1), Scaled):
        eager, compiled = make(), make()
        opts = [SGD(m.parameters(), lr=0.1, momentum=0.5) for m in (eager, compiled)]
        step = compile_step(compiled, half_mse, opts[1])
        k = 2 if isinstance(eager, Layer) else 1
        for i in range(5):
            X, y = batch("half_mse", 4, k, seed=i)
            assert_same(flat(step(X, y)), flat(train_step(eager, half_mse, opts[0], X, y)))
            assert_same(state(eager, opts[0]), state(compiled, opts[1]))


def test_any_module_whose_outputs_are_sigmoids_gives_bce_their_logits() -> None:
    """Not a network: two outputs, sigmoid(u) and sigmoid(2u), u = p x0 q + c read twice."""

    class TwoSigmoids(Module):
        def __init__(self) -> None:
            self.p, self.q, self.c = Value(0.3), Value(-1.5), Value(0.2)

        def __call__(self, x: Any) -> list[Value]:
            u = self.p * x[0] * self.q + self.c
            return [u.sigmoid(), (u * 2.0).sigmoid()]

        def named_parameters(self) -> list[tuple[str, Value]]:
            return [("p", self.p), ("q", self.q), ("c", self.c)]

    eager, compiled = TwoSigmoids(), TwoSigmoids()
    opts = [SGD(m.parameters(), lr=0.3) for m in (eager, compiled)]
    step = compile_step(compiled, "bce", opts[1])
    for i in range(5):
        X, y = batch("bce", 4, 2, seed=i)
        X = [[10.0 * x for x in row] for row in X]  # outputs near 0 and 1 as well
        assert_same(flat(step(X, y)), flat(train_step(eager, "bce", opts[0], X, y)), 0.0)
        assert_same(state(eager, opts[0]), state(compiled, opts[1]), 0.0)
    assert step.compiled_loss and "log_sigmoid(" in step.source


def test_a_model_that_branches_on_the_data_is_refused() -> None:
    class Branchy(Module):
        def __init__(self) -> None:
            self.w = Value(0.5)

        def __call__(self, x: Any) -> Value:
            return self.w * x[0] if x[0].data > 0 else self.w * self.w * x[0]

        def named_parameters(self) -> list[tuple[str, Value]]:
            return [("w", self.w)]

    model = Branchy()
    step = compile_step(model, "mse", SGD(model.parameters(), lr=0.1))
    with pytest.raises(TraceError, match="different graph for another sample"):
        step([[1.0], [2.0]], [0.0, 1.0])


def test_fit_with_compile_trains_exactly_as_fit() -> None:
    from nn import fit
    from nn.data import make_moons

    X, y = make_moons(50, noise=0.1, seed=0)
    histories, models = [], []
    for compile in (False, True):
        model = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
        # batches of 20, 20 and 10: two batch sizes, each with its code
        histories.append(fit(model, X, y, loss="half_mse", optimizer=Adam(model.parameters(),
                                                                            lr=0.05),
                             epochs=8, batch_size=20, progress=False, compile=compile))
        models.append(model)
    assert_same(histories[1].train_loss, histories[0].train_loss)
    assert histories[1].train_metric == histories[0].train_metric
    assert_same(list(models[1].state_dict().values()), list(models[0].state_dict().values()))


@pytest.mark.parametrize(("loss", "bad_x", "bad_y", "found"), [
    ("mse", 3.0, math.inf, "inf"),  # a target of inf
    ("bce", math.nan, 0.0, "nan"),  # a NaN logit, read by bce from z
], ids=["mse-inf-target", "bce-nan-logit"])
def test_fit_with_compile_stops_at_a_non_finite_loss_as_fit_does(
    loss: str, bad_x: float, bad_y: float, found: str
) -> None:
    from nn import fit

    X, y = [[0.5], [1.0], [2.0], [bad_x], [1.5], [0.0]], [0.0, 1.0, 1.0, bad_y, 1.0, 0.0]
    messages, states = [], []
    for compile in (False, True):
        model = MLP(1, [2, 1], seed=0)
        with pytest.raises(FloatingPointError, match=rf"fit: epoch 1, step \d: the loss is {found}"
                           ) as error:
            fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
                batch_size=2, progress=False, compile=compile)
        messages.append(str(error.value))
        states.append(model.state_dict())
    assert messages[0] == messages[1] and states[0] == states[1]


def test_chainrule_train_compile_trains_the_same_model(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from nn.commands import train

    parser = argparse.ArgumentParser(prog="chainrule")
    train.register(parser.add_subparsers(dest="command", required=True))
    for flags, folder in (([], "eager"), (["--compile"], "compiled")):
        args = parser.parse_args(["train", "--dataset", "xor", "--epochs", "10", "--no-plots",
                                  "--no-progress", "--out", str(tmp_path / folder), *flags])
        assert args.run(args) == 0
    assert "train loss" in capsys.readouterr().out
    saved = [(tmp_path / folder / "model.json").read_text() for folder in ("eager", "compiled")]
    assert saved[0] == saved[1]


def test_a_delta_of_zero_is_skipped_only_when_every_number_is_finite() -> None:
    """A weight of 1e308 makes a hidden relu infinite; the hinge is met (its relu(-inf) = 0), so
    the loss is finite and every delta is 0. backward() still multiplies inf by 0 (NaN), and so
    must the compiled step, where a delta of 0 usually skips its lines."""
    def model() -> MLP:
        net = MLP(1, [2, 1], activation="relu", output_activation="linear", seed=0)
        (up, down), (out,) = net.layers[0].neurons, net.layers[1].neurons
        up.w[0].data, up.b.data, down.w[0].data, down.b.data = 1e308, 0.0, -1.0, 0.0
        out.w[0].data, out.w[1].data, out.b.data = 1.0, 1.0, 0.0
        return net

    X, y = [[10.0], [0.5]], [1.0, 1.0]
    eager, compiled = model(), model()
    train_step(eager, "hinge", SGD(eager.parameters(), lr=0.1), X, y)
    step = compile_step(compiled, "hinge", SGD(compiled.parameters(), lr=0.1))
    step(X, y)
    assert "if dC_dz2_0 or not finite:" in step.source
    grads = [p.grad for p in eager.parameters()]
    assert [math.isnan(g) for g in grads] == [False] * 4 + [True, False, False]  # a1_0 * 0
    assert [repr(p.grad) for p in compiled.parameters()] == [repr(g) for g in grads]
    assert [repr(p.data) for p in compiled.parameters()] == [
        repr(p.data) for p in eager.parameters()]
