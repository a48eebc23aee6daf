"""no_grad: a context manager and a decorator, written either way, and per thread."""

from __future__ import annotations

import asyncio
import threading

from autograd import Value, is_grad_enabled, no_grad


def test_no_grad_as_bare_and_called_decorator() -> None:
    @no_grad
    def bare(v: Value) -> Value:
        return v * 2

    @no_grad()
    def called(v: Value) -> Value:
        return v * 2

    for f in (bare, called):
        out = f(Value(1.5))
        assert (out.data, out.parents, out.op) == (3.0, (), "")
    assert bare.__name__ == "bare"
    assert (Value(1.0) * 2).parents != ()  # outside, recording again


def test_no_grad_decorates_methods() -> None:
    class Model:
        scale = 3.0

        @no_grad
        def predict(self, v: Value) -> Value:
            return v * self.scale

    assert Model().predict(Value(2.0)).parents == ()


def test_grad_mode_is_per_thread() -> None:
    inside = threading.Event()
    release = threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with no_grad():
            inside.set()
            release.wait(5)
            seen.append(is_grad_enabled())

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    a = Value(2.0)
    recorded = a * a  # this thread records while the other is inside no_grad
    release.set()
    thread.join(5)
    assert recorded.parents == (a, a) and is_grad_enabled()
    assert seen == [False]


def test_no_grad_restores_the_mode_after_an_exception() -> None:
    try:
        with no_grad():
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert is_grad_enabled()


def test_one_no_grad_shared_by_two_threads() -> None:
    shared = no_grad()
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    errors: list[BaseException] = []

    def thread_a() -> None:
        try:
            with shared:
                a_inside.set()
                b_inside.wait(5)
            seen["a after"] = is_grad_enabled()
            a_left.set()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def thread_b() -> None:
        try:
            a_inside.wait(5)
            with shared:
                b_inside.set()
                a_left.wait(5)
                seen["b inside"] = is_grad_enabled()
            seen["b after"] = is_grad_enabled()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert not errors and seen == {"a after": True, "b inside": False, "b after": True}


def test_grad_mode_is_per_asyncio_task() -> None:
    """Task A awaits inside no_grad; task B, running meanwhile, still records: x*x gives 2x."""

    async def without_grad(inside: asyncio.Event, done: asyncio.Event) -> bool:
        with no_grad():
            inside.set()
            await done.wait()
            return is_grad_enabled()

    async def with_grad(inside: asyncio.Event, done: asyncio.Event) -> float:
        await inside.wait()
        x = Value(3.0)
        (x * x).backward()
        done.set()
        return x.grad

    async def main() -> list[object]:
        inside, done = asyncio.Event(), asyncio.Event()
        return list(await asyncio.gather(without_grad(inside, done), with_grad(inside, done)))

    assert asyncio.run(main()) == [False, 6.0]
    assert is_grad_enabled()


def test_recursive_functions_decorated_with_no_grad_restore_the_mode() -> None:
    @no_grad
    def depth(v: Value, n: int) -> Value:
        assert not is_grad_enabled()
        return v if n == 0 else depth(v * 2, n - 1)

    out = depth(Value(1.0), 5)
    assert (out.data, out.parents) == (32.0, ())
    assert is_grad_enabled()


def test_one_no_grad_shared_by_two_asyncio_tasks_puts_back_each_tasks_own_mode() -> None:
    """B enters the shared block from inside another no_grad, A from grad mode; A leaves first."""
    shared = no_grad()

    async def a(b_inside: asyncio.Event, a_left: asyncio.Event) -> bool:
        with shared:
            await b_inside.wait()
        a_left.set()
        return is_grad_enabled()

    async def b(b_inside: asyncio.Event, a_left: asyncio.Event) -> tuple[bool, bool]:
        with no_grad():
            with shared:
                b_inside.set()
                await a_left.wait()
            inner = is_grad_enabled()
        return inner, is_grad_enabled()

    async def main() -> list[object]:
        b_inside, a_left = asyncio.Event(), asyncio.Event()
        return list(await asyncio.gather(a(b_inside, a_left), b(b_inside, a_left)))

    assert asyncio.run(main()) == [True, (False, True)]


def test_a_block_left_in_another_context_than_it_was_entered_in_leaves_grad_on() -> None:
    """As an async fixture may enter no_grad in one task and leave it in another."""
    import contextvars

    block = no_grad()
    contextvars.copy_context().run(block.__enter__)
    contextvars.copy_context().run(block.__exit__, None, None, None)
    assert is_grad_enabled()
