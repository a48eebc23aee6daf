"""Grad mode: whether ops record the graph they build (`no_grad` turns it off).

A context variable holds it, so it is per thread (and per asyncio task), as in PyTorch: one thread
inside `no_grad` never changes what another records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])

_grad_enabled: ContextVar[bool] = ContextVar("grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """False inside `no_grad()` in this thread."""
    return _grad_enabled.get()


class no_grad:  # noqa: N801 - named like torch.no_grad
    """Inside `with no_grad():` ops record no parents: results are leaves, and no graph is kept.

    Use it for evaluation and for parameter updates. It is also a decorator, written `@no_grad` or
    `@no_grad()`. Grad mode is per thread, as in PyTorch.
    """

    @overload
    def __new__(cls, func: None = None) -> no_grad: ...

    @overload
    def __new__(cls, func: F) -> F: ...  # type: ignore[misc]

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        if func is None:
            self = super().__new__(cls)
            self._previous = []
            return self
        if not callable(func):
            raise TypeError(f"no_grad decorates a function, got {type(func).__name__}: {func!r}")

        @functools.wraps(func)
        def without_grad(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return func(*args, **kwargs)

        return without_grad

    _previous: list[Token[bool]]

    def __call__(self, func: F) -> F:
        """`@no_grad()`: the same as `@no_grad`."""
        return no_grad(func)

    def __enter__(self) -> None:
        self._previous.append(_grad_enabled.set(False))

    def __exit__(self, *exc: object) -> None:
        _grad_enabled.reset(self._previous.pop())


__all__ = ["is_grad_enabled", "no_grad"]
