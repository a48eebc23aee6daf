"""The PyTorch twin of an `nn` model: the same weights as float64 tensors, the same math."""

# W and X are matrices, as in the seeds' notation.
# ruff: noqa: N803, N806

from __future__ import annotations

from types import ModuleType
from typing import Any

from nn import MLP


def torch_layers(torch: ModuleType, model: MLP) -> list[tuple[Any, Any, str]]:
    """(W, b, activation) per layer, W[j][k] = model.layers[l].neurons[j].w[k], with grads."""
    layers = []
    for layer in model.layers:
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], requires_grad=True)
        layers.append((W, b, layer.activation))
    return layers


def torch_forward(torch: ModuleType, layers: list[tuple[Any, Any, str]], X: Any) -> Any:
    """Outputs for a batch X (m x nin): a = f(a W^T + b), layer by layer."""
    functions = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "linear": lambda z: z,
    }
    a = X
    for W, b, activation in layers:
        a = functions[activation](a @ W.T + b)
    return a


def torch_loss(torch: ModuleType, name: str, a: Any, t: Any) -> Any:
    """The DESIGN.md definitions, written with torch's own functions where it has them."""
    m = a.shape[0]
    if name == "sse":
        return ((a - t) ** 2).sum()
    if name == "mse":
        return ((a - t) ** 2).sum() / m
    if name == "half_mse":
        return ((a - t) ** 2).sum() / (2 * m)
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy(a, t, reduction="sum") / m
    if name == "hinge":
        return torch.clamp(1 - t * a, min=0).sum() / m
    raise ValueError(name)
