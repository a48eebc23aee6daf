"""The `chainrule` program as a user meets it: run as a separate process, as from a shell."""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nn import activations, load_model, losses
from nn.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def chainrule(*argv: str) -> subprocess.CompletedProcess[str]:
    """`chainrule ARGV...` in a new process, with its output captured (so stderr is no TTY)."""
    return subprocess.run([sys.executable, "-m", "nn", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def _flat(text: str) -> str:
    """`text` with every run of white space made one space, so line wrapping does not matter."""
    return " ".join(text.split())


def test_no_command_prints_the_help_and_says_its_exit_status() -> None:
    done = chainrule()
    assert done.returncode == 2
    help_text = _flat(done.stdout)
    assert help_text.startswith("usage: chainrule")
    for command in ("train", "check", "explain", "graph"):
        assert command in help_text
    assert "prints this help and exits with status 2" in help_text
    assert "Traceback" not in done.stderr


def test_version_is_the_package_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE)
    assert declared is not None
    done = chainrule("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"chainrule {declared.group(1)}"


@pytest.mark.parametrize("command", ["train", "check", "explain"])
def test_every_option_of_every_command_says_what_it_does_and_seed_its_default(
    command: str,
) -> None:
    done = chainrule(command, "--help")
    assert done.returncode == 0
    help_text = _flat(done.stdout)
    assert re.search(r"--seed SEED seed for .*? \(default: 0\)", help_text)
    loss_help = re.search(r"--loss \{[^}]*\} (\S+ \S+ \S+)", help_text)
    assert loss_help is not None and not loss_help.group(1).startswith("--")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for action in subparsers.choices[command]._actions:
        assert action.help, f"{command} {action.option_strings} has no help text"


@pytest.mark.parametrize("command", ["train", "check", "explain"])
def test_choices_come_from_the_tables_of_activations_and_losses(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(activations.ACTIVATIONS, "softsign", activations.ACTIVATIONS["tanh"])
    monkeypatch.setitem(losses.LOSSES, "log_cosh", losses.LOSSES["mse"])
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    choices = {a.dest: a.choices for a in subparsers.choices[command]._actions}
    assert list(choices["activation"]) == list(activations.ACTIVATIONS)
    assert list(choices["output_activation"]) == list(activations.ACTIVATIONS)
    assert list(choices["loss"]) == list(losses.LOSSES)
    assert "softsign" in choices["activation"] and "log_cosh" in choices["loss"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "16,,16"], "layer sizes '16,,16' have an empty entry"),
        (["check", "--sizes", "3,,1"], "layer sizes '3,,1' have an empty entry"),
        (["explain", "--sizes", "2,2,"], "layer sizes '2,2,' have an empty entry"),
    ],
)
def test_layer_sizes_with_an_empty_entry_are_refused(argv: list[str], message: str) -> None:
    done = chainrule(*argv)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_hinge_with_a_sigmoid_output_is_refused(tmp_path: Path) -> None:
    done = chainrule("train", "--loss", "hinge", "--output-activation", "sigmoid",
                     "--out", str(tmp_path))
    assert done.returncode == 2
    assert "--loss hinge needs a tanh or linear output, not 'sigmoid'" in done.stderr
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_training_into_a_log_writes_no_progress_bar(tmp_path: Path) -> None:
    done = chainrule("train", "--dataset", "xor", "--epochs", "40", "--no-plots",
                     "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "train loss" in done.stdout and "\r" not in done.stdout


def test_graph_finds_the_expression_typed_after_set(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    done = chainrule("graph", "--set", "a=2", "b=3", "a*b", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "a*b = 6" in done.stdout and "d/da = 3" in done.stdout and "d/db = 2" in done.stdout
    assert out.read_text().startswith("digraph")


def test_graph_without_any_expression_says_where_to_put_one(tmp_path: Path) -> None:
    done = chainrule("graph", "--set", "a=2", "b=3", "-o", str(tmp_path / "g.dot"))
    assert done.returncode == 2
    assert "no EXPRESSION given; write one before --set" in done.stderr
    done = chainrule("graph", "--set", "a=2", "a*a", "a+a", "-o", str(tmp_path / "g.dot"))
    assert done.returncode == 2
    assert "('a*a', 'a+a' all look like one)" in done.stderr


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`chainrule explain ... | head -1`: the pipe closes while explain is still writing."""
    explain = subprocess.Popen([sys.executable, "-m", "nn", "explain", "--sizes", "2,4,4,1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert explain.stdout is not None and explain.stderr is not None
    explain.stdout.readline()
    explain.stdout.close()  # the reader goes away
    errors = explain.stderr.read().decode()
    assert explain.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_while_training_saves_the_model_and_exits_130_in_one_line(tmp_path: Path) -> None:
    train = subprocess.Popen(  # -u: each line arrives as it is printed, not when a buffer fills
        [sys.executable, "-u", "-m", "nn", "train", "--dataset", "xor", "--epochs", "1000000",
         "--no-plots", "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert train.stdout is not None
    deadline = time.monotonic() + 60
    while not train.stdout.readline().startswith("loss "):  # the line printed just before fit
        if train.poll() is not None or time.monotonic() > deadline:
            train.kill()
            pytest.fail("train ended, or printed no 'loss ...' line, before training")
    time.sleep(0.5)  # well inside the first of a million epochs
    train.send_signal(signal.SIGINT)
    out, err = train.communicate(timeout=60)
    assert train.returncode == 130, err
    assert "stopped by Ctrl-C after" in out
    assert err == (f"chainrule train: stopped by Ctrl-C; the model trained so far is in "
                   f"{tmp_path / 'model.json'}\n")
    assert load_model(tmp_path / "model.json").architecture()["nouts"] == [16, 16, 1]


def test_ctrl_c_in_any_command_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nn import cli
    from nn.commands import explain

    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(explain, "run", interrupted)
    try:
        status = cli.main(["explain"])
    except KeyboardInterrupt:  # unhandled, it would stop the whole test run
        pytest.fail("chainrule let Ctrl-C through as a KeyboardInterrupt")
    assert status == 130
    assert capsys.readouterr().err == "\nchainrule explain: stopped by Ctrl-C\n"
