"""The engines, each running a task's training step the way its users write it.

- chainrule: `nn.train_step` (the engine: a graph per step, `backward()`, `SGD.step()`).
- chainrule compiled: `nn.compile_step`, the same step written out as Python once.
- micrograd 0.1.0: its demo's code; it has no sigmoid, so the digits task adds one the way
  micrograd adds every op (a node with a `_backward` closure).
- torch 0-d: one 0-d float64 tensor per scalar, the same Python loops as micrograd.
- torch vectorized: float64 matrices, one matmul per layer; one thread.
- jax.jit: the whole step (value, gradients, update) compiled by XLA, float64, on the CPU.
- plain Python: the floor (`floor.py`).

Each has `step(batch) -> loss` and `parameters() -> list[float]` (in `tasks.flat` order).
"""

# X names a batch of samples, as in scikit-learn; W a layer's weights.
# ruff: noqa: N803, N806

from __future__ import annotations

import math
from typing import Any, Protocol

from floor import PlainPython
from tasks import ALPHA, Batch, Parameters, Task, data


class Engine(Protocol):
    name: str

    def step(self, batch: Batch) -> float: ...

    def parameters(self) -> list[float]: ...


class Chainrule:
    name = "chainrule"

    def __init__(self, task: Task, init: Parameters) -> None:
        from autograd import sum as value_sum
        from nn import MLP, SGD, train_step
        from nn.losses import hinge

        self.model = MLP(task.nin, list(task.nouts), activation=task.hidden,
                         output_activation=task.output, seed=0)
        params = self.model.parameters()
        for p, x in zip(params, [x for W, b in init for row, b_j in zip(W, b)
                                 for x in (*row, b_j)]):
            p.data = x
        self.optimizer = SGD(params, lr=task.lr)
        if task.loss == "mse":
            self.loss: Any = "mse"
        else:
            def loss(scores: Any, y: Any) -> Any:
                return hinge(scores, y) + ALPHA * value_sum([p * p for p in params])

            self.loss = loss
        self.train_step = train_step

    def step(self, batch: Batch) -> float:
        return float(self.train_step(self.model, self.loss, self.optimizer, batch.X, batch.y)[1])

    def parameters(self) -> list[float]:
        return [p.data for p in self.model.parameters()]


class ChainruleCompiled(Chainrule):
    name = "chainrule compiled"

    def __init__(self, task: Task, init: Parameters) -> None:
        from nn import compile_step

        super().__init__(task, init)
        self.compiled = compile_step(self.model, self.loss, self.optimizer)

    def step(self, batch: Batch) -> float:
        return self.compiled(batch.X, batch.y)[1]


def _micrograd_sigmoid(v: Any) -> Any:
    """sigmoid as micrograd writes an op: the node, and a closure that backpropagates through it."""
    from micrograd.engine import Value

    z = v.data
    s = 1.0 / (1.0 + math.exp(-z)) if z >= 0.0 else math.exp(z) / (1.0 + math.exp(z))
    out = Value(s, (v,), "sigmoid")

    def _backward() -> None:
        v.grad += s * (1.0 - s) * out.grad

    out._backward = _backward
    return out


class Micrograd:
    name = "micrograd"

    def __init__(self, task: Task, init: Parameters) -> None:
        from micrograd.engine import Value

        self.task, self.Value = task, Value
        self.layers = [([[Value(x) for x in row] for row in W], [Value(x) for x in b])
                       for W, b in init]
        self.params = [p for W, b in self.layers for row, b_j in zip(W, b) for p in (*row, b_j)]

    def forward(self, x: list[Any]) -> list[Any]:
        """micrograd's Neuron: `sum((wi*xi for wi,xi in zip(self.w, x)), self.b)`, then f."""
        last = len(self.layers) - 1
        for number, (W, b) in enumerate(self.layers):
            x = [sum((wi * xi for wi, xi in zip(row, x)), b_j) for row, b_j in zip(W, b)]
            f = self.task.hidden if number < last else self.task.output
            if f == "relu":
                x = [v.relu() for v in x]
            elif f == "sigmoid":
                x = [self.sigmoid(v) for v in x]
        return x

    @staticmethod
    def sigmoid(v: Any) -> Any:
        """micrograd 0.1.0 has no sigmoid: 1 / (1 + e^-v) from its own ops."""
        return _micrograd_sigmoid(v)

    def step(self, batch: Batch) -> float:
        Value = self.Value
        inputs = [list(map(Value, row)) for row in batch.X]
        outputs = [self.forward(x) for x in inputs]
        if self.task.loss == "mse":
            total_loss = sum((a - t) ** 2 for out, ts in zip(outputs, batch.y)
                             for a, t in zip(out, ts)) * (1.0 / len(outputs))  # type: ignore[arg-type]
        else:  # micrograd's demo, word for word
            scores = [out[0] for out in outputs]
            losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(batch.y, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = ALPHA * sum(p * p for p in self.params)
            total_loss = data_loss + reg_loss
        for p in self.params:
            p.grad = 0
        total_loss.backward()
        for p in self.params:
            p.data -= self.task.lr * p.grad
        return float(total_loss.data)

    def parameters(self) -> list[float]:
        return [float(p.data) for p in self.params]


class TorchScalar(Micrograd):
    name = "torch 0-d"

    def __init__(self, task: Task, init: Parameters) -> None:
        import torch

        self.task, self.torch = task, torch

        def leaf(x: float) -> Any:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        self.layers = [([[leaf(x) for x in row] for row in W], [leaf(x) for x in b])
                       for W, b in init]
        self.params = [p for W, b in self.layers for row, b_j in zip(W, b) for p in (*row, b_j)]

    @staticmethod
    def sigmoid(v: Any) -> Any:
        return v.sigmoid()

    def step(self, batch: Batch) -> float:
        outputs = [self.forward(list(row)) for row in batch.X]
        if self.task.loss == "mse":
            total_loss = sum((a - t) ** 2 for out, ts in zip(outputs, batch.y)
                             for a, t in zip(out, ts)) * (1.0 / len(outputs))  # type: ignore[arg-type]
        else:
            scores = [out[0] for out in outputs]
            losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(batch.y, scores)]
            total_loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in self.params)
        for p in self.params:
            p.grad = None
        total_loss.backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= self.task.lr * p.grad
        return float(total_loss.item())

    def parameters(self) -> list[float]:
        return [float(p.item()) for p in self.params]


class TorchVectorized:
    name = "torch vectorized"

    def __init__(self, task: Task, init: Parameters) -> None:
        import torch

        self.task, self.torch = task, torch
        f64 = torch.float64
        self.weights = [torch.tensor(W, dtype=f64, requires_grad=True) for W, _ in init]
        self.biases = [torch.tensor(b, dtype=f64, requires_grad=True) for _, b in init]
        self.params = [p for pair in zip(self.weights, self.biases) for p in pair]
        X, y = data(task)
        self.X, self.y = torch.tensor(X, dtype=f64), torch.tensor(y, dtype=f64)

    def step(self, batch: Batch) -> float:
        torch, task = self.torch, self.task
        rows = torch.tensor(batch.indices)
        a, t = self.X[rows], self.y[rows]
        last = len(self.weights) - 1
        for number, (W, b) in enumerate(zip(self.weights, self.biases)):
            a = torch.addmm(b, a, W.t())
            f = task.hidden if number < last else task.output
            if f == "relu":
                a = a.relu()
            elif f == "sigmoid":
                a = a.sigmoid()
        if task.loss == "mse":
            total_loss = ((a - t) ** 2).sum() / len(batch.indices)
        else:
            total_loss = ((1 - t * a[:, 0]).relu().mean()
                          + ALPHA * sum((p * p).sum() for p in self.params))
        for p in self.params:
            p.grad = None
        total_loss.backward()
        with torch.no_grad():
            for p in self.params:
                p -= task.lr * p.grad
        return float(total_loss.item())

    def parameters(self) -> list[float]:
        return [x for W, b in zip(self.weights, self.biases)
                for row, b_j in zip(W.tolist(), b.tolist()) for x in (*row, b_j)]


class Jax:
    name = "jax.jit"

    def __init__(self, task: Task, init: Parameters) -> None:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        self.task, self.jnp = task, jnp
        self.params = [(jnp.array(W, dtype=jnp.float64), jnp.array(b, dtype=jnp.float64))
                       for W, b in init]
        X, y = data(task)
        self.X, self.y = jnp.array(X, dtype=jnp.float64), jnp.array(y, dtype=jnp.float64)
        last = len(init) - 1

        def loss(params: Any, a: Any, t: Any) -> Any:
            for number, (W, b) in enumerate(params):
                a = a @ W.T + b
                f = task.hidden if number < last else task.output
                if f == "relu":
                    a = jnp.maximum(a, 0.0)
                elif f == "sigmoid":
                    a = jax.nn.sigmoid(a)
            if task.loss == "mse":
                return ((a - t) ** 2).sum() / a.shape[0]
            penalty = sum((W * W).sum() + (b * b).sum() for W, b in params)
            return jnp.maximum(1.0 - t * a[:, 0], 0.0).mean() + ALPHA * penalty

        def step(params: Any, X: Any, y: Any, rows: Any) -> Any:
            value, grads = jax.value_and_grad(loss)(params, X[rows], y[rows])
            return value, [(W - task.lr * gW, b - task.lr * gb)
                           for (W, b), (gW, gb) in zip(params, grads)]

        self.compiled = jax.jit(step)

    def step(self, batch: Batch) -> float:
        rows = self.jnp.array(batch.indices)
        value, self.params = self.compiled(self.params, self.X, self.y, rows)
        value.block_until_ready()
        return float(value)

    def parameters(self) -> list[float]:
        return [x for W, b in self.params for row, b_j in zip(W.tolist(), b.tolist())
                for x in (*row, b_j)]


def available() -> dict[str, str]:
    """Which optional engines can run here: {name: why not} for those that cannot."""
    missing = {}
    for name, module in (("micrograd", "micrograd"), ("torch 0-d", "torch"),
                         ("torch vectorized", "torch"), ("jax.jit", "jax")):
        try:
            __import__(module)
        except ImportError:
            missing[name] = f"{module} is not installed"
    return missing


ENGINES: dict[str, type[Any]] = {
    engine.name: engine
    for engine in (ChainruleCompiled, Chainrule, PlainPython, TorchVectorized, Jax,
                   TorchScalar, Micrograd)
}
SLOW = {"micrograd", "torch 0-d"}  # a second or more per step on the digits task


__all__ = ["ENGINES", "SLOW", "Engine", "available"]
