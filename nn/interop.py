"""The way out to PyTorch and back: an `MLP` as a `torch.nn.Sequential`, and the reverse.

Layer l of an MLP is `torch.nn.Linear(nin, nout)` with `weight[j][k] = W[l][j][k]` and
`bias[j] = b[l][j]`, followed by its activation's module (none for "linear"):

    MLP(64, [30, 10], "sigmoid", "linear")  <->  Sequential(Linear(64, 30), Sigmoid(),
                                                            Linear(30, 10))

`to_torch` makes float64 tensors, so the two networks give the same outputs to the last bit or
two; from there a model can grow past what a scalar engine can train (full MNIST, a GPU).
torch is optional: it is imported when one of these functions is called, and its absence is
reported before anything is built.
"""

from __future__ import annotations

import importlib
import math
from types import ModuleType
from typing import Any

from nn.layers import MLP

TORCH_MODULES: dict[str, str | None] = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "linear": None,
}
"""The name in `torch.nn` of each activation's module, keyed like `nn.activations.ACTIVATIONS`."""


def to_torch(model: MLP) -> Any:
    """A float64 `torch.nn.Sequential` with `model`'s weights: the same function of the inputs.

    For a batch X (m samples), `to_torch(model)(torch.tensor(X))[i]` is `model(X[i])` as a
    tensor of the output layer's size (size 1 for a single output, where `model` gives a Value).
    """
    torch = _import_torch("to_torch")
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch takes an nn.MLP, got {type(model).__name__}: {model!r}")
    modules = []
    for layer in model.layers:
        nin, nout = len(layer.neurons[0].w), len(layer.neurons)
        linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
        weights = [[w.data for w in n.w] for n in layer.neurons]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        activation = _torch_module_name(layer.activation)
        if activation is not None:
            modules.append(getattr(torch.nn, activation)())
    return torch.nn.Sequential(*modules)


def from_torch(sequential: Any) -> MLP:
    """The `MLP` that computes what `sequential` computes, its weights copied as floats.

    `sequential` must be a `torch.nn.Sequential` of `Linear` layers (sizes that chain), each
    followed by at most one activation module among Sigmoid, Tanh, ReLU and Identity (none, or
    Identity, means "linear"); every hidden layer must share one activation, as in an MLP. A
    Linear without a bias gets biases of 0. Anything else raises ValueError naming the module.
    """
    torch = _import_torch("from_torch")
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(
            f"from_torch takes a torch.nn.Sequential, got {type(sequential).__name__}"
        )
    layers = _linear_layers(torch, list(sequential))
    hidden = {activation for _, activation in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(
            "from_torch: the hidden layers use different activations "
            f"({', '.join(sorted(hidden))}); an nn.MLP has one activation for every hidden "
            "layer and one for the output layer"
        )
    output = layers[-1][1]
    activation = hidden.pop() if hidden else output
    numbers = [_numbers(torch, linear, index) for index, (linear, _) in enumerate(layers)]
    nouts = [len(biases) for _, biases in numbers]
    model = MLP(layers[0][0].in_features, nouts, activation, output, seed=0)
    for layer, (weights, biases) in zip(model.layers, numbers):
        for neuron, row, bias in zip(layer.neurons, weights, biases):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = bias
    return model


def _import_torch(who: str) -> ModuleType:
    """torch, or ImportError saying how to get it.

    Imported by name rather than with `import torch`, so that mypy never reads torch's own
    types: `mypy --strict` then gives the same verdict with torch installed and without it.
    """
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(
            f"{who} needs PyTorch: pip install torch (chainrule is tested with torch 2.13)"
        ) from None


def _torch_module_name(activation: str) -> str | None:
    if activation not in TORCH_MODULES:
        raise ValueError(
            f"activation {activation!r} has no PyTorch module here; known: "
            f"{', '.join(map(repr, TORCH_MODULES))}"
        )
    return TORCH_MODULES[activation]


def _activation_of(torch: ModuleType, module: object) -> str | None:
    """The activation name of a torch module, or None if it is not one we know."""
    if type(module) is torch.nn.Identity:
        return "linear"
    for name, class_name in TORCH_MODULES.items():
        if class_name is not None and type(module) is getattr(torch.nn, class_name):
            return name
    return None


def _linear_layers(torch: ModuleType, modules: list[Any]) -> list[tuple[Any, str]]:
    """(Linear, activation name) per layer, after checking the order and the sizes."""
    layers: list[tuple[Any, str]] = []
    activated = True
    for index, module in enumerate(modules):
        where = f"from_torch: module {index} ({type(module).__name__})"
        if type(module) is torch.nn.Linear:
            if layers and module.in_features != layers[-1][0].out_features:
                raise ValueError(
                    f"{where} takes {module.in_features} inputs, but the layer before it has "
                    f"{layers[-1][0].out_features} outputs"
                )
            layers.append((module, "linear"))
            activated = False
            continue
        activation = _activation_of(torch, module)
        if activation is None:
            advice = (
                " leave softmax out: train on the logits with cross_entropy, and read "
                "probabilities with nn.softmax"
                if type(module) in (torch.nn.Softmax, torch.nn.LogSoftmax)
                else ""
            )
            raise ValueError(
                f"{where} is not a layer an nn.MLP has: expected Linear or one of "
                f"Sigmoid, Tanh, ReLU, Identity.{advice}"
            )
        if activated:
            raise ValueError(f"{where} must follow a Linear layer, not another activation")
        layers[-1] = (layers[-1][0], activation)
        activated = True
    if not layers:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    return layers


def _numbers(torch: ModuleType, linear: Any, index: int) -> tuple[list[list[float]], list[float]]:
    """(weight rows, biases) of a Linear layer as floats, refusing NaN and infinities."""
    weights = linear.weight.detach().to(torch.float64).tolist()
    biases = (
        [0.0] * linear.out_features
        if linear.bias is None
        else linear.bias.detach().to(torch.float64).tolist()
    )
    if not all(math.isfinite(x) for row in weights for x in row) or not all(
        math.isfinite(x) for x in biases
    ):
        raise ValueError(
            f"from_torch: Linear layer {index} has a weight or bias that is not finite"
        )
    return weights, biases
