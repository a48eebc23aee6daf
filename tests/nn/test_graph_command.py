"""`chainrule graph`: an expression in, its gradients printed and its diagram written."""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from pathlib import Path

import pytest

from nn.commands import graph
from tests.svg import parse_svg


def run(*argv: str) -> int:
    """`chainrule graph ARGV...` through the command's own parser."""
    parser = argparse.ArgumentParser(prog="chainrule")
    graph.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["graph", *argv])
    status: int = args.run(args)
    return status


def test_the_issue_example_writes_an_svg(
    dot: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "graph.svg"
    assert run("tanh(a*b + c)", "--set", "a=2", "b=-3", "c=1", "-o", str(out)) == 0
    slope = 1 - math.tanh(-5.0) ** 2
    printed = capsys.readouterr().out
    assert f"tanh(a*b + c) = {math.tanh(-5.0):.4g}" in printed
    assert f"d/da = {slope * -3:.4g}" in printed and f"wrote {out}" in printed
    drawing = parse_svg(out.read_bytes())
    boxes = {texts[0]: texts[1:] for k, texts in drawing.nodes.items() if k.startswith("v")}
    assert set(boxes) == {"a", "b", "c", "a*b", "a*b + c", "tanh(a*b + c)"}
    assert boxes["a"] == ["data 2", f"grad {slope * -3:.4g}"]
    # local derivatives are on by default: the arrows read as the chain rule
    labels = {edge[2] for edge in drawing.edges}
    assert {"d(a*b)/da = -3", "d(a*b)/db = 2", "d(a*b + c)/dc = 1"} <= labels
    assert f"d(tanh(a*b + c))/d(a*b + c) = {slope:.4g}" in labels


def test_highlight_and_options(dot: str, tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    argv = ["a*a + b", "--set", "a=3", "b=1", "-o", str(out), "--highlight", "a", "--no-local",
            "--no-grad", "--format", ".2f", "--rankdir", "TB"]
    assert run(*argv) == 0
    drawing = parse_svg(out.read_bytes())
    texts = " ".join(drawing.texts)
    assert "sum over 2 paths" in texts and "d(a*a + b)/da = 6.00" in texts
    assert "data 3.00" in texts and not any(t.startswith("grad") for t in drawing.texts)


def test_a_dot_path_or_source_writes_the_dot_source(tmp_path: Path) -> None:
    assert run("a*a", "--set", "a=3", "-o", str(tmp_path / "g.dot")) == 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    assert run("a*a", "--set", "a=3", "-o", str(tmp_path / "h.svg"), "--source") == 0
    assert (tmp_path / "h.dot").read_text().startswith("digraph")
    assert not (tmp_path / "h.svg").exists()


def test_without_dot_an_svg_is_still_drawn_and_a_png_says_how_to_install_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert run("a*a", "--set", "a=3", "-o", str(tmp_path / "g.svg")) == 0
    drawing = parse_svg((tmp_path / "g.svg").read_bytes())
    assert sum(1 for k in drawing.nodes if k.startswith("v")) == 2
    assert run("a*a", "--set", "a=3", "-o", str(tmp_path / "g.png")) == 1
    error = capsys.readouterr().err
    assert "apt-get install graphviz" in error and "brew install graphviz" in error
    assert not (tmp_path / "g.png").exists()


def test_html_writes_the_step_through_page(tmp_path: Path) -> None:
    page = tmp_path / "steps.html"
    assert run("tanh(a*b + c)", "--set", "a=2", "b=-3", "c=1", "-o", str(tmp_path / "g.svg"),
               "--html", str(page)) == 0
    html = page.read_text()
    assert 'id="next"' in html and 'data-grad-of="a"' in html and "step 0 of 3" in html


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["a.__class__", "--set", "a=1"], "attribute access"),
        (["__import__('os').system('true')"], "the only functions are"),
        (["a ** 1000", "--set", "a=1"], "exponent 1000"),
        (["a*b", "--set", "a=1"], "no value for b"),
        (["a", "--set", "a=1", "d=2"], "d given but not used"),
        (["a", "--set", "a=x"], "not a number"),
        (["log(a)", "--set", "a=0"], "log"),
        (["1/a", "--set", "a=0"], "division by zero"),
        (["a", "--set", "a=1", "--format", "%d"], "number_format"),
        (["a", "--set", "a=1", "--highlight", "q"], "highlight='q'"),
    ],
)
def test_bad_input_exits_2_with_the_reason(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g.svg"
    assert run(*argv, "-o", str(out)) == 2
    error = capsys.readouterr().err
    assert error.startswith("chainrule graph: error: ") and message in error
    assert not out.exists()


def test_too_big_is_refused_with_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("a*a*a*a", "--set", "a=2", "--max-nodes", "3", "-o", str(tmp_path / "g.dot")) == 2
    assert "has 4 Values, more than --max-nodes 3; pass --max-nodes 4" in capsys.readouterr().err


@pytest.mark.skipif(
    any(importlib.util.find_spec(f"nn.commands.{name}") is None
        for name in ("train", "check", "explain")),
    reason="the other chainrule commands are not all written yet",
)
def test_through_the_chainrule_program(tmp_path: Path) -> None:
    from nn.cli import main

    assert main(["graph", "tanh(a*b + c)", "--set", "a=2", "b=-3", "c=1",
                 "-o", str(tmp_path / "g.dot")]) == 0


def test_a_model_shows_its_architecture_in_jupyter(dot: str) -> None:
    from xml.etree import ElementTree

    from nn import MLP

    bundle = MLP(2, [3, 1], seed=0)._repr_mimebundle_()
    svg = ElementTree.fromstring(str(bundle["image/svg+xml"]))
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "sigmoid" in texts


@pytest.mark.parametrize("output", ["g.dot", "g.svg --source", "g.png", "g.pdf"])
def test_without_the_graphviz_package_it_says_what_to_install_before_any_work(
    output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if it were not installed
    name, *extra = output.split()
    assert run("a*a", "--set", "a=3", "-o", str(tmp_path / name), *extra) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing computed, nothing printed
    assert "needs the graphviz Python package" in captured.err
    assert "pip install 'chainrule[graph]'" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_without_the_graphviz_package_an_svg_never_ends_in_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """An .svg may be drawn without graphviz (by a pure-Python layout); if not, it says why."""
    monkeypatch.setitem(sys.modules, "graphviz", None)
    status = run("a*a", "--set", "a=3", "-o", str(tmp_path / "g.svg"))
    error = capsys.readouterr().err
    if status == 0:
        assert (tmp_path / "g.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    else:
        assert status == 1 and "pip install 'chainrule[graph]'" in error
        assert list(tmp_path.iterdir()) == []


def test_with_neither_dot_nor_grandalf_it_says_so_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot
    monkeypatch.setitem(sys.modules, "grandalf", None)  # as if it were not installed
    assert run("a*b", "--set", "a=2", "b=3", "-o", str(tmp_path / "g.svg")) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing computed, nothing printed
    assert "dot program or the grandalf package" in captured.err
    assert "Traceback" not in captured.err and not (tmp_path / "g.svg").exists()
