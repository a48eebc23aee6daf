"""fit's progress bar: the loss it shows is readable however small it gets."""

# ruff: noqa: N806

from __future__ import annotations

import re

import pytest

from nn import MLP, SGD, fit


def test_a_small_loss_shows_its_digits_not_zero(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm", reason="the progress bar is tqdm's (pip install tqdm)")
    model = MLP(1, [1], activation="linear", seed=0)
    neuron = model.layers[0].neurons[0]
    X = [[1.0]]
    y = [neuron.w[0].data + neuron.b.data + 0.001]  # C = (1/2)(0.001)^2 = 5e-7
    history = fit(model, X, y, loss="half_mse", optimizer=SGD(model.parameters(), lr=1e-3),
                  epochs=2, metric="error", progress=True)
    shown = re.findall(r"loss=([^,\]\s]+)", capsys.readouterr().err)
    assert shown, "no loss in the progress bar"
    assert float(shown[-1]) == pytest.approx(history.train_loss[-1], rel=1e-3)
    assert history.train_loss[-1] == pytest.approx(5e-7, rel=1e-2)


def test_a_log_gets_a_few_lines_not_one_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    """stderr captured by pytest is not a terminal: the bar must not redraw 60 times."""
    pytest.importorskip("tqdm", reason="the progress bar is tqdm's (pip install tqdm)")
    X, y = [[0.0], [1.0]], [0.0, 1.0]
    history = fit(MLP(1, [1], seed=0), X, y, loss="half_mse", epochs=60, progress=True)
    err = capsys.readouterr().err
    draws = err.count("training")
    assert 1 <= draws <= 3, err
    assert f"{history.train_loss[-1]:.4g}" in err  # the last line shows the last epoch


def test_the_bar_moves_with_each_batch_and_ends_on_whole_epochs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large model's first epoch may take minutes: the bar must move before it ends."""
    import nn.training

    moves: list[float] = []

    class Bar:
        n = 0.0

        def update(self, amount: float) -> None:
            moves.append(amount)

        def set_postfix(self, **values: object) -> None:
            moves.append(self.n)  # what the bar shows at the end of each epoch

        def close(self) -> None:
            pass

    monkeypatch.setattr(nn.training, "_progress", lambda epochs, show: Bar())
    X, y = [[float(i)] for i in range(10)], [float(i % 2) for i in range(10)]
    fit(MLP(1, [1], seed=0), X, y, loss="half_mse", epochs=2, batch_size=4, progress=True)
    # three batches an epoch (4, 4 and 2 samples), then the epoch's whole number
    assert moves == [0.4, 0.4, 0.2, 1, 0.4, 0.4, 0.2, 2]
