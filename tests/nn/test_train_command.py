"""`chainrule train`: the options, the printed report, the files it writes, bad options."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pytest

from nn import MLP, load_model
from nn.commands import train

PNG = b"\x89PNG\r\n\x1a\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chainrule")
    train.register(parser.add_subparsers(dest="command", required=True))
    return parser


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(["train", *argv])
    status: int = args.run(args)
    return status


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "--help"])
    text = capsys.readouterr().out
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = [o for a in subparsers.choices["train"]._actions for o in a.option_strings]
    assert len(options) >= 18
    for option in options:
        assert option in text
    assert "(default: 0.02 for adam" in text and "out/<dataset>" in text


def test_moons_reach_full_training_accuracy_and_write_the_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["--dataset", "moons", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "MLP(2, [16, 16, 1]" in out and "80 training and 20 test samples" in out
    assert re.search(r"^train loss \S+, accuracy 100\.0%$", out, re.MULTILINE)
    assert re.search(r"^test  loss \S+, accuracy \d+\.\d%$", out, re.MULTILINE)
    for name in ("loss.png", "decision_boundary.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    model = load_model(tmp_path / "model.json")
    assert isinstance(model, MLP) and model.nouts == [16, 16, 1]


def test_division_reports_the_error_on_the_held_out_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--dataset", "division", "--samples", "80", "--epochs", "15", "--hidden", "8",
            "--lr", "0.05", "--batch-size", "10", "--out", str(tmp_path), "--no-progress"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "64 training and 16 test samples" in out
    error = float(re.findall(r"^test  loss \S+, error (\S+)$", out, re.MULTILINE)[0])
    assert error < 0.05
    assert (tmp_path / "predictions.png").read_bytes().startswith(PNG)


def test_xor_with_sgd_and_no_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--dataset", "xor", "--optimizer", "sgd", "--epochs", "15", "--out", str(tmp_path),
            "--no-plots", "--no-progress"]
    assert _run(argv) == 0
    assert "train loss" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_bad_options_exit_with_status_2_and_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["--loss", "bce", "--output-activation", "tanh", "--no-progress"]) == 2
    assert "--loss bce needs a sigmoid output, not 'tanh'" in capsys.readouterr().err
    assert _run(["--test-fraction", "1.5", "--no-progress"]) == 2
    assert "test_fraction must be in (0, 1), got 1.5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "--hidden", "16,x"])
    assert "'x' in '16,x' is not a whole number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "--hidden", "16,0"])
    assert "layer sizes must be at least 1, got 0" in capsys.readouterr().err
    for sizes in ("16,,16", "16,", ",16"):
        with pytest.raises(SystemExit):
            _parser().parse_args(["train", "--hidden", sizes])
        assert f"layer sizes {sizes!r} have an empty entry" in capsys.readouterr().err
    assert _parser().parse_args(["train", "--hidden", ""]).hidden == []


def test_without_matplotlib_it_trains_saves_and_says_the_plots_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    argv = ["--dataset", "xor", "--epochs", "5", "--out", str(tmp_path), "--no-progress"]
    assert _run(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "chainrule train: skipping the plots: matplotlib is not installed "
        "(pip install 'chainrule[plots]'; --no-plots silences this)"
    ]
    assert f"wrote {tmp_path / 'model.json'}\n" in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    assert _run([*argv, "--no-plots"]) == 0
    assert capsys.readouterr().err == ""
