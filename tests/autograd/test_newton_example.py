"""The Newton example converges in the number of steps it claims, to the true minimum."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sympy

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "newton.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newton_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_newton_finds_the_bowl_minimum_in_six_steps() -> None:
    example = load_example()
    path = example.newton_1d(example.bowl, 2.0)
    minimum = -float(sympy.LambertW(sympy.Rational(1, 2)))  # 2x + e^x = 0  <=>  x = -W(1/2)
    assert len(path) - 1 == 6
    assert abs(path[-1] - minimum) < 1e-14
    descent = example.descent_1d(example.bowl, 2.0, lr=0.1, max_steps=10_000)
    assert len(descent) - 1 > 10 * (len(path) - 1)


def test_newton_finds_the_rosenbrock_minimum_in_seven_steps() -> None:
    example = load_example()
    path = example.newton_2d(example.rosenbrock, -1.2, 1.0)
    assert len(path) - 1 == 7
    x, y = path[-1]
    assert abs(x - 1.0) < 1e-12 and abs(y - 1.0) < 1e-12
