"""Grad mode: whether ops record the graph they build (`no_grad` turns it off).

A context variable holds it, so it is per thread (and per asyncio task), as in PyTorch: one thread
inside `no_grad` never changes what another records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])

_grad_enabled: ContextVar[bool] = ContextVar("grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """False inside `no_grad()` in this thread."""
    return _grad_enabled.get()


# The modes that the blocks entered so far replaced, innermost last: per thread and task as well.
_modes_before: ContextVar[tuple[bool, ...]] = ContextVar("grad_modes_before", default=())


class _Switch:
    """Grad mode set for a block, and put back after it. What it puts back is kept per thread
    and per task, so one instance may serve several at once (a decorated function, say)."""

    enabled: bool

    def __enter__(self) -> None:
        _modes_before.set((*_modes_before.get(), _grad_enabled.get()))
        _grad_enabled.set(self.enabled)

    def __exit__(self, *exc: object) -> None:
        modes = _modes_before.get()
        if not modes:  # left in another context than the one entered (a task's teardown, say)
            _grad_enabled.set(True)
            return
        _modes_before.set(modes[:-1])
        _grad_enabled.set(modes[-1])


class no_grad(_Switch):  # noqa: N801 - named like torch.no_grad
    """Inside `with no_grad():` ops record no parents: results are leaves, and no graph is kept.

    Use it for evaluation and for parameter updates. It is also a decorator, written `@no_grad` or
    `@no_grad()`. Grad mode is per thread, as in PyTorch.
    """

    enabled = False

    @overload
    def __new__(cls, func: None = None) -> no_grad: ...

    @overload
    def __new__(cls, func: F) -> F: ...  # type: ignore[misc]

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        if func is None:
            return super().__new__(cls)
        return _without_grad(func)

    def __init__(self, func: object = None) -> None:
        pass

    def __call__(self, func: F) -> F:
        """`@no_grad()`: the same as `@no_grad`."""
        return _without_grad(func)


def _without_grad(func: F) -> F:
    """`func`, run inside `no_grad()` on every call."""
    if not callable(func):
        raise TypeError(f"no_grad decorates a function, got {type(func).__name__}: {func!r}")

    @functools.wraps(func)
    def without_grad(*args: Any, **kwargs: Any) -> Any:
        with no_grad():
            return func(*args, **kwargs)

    return without_grad  # type: ignore[return-value]


class enable_grad(_Switch):  # noqa: N801 - named like torch.enable_grad
    """Inside `with enable_grad():` ops record their graph again, even within `no_grad()`.

    `grad`, `hessian` and `backward(create_graph=True)` use it: a gradient is taken wherever it is
    asked for.
    """

    enabled = True


__all__ = ["enable_grad", "is_grad_enabled", "no_grad"]
