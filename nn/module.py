"""`Module`: anything with parameters: listing them, zeroing their gradients, saving them.

A module's parameters have structural names ("L1.N0.w0" is weight w[0] of neuron 0 in layer 1),
the keys of its `state_dict()`. The names do not depend on the `Value` labels (which a user may
change), so a state dict written by one model loads into any model of the same architecture.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Protocol, cast

from autograd import Value
from nn import serialize

Architecture = dict[str, object]
Inputs = Sequence[Value | float]


class NeuronLike(Protocol):
    """What a neuron must have to be drawn or backpropagated by hand: z = w·x + b, a = f(z)."""

    @property
    def w(self) -> Sequence[Value]: ...

    @property
    def b(self) -> Value: ...

    @property
    def activation(self) -> str: ...

    def __call__(self, x: Inputs) -> Value: ...


class LayerLike(Protocol):
    """A layer: its neurons, each reading the same inputs."""

    @property
    def neurons(self) -> Sequence[NeuronLike]: ...


class ModelLike(Protocol):
    """A network: its layers, the input first (an `MLP`, or anything shaped like one)."""

    @property
    def layers(self) -> Sequence[LayerLike]: ...


def neuron_layers(model: object) -> list[list[NeuronLike]] | None:
    """The neurons of an MLP-, Layer- or Neuron-shaped object, layer by layer; None for another.

    Only the shape is read (.layers of .neurons, .neurons, or .w and .b): the callers check the
    neurons themselves, each in its own words.
    """
    layers: list[list[NeuronLike]]
    if hasattr(model, "layers"):
        layers = [list(getattr(layer, "neurons", ())) for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [list(model.neurons)]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [[cast(NeuronLike, model)]]
    else:
        return None
    return layers


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
        values = serialize.checked_state(state, [name for name, _ in named])
        for (_, p), value in zip(named, values):
            p.data = value

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters to `path` as JSON, atomically."""
        serialize.save(self, path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by `save`; a bad file raises ValueError and changes nothing."""
        serialize.load(self, path)

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        """In Jupyter, a model shows as the diagram of its architecture (`nn.draw`)."""
        from nn.draw import mimebundle

        return mimebundle(self)
