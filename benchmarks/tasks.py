"""The two training steps every engine runs: micrograd's demo step and a digit-sized network.

- demo: micrograd's demo.ipynb step. MLP(2, [16, 16, 1]), ReLU hidden layers, a linear output,
  on 100 two-moons points (noise 0.1, labels -1/+1); a batch of 32; the max-margin loss
  mean(relu(1 - y s)) plus an L2 penalty 1e-4 * sum(p^2); SGD (lr 0.05, no momentum).
- digits: MLP(64, [32, 10]), sigmoid everywhere, the size of scikit-learn's 8x8 digits with one-hot
  targets (random pixels in [0, 1] here: the time does not depend on the numbers); a batch of 32;
  mse = (1/m) sum (a - t)^2; SGD (lr 0.5).

Every engine starts from the same parameters (chainrule's `MLP(..., seed=0)`) and takes the same
batches, so after each step all of them must hold the same parameters.
"""

# X names a batch of samples, as in scikit-learn; W a layer's weights.
# ruff: noqa: N806

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

ALPHA = 1e-4  # the demo's L2 penalty

Parameters = list[tuple[list[list[float]], list[float]]]  # per layer: W[j][k], b[j]


@dataclass(frozen=True)
class Task:
    """A training step: the network, its loss and optimizer, the data it draws batches from."""

    name: str
    title: str
    nin: int
    nouts: tuple[int, ...]
    hidden: str  # "relu" or "sigmoid"
    output: str  # "linear" or "sigmoid"
    loss: str  # "hinge + L2" or "mse"
    lr: float
    batch: int
    samples: int

    @property
    def parameter_count(self) -> int:
        sizes = [self.nin, *self.nouts]
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


DEMO = Task("demo", "micrograd's demo step: MLP(2, [16, 16, 1]), batch 32, hinge + L2, SGD",
            2, (16, 16, 1), "relu", "linear", "hinge + L2", 0.05, 32, 100)
DIGITS = Task("digits", "MLP(64, [32, 10]), sigmoid, mse, batch 32, SGD",
              64, (32, 10), "sigmoid", "sigmoid", "mse", 0.5, 32, 256)
TASKS = (DEMO, DIGITS)


@dataclass(frozen=True)
class Batch:
    """One batch, as lists (for the scalar engines) and as row numbers (for the vectorized)."""

    indices: list[int]
    X: list[list[float]]
    y: list[float] | list[list[float]]


def data(task: Task) -> tuple[list[list[float]], list[float] | list[list[float]]]:
    """The task's samples and targets, the same on every run."""
    if task.name == "demo":
        from nn.data import make_moons

        X, labels = make_moons(task.samples, noise=0.1, seed=0)
        return X, [2.0 * t - 1.0 for t in labels]
    rng = random.Random(0)
    X = [[rng.random() for _ in range(task.nin)] for _ in range(task.samples)]
    k = task.nouts[-1]
    classes = [rng.randrange(k) for _ in range(task.samples)]
    return X, [[1.0 if j == c else 0.0 for j in range(k)] for c in classes]


def batches(task: Task, count: int, seed: int = 0) -> list[Batch]:
    """`count` batches of `task.batch` samples drawn at random (without replacement within one)."""
    X, y = data(task)
    rng = random.Random(seed)
    drawn = []
    for _ in range(count):
        rows = rng.sample(range(len(X)), task.batch)
        drawn.append(Batch(rows, [X[i] for i in rows], [y[i] for i in rows]))  # type: ignore[misc]
    return drawn


def initial_parameters(task: Task) -> Parameters:
    """chainrule's initial weights for the task's network (`nn.MLP(..., seed=0)`)."""
    from nn import MLP

    model = MLP(task.nin, list(task.nouts), activation=task.hidden,
                output_activation=task.output, seed=0)
    return [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
            for layer in model.layers]


def flat(parameters: Parameters) -> list[float]:
    """Every parameter in chainrule's (and micrograd's) order: layer by layer, neuron by neuron,
    the weights and then the bias."""
    return [x for W, b in parameters for row, b_j in zip(W, b) for x in (*row, b_j)]


__all__ = ["ALPHA", "DEMO", "DIGITS", "TASKS", "Batch", "Parameters", "Task", "batches", "data",
           "flat", "initial_parameters"]
