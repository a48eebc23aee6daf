"""The PNG writers: they draw from a History or a model, and refuse what they cannot draw."""

# ruff: noqa: N806

from __future__ import annotations

from pathlib import Path

import pytest

from nn import MLP, History
from nn.plots import plot_decision_boundary, plot_history, plot_predictions

PNG = b"\x89PNG\r\n\x1a\n"


def test_each_plot_writes_a_png(tmp_path: Path) -> None:
    history = History("accuracy", train_loss=[0.7, 0.3, 0.1], train_metric=[0.5, 0.8, 1.0],
                      test_loss=[0.8, 0.4, 0.2], test_metric=[0.5, 0.7, 0.9])
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], [-1.0, -1.0, 1.0]
    paths = [
        plot_history(history, tmp_path / "loss.png"),
        plot_decision_boundary(model, X, y, tmp_path / "boundary.png", resolution=10),
        plot_predictions(model, X, y, tmp_path / "predictions.png"),
    ]
    for path in paths:
        assert Path(path).read_bytes().startswith(PNG)


def test_decision_boundary_needs_two_inputs_and_one_output(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        plot_decision_boundary(MLP(3, [1], seed=0), [[0.0, 0.0, 0.0]], [1.0], tmp_path / "a.png")
    with pytest.raises(ValueError, match="single output"):
        plot_decision_boundary(MLP(2, [2], seed=0), [[0.0, 0.0]], [1.0], tmp_path / "b.png",
                               resolution=5)
