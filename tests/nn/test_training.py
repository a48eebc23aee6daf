"""fit and evaluate: the issue's accuracy targets with fixed seeds, the history, bad input."""

# ruff: noqa: N806

from __future__ import annotations

import math
import sys
from typing import Any

import pytest

from autograd import Value, is_grad_enabled
from nn import MLP, SGD, Adam, accuracy, evaluate, fit, predict, train_step
from nn.data import make_division, make_moons, make_xor, train_test_split
from nn.losses import half_mse
from nn.metrics import label_threshold, mean_absolute_error


def test_train_step_is_one_gradient_step_by_the_seeds_formulas() -> None:
    """One neuron, a = sigmoid(w x + b), half-MSE over m samples, w <- w - eta dC/dw."""
    model = MLP(1, [1], activation="sigmoid", seed=0)
    (w,), b = model.layers[0].neurons[0].w, model.layers[0].neurons[0].b
    w0, b0, X, T, eta = w.data, b.data, [[0.5], [-1.5]], [1.0, 0.0], 0.5
    A = [1 / (1 + math.exp(-(w0 * x + b0))) for (x,) in X]
    delta = [(a - t) * a * (1 - a) / len(X) for a, t in zip(A, T)]  # dC/dz per sample
    outputs, loss = train_step(model, half_mse, SGD(model.parameters(), lr=eta), X, T)
    assert outputs == pytest.approx(A, abs=1e-15)
    assert loss == pytest.approx(sum((a - t) ** 2 for a, t in zip(A, T)) / 4, abs=1e-15)
    assert w.data == pytest.approx(w0 - eta * sum(d * x for d, (x,) in zip(delta, X)), abs=1e-15)
    assert b.data == pytest.approx(b0 - eta * sum(delta), abs=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_moons_reach_full_training_accuracy(seed: int) -> None:
    """micrograd's demo task: 100 moons, noise 0.1, MLP(2, [16, 16, 1]), every point right."""
    X, y = make_moons(100, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    history = fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.03),
                  epochs=40, batch_size=20, seed=seed, progress=False)
    scores = evaluate(model, X, y, loss="bce")
    assert scores.value == 1.0
    assert scores.loss < 0.02 < history.train_loss[0]


def test_moons_with_micrograds_hinge_setup() -> None:
    """Labels in {-1, +1}, a linear output and the hinge loss (micrograd's choice) work too."""
    X, y = make_moons(100, noise=0.1, seed=0)
    signs = [2.0 * t - 1.0 for t in y]
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=0)
    fit(model, X, signs, loss="hinge", optimizer=Adam(model.parameters(), lr=0.03), epochs=60,
        batch_size=20, progress=False)
    assert evaluate(model, X, signs, loss="hinge").value == 1.0


def test_xor_reaches_full_accuracy_on_train_and_test() -> None:
    X, y = make_xor(100, noise=0.1, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=0)
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = fit(model, X_train, y_train, loss="bce", epochs=20, batch_size=10,
                  optimizer=Adam(model.parameters(), lr=0.03), X_test=X_test, y_test=y_test,
                  progress=False)
    assert evaluate(model, X_train, y_train).value == 1.0
    assert history.test_metric[-1] == 1.0 == evaluate(model, X_test, y_test).value


def test_xor_truth_table_with_the_seeds_sigmoid_and_plain_gradient_descent() -> None:
    X, y = make_xor(4, noise=0.0, seed=0)
    model = MLP(2, [4, 1], seed=0)  # sigmoid everywhere, the seeds' default
    fit(model, X, y, loss="half_mse", optimizer=SGD(model.parameters(), lr=2.0, momentum=0.9),
        epochs=300, progress=False)
    outputs = predict(model, X)
    assert all(abs(a - t) < 0.1 for a, t in zip(outputs, y))  # type: ignore[operator]


def test_division_error_is_measured_on_a_held_out_split() -> None:
    X, y = make_division(200, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.25, seed=0)
    model = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = fit(model, X_train, y_train, loss="half_mse", metric="error", epochs=30,
                  batch_size=10, optimizer=Adam(model.parameters(), lr=0.05),
                  X_test=X_test, y_test=y_test, progress=False)
    baseline = mean_absolute_error([sum(y_train) / len(y_train)] * len(y_test), y_test)
    test = evaluate(model, X_test, y_test, loss="half_mse", metric="error")
    assert test.value == history.test_metric[-1]
    assert test.value < 0.02 < 0.1 < baseline  # the mean predictor is off by about 0.17


def test_history_has_one_entry_per_epoch_and_reproduces_with_the_same_seeds() -> None:
    X, y = make_moons(30, seed=0)

    def run() -> tuple[list[float], dict[str, float]]:
        model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
        history = fit(model, X, y, epochs=3, batch_size=7, X_test=X[:5], y_test=y[:5],
                      progress=False)
        assert history.epochs == 3 and history.metric == "accuracy"
        assert len(history.train_metric) == len(history.test_loss) == len(history.seconds) == 3
        return history.train_loss, model.state_dict()

    assert run() == run()


def test_accuracy_and_error_by_hand() -> None:
    assert accuracy([0.9, 0.2, 0.6, 0.4], [1.0, 0.0, 0.0, 0.0]) == 0.75  # threshold 0.5
    assert accuracy([0.3, -0.2, -0.9], [1.0, -1.0, 1.0]) == pytest.approx(2 / 3)  # threshold 0
    assert accuracy([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]], [[0, 1, 0], [0, 0, 1]]) == 0.5
    assert label_threshold([0.0, 1.0]) == 0.5 and label_threshold([1.0, -1.0]) == 0.0
    assert mean_absolute_error([0.5, 0.25], [0.0, 1.0]) == 0.625


def test_bad_input_raises_with_the_sizes() -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="fit: X has 3 samples but y has 2"):
        fit(model, [[0.0, 0.0]] * 3, [0.0, 1.0], progress=False)
    with pytest.raises(ValueError, match="fit: the data set is empty"):
        fit(model, [], [], progress=False)
    with pytest.raises(ValueError, match="sample 1 has 3 inputs but the model takes 2"):
        fit(model, [[0.0, 0.0], [1.0, 2.0, 3.0]], [0.0, 1.0], progress=False)
    with pytest.raises(ValueError, match="unknown loss 'l2'"):
        fit(model, [[0.0, 0.0]], [0.0], loss="l2", progress=False)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        evaluate(model, [[0.0, 0.0]], [0.0], metric="f1")
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        fit(model, [[0.0, 0.0]], [0.0], epochs=0, progress=False)
    with pytest.raises(ValueError, match="both X_test and y_test"):
        fit(model, [[0.0, 0.0]], [0.0], X_test=[[0.0, 0.0]], progress=False)
    with pytest.raises(ValueError, match="evaluate: X has 1 samples but y has 2"):
        evaluate(model, [[0.0, 0.0]], [0.0, 1.0])


def test_progress_bar_shows_on_stderr_and_is_skipped_without_tqdm(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = make_moons(10, seed=0)
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert "training" in capsys.readouterr().err  # tqdm's bar, with its description
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    history = fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert history.epochs == 2 and capsys.readouterr().err == ""


def test_fit_names_an_optimizer_that_is_not_one() -> None:
    X, y = make_xor(4, noise=0.0, seed=0)
    with pytest.raises(TypeError, match=r"optimizer must be an Optimizer.*got str: 'adam'"):
        fit(MLP(2, [2, 1], seed=0), X, y, optimizer="adam", progress=False)  # type: ignore[arg-type]


def test_train_step_takes_a_loss_by_name() -> None:
    model = MLP(2, [2, 1], seed=0)
    twin = MLP(2, [2, 1], seed=0)
    X, y = [[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0]
    by_name = train_step(model, "half_mse", SGD(model.parameters(), lr=0.1), X, y)
    by_function = train_step(twin, half_mse, SGD(twin.parameters(), lr=0.1), X, y)
    assert by_name == by_function
    assert model.state_dict() == twin.state_dict()


def test_a_non_finite_loss_stops_fit_before_that_step_updates_anything() -> None:
    X, y = [[0.5, 1.0], [1.0, -1.0], [0.0, 2.0], [2.0, 0.5]], [0.0, 1.0, 1.0, 0.0]
    model = MLP(2, [2, 1], seed=0)
    calls = []

    def loss(preds: list[Any], targets: list[Any]) -> Value:
        if is_grad_enabled():  # a training step, not the epoch's score
            calls.append(len(calls))
        cost = half_mse(preds, targets)
        return cost * math.nan if len(calls) == 3 and is_grad_enabled() else cost

    with pytest.raises(FloatingPointError, match=r"fit: epoch 2, step 1: the loss is nan"):
        fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
            batch_size=2, progress=False)
    twin = MLP(2, [2, 1], seed=0)  # two steps of epoch 1, nothing of the third
    fit(twin, X, y, loss="half_mse", optimizer=SGD(twin.parameters(), lr=0.1), epochs=1,
        batch_size=2, progress=False)
    assert model.state_dict() == twin.state_dict()


def test_ctrl_c_stops_fit_at_a_step_boundary_with_the_history_so_far() -> None:
    X, y = make_xor(8, noise=0.0, seed=0)
    model = MLP(2, [3, 1], seed=1)
    steps = []

    def loss(preds: list[Any], targets: list[Any]) -> Value:
        if is_grad_enabled():  # a training step, not the epoch's score
            steps.append(1)
        if len(steps) == 5:  # in epoch 3, after the forward pass of its first step
            raise KeyboardInterrupt
        return half_mse(preds, targets)

    history = fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.5),
                  epochs=10, batch_size=4, progress=False)
    assert history.interrupted and history.epochs == 2
    twin = MLP(2, [3, 1], seed=1)
    fit(twin, X, y, loss="half_mse", optimizer=SGD(twin.parameters(), lr=0.5), epochs=2,
        batch_size=4, progress=False)
    assert model.state_dict() == twin.state_dict()
