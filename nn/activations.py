"""Activation functions by name: a = f(z), applied to a neuron's weighted sum z.

The one table of them. Each entry holds the function (an op of the engine, so it takes a `Value`
and builds the graph, or a float and gives a float) and its derivative *by hand*, f'(z), written
from z and a because the neat forms use a. The engine never sees the hand derivatives: `nn.manual`
uses them to backpropagate on paper, and the tests hold the two against each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import relu, sigmoid, tanh


@dataclass(frozen=True)
class Activation:
    """One activation: a = f(z), and da/dz = f'(z) derived by hand."""

    name: str
    f: Callable[[Any], Any]
    slope: Callable[[float, float], float]
    math: str


def _identity(z: Any) -> Any:
    return z


def _relu_slope(z: float, a: float) -> float:
    """1 where z > 0, 0 where z <= 0 (at 0 too, as in PyTorch), and NaN for a NaN z, as the
    engine's relu gives: a NaN is never hidden behind a slope of 0."""
    if z > 0.0:
        return 1.0
    return 0.0 if z <= 0.0 else math.nan


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a),
                   "a = 1 / (1 + e^-z);  da/dz = a (1 - a)    (the seeds' choice; a in (0, 1))"),
        Activation("tanh", tanh, lambda z, a: 1.0 - a * a,
                   "a = tanh z;  da/dz = 1 - a^2    (a in (-1, 1), centred on 0)"),
        Activation("relu", relu, _relu_slope,
                   "a = max(0, z);  da/dz = 1 if z > 0 else 0"),
        Activation("linear", _identity, lambda z, a: 1.0,
                   "a = z;  da/dz = 1    (no node: z is the output)"),
    )
}


def get_activation(name: object) -> Activation:
    """The activation called `name`, or ValueError listing the names there are."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]


__all__ = ["ACTIVATIONS", "Activation", "get_activation"]
