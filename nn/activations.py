"""Activation functions by name: a = f(z), applied to a neuron's weighted sum z.

    sigmoid  a = 1 / (1 + e^-z)     da/dz = a (1 - a)     the seeds' default; outputs in (0, 1)
    tanh     a = tanh z             da/dz = 1 - a^2       outputs in (-1, 1), centred on 0
    relu     a = max(0, z)          da/dz = [z > 0]
    linear   a = z                  da/dz = 1             no node at all: z is returned as is

The derivatives live in the engine's rules table; this module only maps names to `Value` methods,
once, when a neuron is built, so calling a neuron never looks a name up.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value

Activation = Callable[[Value], Value]

ACTIVATIONS: dict[str, Activation | None] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": None,
}


def check_activation(name: object) -> str:
    """`name` if it names an activation, else ValueError listing the names there are."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return name


def activation_function(name: str) -> Activation | None:
    """The `Value` method that applies activation `name`, or None for "linear" (a = z)."""
    return ACTIVATIONS[check_activation(name)]


def activate(name: str, z: Value) -> Value:
    """a = f(z) for the activation called `name`; "linear" returns z itself."""
    f = activation_function(name)
    return z if f is None else f(z)
