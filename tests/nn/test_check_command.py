"""`chainrule check` and `chainrule explain`: their tables, and exit statuses that mean things."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nn import MLP, compare
from nn.cli import main
from nn.losses import LOSSES

ROOT = Path(__file__).resolve().parents[2]


def test_check_passes_and_prints_a_row_per_layer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--sizes", "3,4,4,1", "--nets", "2", "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "net 2 of 2: MLP 3 -> 4 -> 4 -> 1 (sigmoid, output sigmoid)" in out
    rows = [line.split() for line in out.splitlines() if line[:5].strip() in {"1", "2", "3"}]
    assert [(row[0], row[1]) for row in rows] == [("1", "16"), ("2", "20"), ("3", "5")] * 2
    assert all(float(row[2]) < 1e-14 and float(row[4]) < 1e-8 for row in rows)
    assert out.rstrip().endswith("agree within the tolerances")


@pytest.mark.parametrize("loss", list(LOSSES))
def test_check_passes_for_every_loss(loss: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--loss", loss, "--sizes", "2,5,3", "--nets", "1", "--batch", "6"]
    if loss == "hinge":
        argv += ["--output-activation", "tanh"]
    if loss == "cross_entropy":
        argv += ["--output-activation", "linear"]
    assert main(argv) == 0, capsys.readouterr().out


def test_check_fails_when_the_tolerance_is_impossible(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--nets", "1", "--central-atol", "0", "--central-rtol", "0"])
    out = capsys.readouterr().out
    assert status == 1
    assert "<- exceeds tolerance" in out
    assert "FAIL: " in out


def test_check_fails_when_a_hand_derived_gradient_is_wrong(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = compare.backprop

    def off_by_a_little(*args: object, **kwargs: object) -> tuple[object, object]:
        weight_grads, bias_grads = real(*args, **kwargs)  # type: ignore[arg-type]
        weight_grads[1][2][0] *= 1.0 + 1e-8
        return weight_grads, bias_grads

    monkeypatch.setattr(compare, "backprop", off_by_a_little)
    assert main(["check", "--nets", "1"]) == 1
    rows = [line for line in capsys.readouterr().out.splitlines() if "exceeds" in line]
    assert len(rows) == 1 and rows[0].split()[0] == "2"


def test_check_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    for sizes in ("3", "3,0,1", "3,x", "3,,1", "3,1,"):
        with pytest.raises(SystemExit) as exit_info:
            main(["check", "--sizes", sizes])
        assert exit_info.value.code == 2
    assert "sizes" in capsys.readouterr().err


def test_check_refuses_a_network_too_large_to_check_before_building_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from nn.commands import check

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network was built before its size was checked")

    monkeypatch.setattr(check, "MLP", refuse)
    assert main(["check", "--sizes", "100000,100000,1"]) == 2
    err = capsys.readouterr().err
    # 100,000 neurons of 100,001 parameters, then one of 100,001
    assert err.startswith("chainrule check: error: --sizes 100000,100000,1 makes "
                          "10,000,200,001 parameters; central differences run the batch twice")
    assert "--allow-large" in err and err.count("\n") == 1


def test_explain_prints_the_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--sizes", "2,3,2", "--param", "W1[2][1]", "--batch", "2"]) == 0
    out = capsys.readouterr().out
    assert "4 chain-rule path(s) from C to W1[2][1]" in out
    assert "dC/da2[1] * da2[1]/dz2[1] * dz2[1]/da1[2] * da1[2]/dz1[2] * dz1[2]/dW1[2][1]" in out
    assert "agree: all three match" in out


def test_explain_by_label(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--param", "L2.N0.b", "--loss", "bce"]) == 0
    assert "dC/db2[0] ('L2.N0.b')" in capsys.readouterr().out


def test_explain_of_a_missing_parameter_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--param", "W5[0][0]"]) == 2
    assert "no parameter W5[0][0]" in capsys.readouterr().err


def test_the_installed_command_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nn", "check", "--nets", "1", "--sizes", "2,2,1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: autograd, nn.manual and central differences agree" in done.stdout


@pytest.mark.parametrize("loss", list(LOSSES))
def test_explain_agrees_on_ten_outputs_for_every_loss(
    loss: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = {"cross_entropy": "linear", "hinge": "tanh"}.get(loss, "sigmoid")
    argv = ["explain", "--sizes", "4,3,10", "--batch", "2", "--param", "W1[2][3]", "--loss", loss,
            "--output-activation", output, "--max-paths", "3"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "20 chain-rule path(s) from C to W1[2][3]" in out  # 2 samples x 10 outputs
    if loss == "bce":  # bce reads a sigmoid's z: C <- z2[1], no a2[1] between
        assert "path 2 (sample 0): dC/dz2[1] * dz2[1]/da1[2]" in out
    else:
        assert "path 2 (sample 0): dC/da2[1] * da2[1]/dz2[1] * dz2[1]/da1[2]" in out
    assert "... 17 more path(s) not shown" in out
    assert "agree: all three match" in out


def test_check_on_ten_outputs_with_softmax_and_cross_entropy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["check", "--sizes", "6,5,10", "--loss", "cross_entropy", "--output-activation",
            "linear", "--nets", "2", "--batch", "5"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line[:5].strip() in {"1", "2"}]
    assert [(row[0], row[1]) for row in rows] == [("1", "35"), ("2", "60")] * 2
    assert all(float(row[2]) < 1e-14 and float(row[4]) < 1e-8 for row in rows)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--loss", "cross_entropy"],
         "--sizes 3,4,4,1 --loss cross_entropy: cross_entropy needs one output per class, at "
         "least 2, but the last layer has 1 neuron"),
        (["--loss", "bce", "--sizes", "2,3,3", "--output-activation", "relu"],
         "--sizes 2,3,3 --loss bce: bce needs sigmoid outputs, not 'relu'"),
    ],
)
def test_check_refuses_a_loss_that_cannot_score_the_outputs(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before the first network is checked
    assert captured.err.startswith("chainrule check: error: " + message)


def test_explain_refuses_a_loss_that_cannot_score_the_outputs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "--loss", "cross_entropy"]) == 2
    assert "cross_entropy needs one output per class" in capsys.readouterr().err


def test_check_loss_fits_names_what_is_wrong() -> None:
    for loss in LOSSES:
        compare.check_loss_fits(MLP(2, [3, 2], output_activation="sigmoid"), loss)
    with pytest.raises(ValueError, match="bce needs sigmoid outputs, not 'linear', 'tanh'"):
        model = MLP(2, [2], output_activation="tanh")
        model.layers[-1].neurons[1].activation = "linear"
        compare.check_loss_fits(model, "bce")
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        compare.check_loss_fits(MLP(2, [2]), "l1")
