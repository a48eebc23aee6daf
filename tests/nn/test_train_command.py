"""`chainrule train`: the options, the printed report, the files it writes, bad options."""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nn import MLP, accuracy, load_model, predict
from nn.commands import train
from nn.data import load_digits

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


def _accuracies(out: str) -> tuple[float, float]:
    """The train and test accuracy the command printed, as fractions."""
    found = re.findall(r"^(?:train|test ) loss \S+, accuracy (\d+\.\d)%$", out, re.MULTILINE)
    assert len(found) == 2, out
    return float(found[0]) / 100, float(found[1]) / 100


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_digits_get_one_output_per_class_and_the_pictures_of_what_went_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    argv = ["--dataset", "digits", "--samples", "300", "--epochs", "5", "--loss",
            "cross_entropy", "--out", str(tmp_path), "--no-progress"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "digits: 150 training and 150 test samples, 10 classes" in out
    assert "MLP(64, [30, 10], activation='sigmoid', output_activation='linear')" in out
    assert "loss cross_entropy, Adam lr 0.01, 5 epochs, batch size 10" in out
    for name in ("loss.png", "confusion_matrix.png", "misclassified.png", "input_gradient.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)

    # The saved model scores the split as the command said: the first 150 train, the next test.
    X, labels = load_digits()
    model = load_model(tmp_path / "model.json")
    train, test = _accuracies(out)
    assert accuracy(predict(model, X[:150]), labels[:150]) == pytest.approx(train, abs=5e-4)
    assert accuracy(predict(model, X[150:300]), labels[150:300]) == pytest.approx(test, abs=5e-4)
    assert test > 0.5  # ten classes: a guess gets 10%


def test_digits_default_to_the_notes_recipe_with_one_hot_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    argv = ["--dataset", "digits", "--samples", "100", "--epochs", "2", "--out", str(tmp_path),
            "--no-progress", "--no-plots"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "MLP(64, [30, 10], activation='sigmoid', output_activation='sigmoid')" in out
    assert "loss half_mse, SGD lr 3.0 momentum 0.0, 2 epochs, batch size 10" in out
    # half-MSE of the saved model against one-hot rows is the test loss printed
    X, labels = load_digits()
    outputs = predict(load_model(tmp_path / "model.json"), X[50:100])
    one_hot = [[float(k == c) for k in range(10)] for c in labels[50:100]]
    cost = sum((a - t) ** 2 for o, y in zip(outputs, one_hot) for a, t in zip(o, y)) / (2 * 50)
    printed = float(re.findall(r"^test  loss (\S+),", out, re.MULTILINE)[0])
    assert cost == pytest.approx(printed, rel=1e-3)


def test_a_csv_of_class_labels_trains_a_classifier_and_saves_its_scales(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(4)
    centres = {"red": (200.0, 0.01), "green": (260.0, 0.03), "blue": (230.0, 0.05)}
    rows: list[list[object]] = []
    for i in range(90):
        name = ("red", "green", "blue")[i % 3]
        x, y = centres[name]
        rows.append([round(x + rng.gauss(0, 8), 2), round(y + rng.gauss(0, 0.004), 5), name])
    path = _write_csv(tmp_path / "colours.csv", ["wavelength", "width", "colour"], rows)
    out_dir = tmp_path / "out"
    argv = ["--csv", str(path), "--target", "colour", "--epochs", "40", "--out", str(out_dir),
            "--no-progress"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "colours: 72 training and 18 test samples, 3 classes" in out
    assert "MLP(2, [16, 16, 3], activation='tanh', output_activation='linear')" in out
    assert "loss cross_entropy, Adam lr 0.02, 40 epochs" in out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "confusion_matrix.png", "loss.png", "model.json", "scaling.json"]
    scaling = json.loads((out_dir / "scaling.json").read_text())
    assert [column["column"] for column in scaling["inputs"]] == ["wavelength", "width"]
    assert scaling["target"] == {"column": "colour", "classes": ["blue", "green", "red"]}

    # Standardised with the saved scales, every row is classified as the accuracies say.
    model = load_model(out_dir / "model.json")
    X = [[(float(v) - c["mean"]) / c["std"] for v, c in zip(row[:2], scaling["inputs"])]
         for row in rows]
    labels = [scaling["target"]["classes"].index(row[2]) for row in rows]
    train, test = _accuracies(out)
    assert accuracy(predict(model, X), labels) == pytest.approx((72 * train + 18 * test) / 90,
                                                                abs=1e-3)
    assert test >= 0.9


def test_a_csv_of_numbers_trains_a_regression_in_the_targets_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(5)
    rows: list[list[object]] = []
    for _ in range(120):
        area, rooms = rng.uniform(40.0, 200.0), rng.randint(1, 6)
        rows.append([area, rooms, 1000.0 * area + 5000.0 * rooms + rng.gauss(0.0, 2000.0)])
    path = _write_csv(tmp_path / "flats.csv", ["area", "rooms", "price"], rows)
    argv = ["--csv", str(path), "--target", "price", "--epochs", "40", "--out", str(tmp_path),
            "--no-progress"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "MLP(2, [16, 16, 1], activation='tanh', output_activation='linear')" in out
    assert "loss half_mse, Adam lr 0.02, 40 epochs" in out
    error = float(re.findall(r"^test  loss \S+, error (\S+)$", out, re.MULTILINE)[0])
    in_units = float(re.findall(r"in 'price' units: mean \|prediction - target\| = (\S+) ",
                                out)[0])
    target = json.loads((tmp_path / "scaling.json").read_text())["target"]
    prices = [float(row[2]) for row in rows]
    assert target["column"] == "price" and 60_000 < target["mean"] < 160_000
    assert in_units == pytest.approx(error * target["std"], rel=1e-3)
    assert in_units < 0.15 * (max(prices) - min(prices)) / 2
    assert (tmp_path / "predictions.png").read_bytes().startswith(PNG)


def test_numbers_read_as_class_labels_with_task_classification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [[i / 10, i % 2, (i % 2) * 2 + 1] for i in range(40)]
    path = _write_csv(tmp_path / "odd.csv", ["x", "parity", "kind"], rows)
    argv = ["--csv", str(path), "--target", "kind", "--task", "classification", "--epochs", "20",
            "--out", str(tmp_path), "--no-progress", "--no-plots"]
    assert _run(argv) == 0
    out = capsys.readouterr().out
    assert "odd: 32 training and 8 test samples, 2 classes" in out
    assert _accuracies(out) == (1.0, 1.0)
    target = json.loads((tmp_path / "scaling.json").read_text())["target"]
    assert target == {"column": "kind", "classes": ["1", "3"]}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--csv", "{dir}/nothing.csv", "--target", "y"],
         "cannot read --csv {dir}/nothing.csv: No such file or directory"),
        (["--csv", "{dir}/bad.csv"], "--csv {dir}/bad.csv needs --target COLUMN"),
        (["--target", "y"], "--target goes with --csv PATH"),
        (["--dataset", "xor", "--csv", "{dir}/bad.csv", "--target", "y"],
         "give --dataset xor or --csv {dir}/bad.csv, not both"),
        (["--csv", "{dir}/bad.csv", "--target", "y"],
         "{dir}/bad.csv, line 3, column 2 ('x2'): 'two' is not a number"),
        (["--csv", "{dir}/bad.csv", "--target", "z"], "has no column named 'z' (the target)"),
        (["--csv", "{dir}/good.csv", "--target", "y", "--task", "classification"],
         "column 'y' holds 0.5 (sample 0), which is not a class label"),
        (["--csv", "{dir}/good.csv", "--target", "y", "--loss", "bce"],
         "--loss bce scores classes, but the target of good is a number to predict"),
        (["--dataset", "moons", "--loss", "cross_entropy"],
         "--loss cross_entropy needs one output per class, and moons is trained with a single"),
        (["--dataset", "digits", "--samples", "0"], "--samples must be at least 1, got 0"),
    ],
)
def test_bad_data_options_exit_with_status_2_before_training(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_csv(tmp_path / "bad.csv", ["x1", "x2", "y"], [[1, 2, 0], [3, "two", 1]])
    _write_csv(tmp_path / "good.csv", ["x1", "x2", "y"], [[1, 2, 0.5], [3, 4, 1.5], [5, 6, 2]])
    argv = [a.format(dir=tmp_path) for a in argv]
    assert _run([*argv, "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert message.format(dir=tmp_path) in captured.err
    assert captured.err.startswith("chainrule train: error: ")
    assert captured.out == "" and not (tmp_path / "out").exists()


def test_digits_without_scikit_learn_name_the_extra_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert _run(["--dataset", "digits", "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "pip install 'chainrule[data]'" in captured.err
    assert captured.out == "" and not (tmp_path / "out").exists()


def test_ctrl_c_in_the_first_epoch_still_saves_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import nn.training

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(nn.training, "train_step", interrupted)
    argv = ["--dataset", "xor", "--epochs", "5", "--out", str(tmp_path), "--no-progress"]
    assert _run(argv) == 130  # 128 + SIGINT, as a shell reports it
    captured = capsys.readouterr()
    assert "stopped by Ctrl-C after 0 epoch(s)" in captured.out
    assert "ms per epoch" not in captured.out
    assert captured.err == ("chainrule train: stopped by Ctrl-C; the model trained so far is in "
                            f"{tmp_path / 'model.json'}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def _no_building_or_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built or trained before the options were checked")

    monkeypatch.setattr(train, "MLP", refuse)
    monkeypatch.setattr(train, "fit", refuse)


def test_a_network_too_large_to_train_is_refused_before_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_building_or_training(monkeypatch)
    out = tmp_path / "out"
    argv = ["--dataset", "xor", "--hidden", "1000000", "--out", str(out), "--no-progress"]
    assert _run(argv) == 2
    captured = capsys.readouterr()
    # 1,000,000 hidden neurons of 2 weights and a bias, then one output neuron with 1,000,001
    assert "MLP(2, [1000000, 1], activation='tanh', output_activation='sigmoid'): " \
        "4,000,001 parameters" in captured.out
    assert captured.err.startswith("chainrule train: error: MLP(2, [1000000, 1]")
    assert "4,000,001 parameters in 1,000,001 neurons" in captured.err
    assert "--allow-large" in captured.err and "\n" not in captured.err.rstrip("\n")
    assert not out.exists()


def test_allow_large_trains_what_the_estimate_would_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(train, "LONGEST_RUN", 1e-9)  # everything counts as large
    argv = ["--dataset", "xor", "--epochs", "1", "--out", str(tmp_path), "--no-plots",
            "--no-progress"]
    assert _run(argv) == 2
    assert "--allow-large" in capsys.readouterr().err
    assert _run([*argv, "--allow-large"]) == 0
    assert load_model(tmp_path / "model.json").architecture()["nouts"] == [16, 16, 1]


def test_an_unusable_out_folder_is_refused_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_building_or_training(monkeypatch)
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "taken" / "model.json").mkdir(parents=True)
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "model.json").symlink_to("/nonexistent/x.json")
    for out, message in [
        (tmp_path / "a-file", "it is a file, not a folder"),
        (tmp_path / "a-file" / "run", f"{tmp_path / 'a-file'} is a file, not a folder"),
        (tmp_path / "taken", "model.json is not a file, so the model cannot be saved there"),
        (tmp_path / "linked", "model.json links to /nonexistent/x.json, in a folder that does "
         "not exist"),
    ]:
        assert _run(["--dataset", "xor", "--out", str(out), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"chainrule train: error: --out {out}: ")
        assert message in err and err.count("\n") == 1


def test_a_diverging_run_stops_at_the_first_non_finite_loss_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--dataset", "division", "--activation", "relu", "--output-activation", "linear",
            "--optimizer", "sgd", "--lr", "1e150", "--out", str(tmp_path), "--no-progress"]
    assert _run(argv) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(r"chainrule train: error: fit: epoch 1, step \d+: the loss is (nan|inf);"
                        r" no parameter was updated\. The usual cause is a learning rate too "
                        r"large for this model \(lr=1e\+150: .*\n", err), err
    assert list(tmp_path.iterdir()) == []


def test_a_second_ctrl_c_during_the_evaluation_still_leaves_the_model_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nn.training

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(nn.training, "train_step", interrupted)  # the first Ctrl-C, in fit
    monkeypatch.setattr(train, "evaluate", interrupted)  # the second, just after
    with pytest.raises(KeyboardInterrupt):
        _run(["--dataset", "xor", "--epochs", "5", "--out", str(tmp_path), "--no-progress"])
    assert load_model(tmp_path / "model.json").architecture()["nouts"] == [16, 16, 1]


def test_the_size_estimate_counts_the_compiling_and_the_advice_names_samples() -> None:
    # MLP(2, [8000, 100, 1]): 824,201 parameters, about 30 s an epoch over 80 samples, but about
    # 330 s to compile (measured: 6000,100 took 250 s and 6 GB before its first epoch ended)
    shape = "MLP(2, [8000, 100, 1])"
    train._check_size(shape, 2, [8000, 100, 1], 80, compile=False, allow_large=False)
    with pytest.raises(ValueError, match=r"824,201 parameters .* over 80 samples and compiling "
                       r"its step would take roughly \d+ minutes .* Use smaller --hidden sizes "
                       r"or fewer --samples, or --allow-large"):
        train._check_size(shape, 2, [8000, 100, 1], 80, compile=True, allow_large=False)
    train._check_size(shape, 2, [8000, 100, 1], 80, compile=True, allow_large=True)


@pytest.mark.skipif(sys.platform == "win32", reason="file modes are POSIX")
def test_scaling_json_gets_the_mode_the_umask_gives_as_model_json_does(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    data = _write_csv(tmp_path / "t.csv", ["x1", "x2", "y"],
                      [[i, i % 3, "a" if i % 2 else "b"] for i in range(20)])
    out = tmp_path / "out"
    assert _run(["--csv", str(data), "--target", "y", "--epochs", "1", "--no-plots",
                 "--no-progress", "--out", str(out)]) == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert modes == {"model.json": 0o644, "scaling.json": 0o644}
