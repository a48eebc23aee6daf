"""chainrule's neural-network library, built from `autograd.Value`s.

    >>> from nn import MLP, Adam, fit, evaluate
    >>> from nn.data import make_moons
    >>> X, y = make_moons(100, noise=0.1, seed=0)
    >>> model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
    >>> history = fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.02),
    ...               epochs=60, batch_size=20, progress=False)
    >>> evaluate(model, X, y, loss="bce").value
    1.0

Modules: `nn.layers` (Neuron, Layer, MLP), `nn.activations`, `nn.losses`, `nn.optim`, `nn.data`,
`nn.metrics`, `nn.training` (fit, train_step, evaluate), `nn.compiled` (compile_step: a training
step written out as Python code), `nn.manual` (backprop by hand),
`nn.serialize` (save, load), `nn.plots` (needs matplotlib).
"""

from nn import activations, data, losses, manual, metrics, optim
from nn.compiled import CompiledStep, compile_step
from nn.interop import from_torch, to_torch
from nn.layers import MLP, Layer, Neuron, load_model
from nn.losses import bce, cross_entropy, half_mse, hinge, mse, sse
from nn.metrics import accuracy
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer
from nn.probabilities import softmax
from nn.training import Evaluation, History, evaluate, fit, predict, train_step

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "CompiledStep",
    "Evaluation",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "Optimizer",
    "accuracy",
    "activations",
    "bce",
    "compile_step",
    "cross_entropy",
    "data",
    "evaluate",
    "fit",
    "from_torch",
    "half_mse",
    "hinge",
    "load_model",
    "losses",
    "manual",
    "metrics",
    "mse",
    "optim",
    "predict",
    "softmax",
    "sse",
    "to_torch",
    "train_step",
]
