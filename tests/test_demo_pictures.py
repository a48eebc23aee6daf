"""The demo draws a sample before training, where the gradients still say something."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.svg import parse_svg

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_draws_a_sample_whose_gradients_are_not_vanishing(tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py"), str(tmp_path)],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    drawing = parse_svg((tmp_path / "sample_graph.svg").read_bytes())
    output = " ".join(next(t for t in drawing.nodes.values() if t and t[0] == "L3.N0"))
    # bce reads the sigmoid's output from its logit: C's graph reaches the neuron at z, whose
    # gradient is the box's δ[3][0] = dC/dz[3][0] = (a - t)/m
    found = re.search(r"δ\[3\]\[0\] = (-?[\d.e-]+)", output)
    assert found, output
    assert abs(float(found.group(1))) > 0.1  # after training it would be around 1e-7
    delta = re.search(r"δ\[1\]\[0\] = (-?[\d.e-]+)", " ".join(drawing.texts))
    assert delta and abs(float(delta.group(1))) > 1e-4
    assert "step 0 of" in (tmp_path / "sample_steps.html").read_text()
