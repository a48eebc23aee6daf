"""The floor: the same training step written by hand in plain Python, floats and lists, no engine.

This is what a programmer who knows the four equations writes for an MLP: a forward pass that
keeps each layer's z and a, the output delta from the loss, the deltas one layer back through
the transposed weights, the gradients as the outer product of delta and the previous layer's
activations, then the update. It uses the fast idioms of plain Python (`sum(map(mul, ...))`,
list comprehensions, a transposed copy of each weight matrix per step) and skips a neuron whose
delta is 0, as the engine does. No engine can do less work in pure Python than this; the
compiled step is measured against it.
"""

# W and l are the notation of the seeds: W[l][j][k], layer l.
# ruff: noqa: N803, N806, E741

from __future__ import annotations

import math
from operator import mul

from tasks import ALPHA, Batch, Parameters, Task


def _sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class PlainPython:
    name = "plain Python (floor)"

    def __init__(self, task: Task, init: Parameters) -> None:
        self.task = task
        self.W = [[list(row) for row in W] for W, _ in init]
        self.b = [list(b) for _, b in init]
        layers = len(self.W)
        self.activation = [task.hidden] * (layers - 1) + [task.output]

    def step(self, batch: Batch) -> float:
        W, b, task = self.W, self.b, self.task
        L, m = len(W), len(batch.X)
        gW = [[[0.0] * len(row) for row in W_l] for W_l in W]
        gb = [[0.0] * len(b_l) for b_l in b]
        columns = [list(zip(*W_l)) for W_l in W]  # W^T, for the deltas one layer back
        total = 0.0
        for x, t in zip(batch.X, batch.y):
            a_s, z_s = [x], []
            a = x
            for l in range(L):  # forward: z = W a_prev + b, a = f(z)
                z = [sum(map(mul, row, a), b_j) for row, b_j in zip(W[l], b[l])]
                a = self._f(self.activation[l], z)
                z_s.append(z)
                a_s.append(a)
            if task.loss == "mse":  # C = (1/m) sum (a - t)^2, dC/da = 2 (a - t) / m
                diffs = [a_j - t_j for a_j, t_j in zip(a, t)]  # type: ignore[call-overload]
                total += sum(d * d for d in diffs)
                dC_da = [2.0 * d / m for d in diffs]
            else:  # hinge: C = (1/m) sum max(0, 1 - t s), dC/ds = -t/m where t s < 1
                margin = 1.0 - t * a[0]  # type: ignore[operator]
                if margin > 0.0:
                    total += margin
                dC_da = [-t / m if margin > 0.0 else 0.0]  # type: ignore[operator]
            delta = self._delta(self.activation[L - 1], dC_da, z_s[L - 1], a)
            for l in range(L - 1, -1, -1):  # backward: dC/dW = delta a_prev, dC/db = delta
                a_prev = a_s[l]
                gW_l, gb_l = gW[l], gb[l]
                for j, d in enumerate(delta):
                    if d:
                        gW_l[j] = [g + d * a_k for g, a_k in zip(gW_l[j], a_prev)]
                        gb_l[j] += d
                if l:
                    back = [sum(map(mul, column, delta)) for column in columns[l]]
                    delta = self._delta(self.activation[l - 1], back, z_s[l - 1], a_prev)
        cost = total / m
        if task.loss != "mse":  # + ALPHA sum p^2, whose gradient is 2 ALPHA p
            cost += ALPHA * sum(p * p for p in self.parameters())
            for W_l, b_l, gW_l, gb_l in zip(W, b, gW, gb):
                for row, grow in zip(W_l, gW_l):
                    grow[:] = [g + 2.0 * ALPHA * w for g, w in zip(grow, row)]
                gb_l[:] = [g + 2.0 * ALPHA * b_j for g, b_j in zip(gb_l, b_l)]
        lr = task.lr
        for W_l, b_l, gW_l, gb_l in zip(W, b, gW, gb):  # the update: p = p - lr dC/dp
            for row, grow in zip(W_l, gW_l):
                row[:] = [w - lr * g for w, g in zip(row, grow)]
            b_l[:] = [b_j - lr * g for b_j, g in zip(b_l, gb_l)]
        return cost

    @staticmethod
    def _f(name: str, z: list[float]) -> list[float]:
        if name == "relu":
            return [z_j if z_j > 0.0 else 0.0 for z_j in z]
        if name == "sigmoid":
            return [_sigmoid(z_j) for z_j in z]
        return z

    @staticmethod
    def _delta(name: str, dC_da: list[float], z: list[float], a: list[float]) -> list[float]:
        """delta = dC/da * f'(z)."""
        if name == "relu":
            return [g if z_j > 0.0 else 0.0 for g, z_j in zip(dC_da, z)]
        if name == "sigmoid":
            return [g * a_j * (1.0 - a_j) for g, a_j in zip(dC_da, a)]
        return dC_da

    def parameters(self) -> list[float]:
        return [x for W_l, b_l in zip(self.W, self.b) for row, b_j in zip(W_l, b_l)
                for x in (*row, b_j)]


__all__ = ["PlainPython"]
