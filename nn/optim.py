"""Optimizers: turn the gradients left by `backward()` into parameter updates.

Both follow `torch.optim` update for update (same defaults, same order of operations), and the
tests check them against it step by step. Call `zero_grad()` before each `backward()`: gradients
accumulate.

A step is all or nothing: the new numbers are worked out first, then written with Ctrl-C held
back until the last one is in, so an interrupted step leaves the parameters and the optimizer's
state as they were before it or as they are after it, never half updated.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from autograd import Value


class Optimizer:
    """Holds the parameters (a fixed list) and clears their gradients; `step` updates them."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters; pass it model.parameters()")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"parameters must be Values, got {type(p).__name__}: {p!r}")
        self.lr = _check_positive("lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, with momentum: v = momentum * v + grad;  p = p - lr * v.

    With momentum 0 this is the seeds' update, w = w - eta * dC/dw. v starts at 0, so the first
    step is a plain gradient step (as in PyTorch, whose v also starts as the first gradient).
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        if not (isinstance(momentum, (int, float)) and 0.0 <= momentum < 1.0):
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        velocity = [self.momentum * v + p.grad for v, p in zip(self.velocity, self.params)]
        data = [p.data - self.lr * v for p, v in zip(self.params, velocity)]
        with uninterrupted():
            self.velocity = velocity
            write(self.params, data)


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): a step per parameter scaled by its own gradient history.

        m = beta1 m + (1 - beta1) g           running mean of the gradient
        v = beta2 v + (1 - beta2) g^2         running mean of its square
        p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    The divisions by 1 - beta^t undo the pull towards the zeros m and v start from. The
    arithmetic is ordered as `torch.optim.Adam` orders it, so the two agree to rounding.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2) such as (0.9, 0.999), got "
                             f"{betas!r}")
        beta1, beta2 = betas
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not (isinstance(beta, (int, float)) and 0.0 <= beta < 1.0):
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        self.betas = (float(beta1), float(beta2))
        self.eps = _check_positive("eps", eps)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        t = self.t + 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1.0 - beta1**t)
        correction2_sqrt = math.sqrt(1.0 - beta2**t)
        grads = [p.grad for p in self.params]
        m = [m_i + (1.0 - beta1) * (g - m_i) for m_i, g in zip(self.m, grads)]
        v = [v_i * beta2 + (1.0 - beta2) * g * g for v_i, g in zip(self.v, grads)]
        data = [
            p.data - step_size * (m_i / (math.sqrt(v_i) / correction2_sqrt + self.eps))
            for p, m_i, v_i in zip(self.params, m, v)
        ]
        with uninterrupted():
            self.t, self.m, self.v = t, m, v
            write(self.params, data)


def write(params: list[Value], data: list[float]) -> None:
    """Set each parameter's number."""
    for p, d in zip(params, data):
        p.data = d


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then deliver it as it would have been.

    Signals reach only the main thread, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


def _check_positive(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}: {x!r}")
    if not 0.0 < x < math.inf:
        raise ValueError(f"{name} must be a positive number, got {x!r}")
    return float(x)
