"""`chainrule train --html PAGE`: backward through one training sample, written before training."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from nn.cli import main
from nn.data import make_xor, train_test_split
from nn.draw import sample_graph
from nn.layers import MLP


def page_state(html: str) -> tuple[dict[str, str], dict[str, str]]:
    """What a step-through page shows at its end, by grad cell id, and each labelled cell's id."""
    payload = re.search(r'<script id="steps" type="application/json">(.*?)</script>', html, re.S)
    assert payload is not None
    data = json.loads(payload.group(1))
    final = dict(data["initial"])
    for step in data["steps"]:
        final.update(step["cells"])
    cells = dict(re.findall(r'<tspan id="([^"]+)" class="grad" data-grad-of="([^"]+)"', html))
    return final, {label: cell for cell, label in cells.items()}


def test_train_writes_the_page_of_its_first_sample_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "pages" / "steps.html"
    argv = ["train", "--dataset", "xor", "--hidden", "3", "--epochs", "2", "--no-plots",
            "--no-progress", "--out", str(tmp_path / "run"), "--html", str(page)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"wrote {page}: backward through that sample, bce loss" in out
    html = page.read_text(encoding="utf-8")
    assert "one xor sample" in html and "before training" in html
    # the same network and sample, untrained: the page ends at its gradients, not the trained ones
    samples, labels = make_xor(100, 0.1, seed=0)
    train, _, targets, _ = train_test_split(samples, labels, 0.2, seed=0)
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    cost = sample_graph(model, train[0], [targets[0]], loss="bce")
    cost.backward()
    final, cell_of = page_state(html)
    parameters = {p.label: p for p in model.parameters()}
    assert set(cell_of) == set(parameters) | {"C"}
    for label, parameter in parameters.items():
        assert float(final[cell_of[label]]) == pytest.approx(parameter.grad, rel=5e-4, abs=1e-12)
    assert (tmp_path / "run" / "model.json").exists()


def test_without_a_layout_train_html_stops_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no dot
    monkeypatch.setitem(sys.modules, "grandalf", None)  # and no grandalf
    argv = ["train", "--dataset", "xor", "--epochs", "1", "--no-plots", "--no-progress",
            "--out", str(tmp_path / "run"), "--html", str(tmp_path / "steps.html")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "--html needs graphviz's dot program or the grandalf package" in err
    assert "pip install 'chainrule[graph]'" in err and "nothing was trained" in err
    assert not (tmp_path / "run").exists() and not (tmp_path / "steps.html").exists()


def test_a_digits_page_with_cross_entropy_takes_a_class_index() -> None:
    """cross_entropy's targets are class indices: the page of a 10-output sample must accept one."""
    model = MLP(4, [3, 10], output_activation="linear", seed=0)
    cost = sample_graph(model, [0.1, 0.2, 0.3, 0.4], 7, loss="cross_entropy")
    by_hand = sample_graph(model, [0.1, 0.2, 0.3, 0.4], [float(k == 7) for k in range(10)],
                           loss="cross_entropy")
    assert cost.data == by_hand.data
