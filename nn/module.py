"""`Module`: anything with parameters: listing them, zeroing their gradients, saving them.

A module's parameters have structural names ("L1.N0.w0" is weight w[0] of neuron 0 in layer 1),
the keys of its `state_dict()`. The names do not depend on the `Value` labels (which a user may
change), so a state dict written by one model loads into any model of the same architecture.
"""

# X names a list of samples, as in scikit-learn.

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

from autograd import Value

Architecture = dict[str, object]
Inputs = Sequence[Value | float]


class Module:
    """Base class of `Neuron`, `Layer` and `MLP`: parameters by name, and what follows from them.

    A subclass says what its parameters are in `named_parameters()`, read from its attributes on
    every call, so a weight replaced by hand is always the one listed, saved and trained.
    """

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The module's output for one sample `x`."""
        raise NotImplementedError

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a fixed order, e.g. ("L1.N0.w0", Value(...))."""
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        """Every trainable `Value`, in the order of `named_parameters()`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's `grad` to 0.0; `backward()` accumulates, so do this per step."""
        for p in self.parameters():
            p.grad = 0.0

    def architecture(self) -> Architecture:
        """What it takes to build this module again: its class name and constructor arguments."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, float]:
        """{name: value} for every parameter: the numbers that `save` writes."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Copy the numbers of `state` into the parameters.

        Every name must be present, no other name may be, and every value must be a finite
        number. Anything else raises `ValueError` before a single parameter changes.
        """
        named = self.named_parameters()
        values = checked_state(state, [name for name, _ in named])
        for (_, p), value in zip(named, values):
            p.data = value

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters to `path` as JSON, atomically."""
        from nn.serialize import save

        save(self, path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by `save`; a bad file raises ValueError and changes nothing."""
        from nn.serialize import load

        load(self, path)

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        """In Jupyter, a model shows as the diagram of its architecture (`nn.draw`)."""
        from nn.draw import mimebundle

        return mimebundle(self)


def checked_state(state: object, names: list[str]) -> list[float]:
    """The values of `state` in the order of `names`, or ValueError saying what is wrong."""
    if not isinstance(state, Mapping):
        raise ValueError(f"a state dict must map parameter names to numbers, got {type(state)}")
    missing = [name for name in names if name not in state]
    expected = set(names)
    unexpected = [str(name) for name in state if name not in expected]
    if missing or unexpected:
        raise ValueError(
            f"state dict does not match the model ({len(names)} parameters expected, "
            f"{len(state)} given): missing {_few(missing)}, unexpected {_few(unexpected)}"
        )
    values = []
    for name in names:
        value = state[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"parameter {name!r} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"parameter {name!r} is {value!r}; parameters must be finite")
        values.append(float(value))
    return values


def _few(names: list[str], limit: int = 5) -> str:
    """At most `limit` names, then how many more: error messages stay one line long."""
    if not names:
        return "none"
    shown = ", ".join(map(repr, names[:limit]))
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
