"""backward(): the chain rule over whole graphs, at any depth, twice, and with nothing left over."""

from __future__ import annotations

import gc
import math
import sys
import threading

import pytest

from autograd import Value, no_grad, topological_order
from autograd import sum as vsum


def test_the_seed_neuron_gradient_is_the_product_of_its_three_factors() -> None:
    """dE/dw = (a - T) * a(1 - a) * a_prev for E = (a - T)^2 / 2, a = sigmoid(w a_prev + b)."""
    w, b, a_prev, target = Value(0.4), Value(-0.3), 0.9, 1.0
    a = (w * a_prev + b).sigmoid()
    error = 0.5 * (a - target) ** 2
    error.backward()
    s = a.data
    assert w.grad == pytest.approx((s - target) * s * (1 - s) * a_prev, rel=1e-14)
    assert b.grad == pytest.approx((s - target) * s * (1 - s), rel=1e-14)


def test_a_million_node_chain_under_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.000001
    y.backward()
    assert x.grad == pytest.approx(1.000001**1_000_000, rel=1e-9)


def test_repeated_operands_receive_the_sum_of_their_paths() -> None:
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0
    c = Value(0.5)
    h = c.exp()
    (h * h + h).backward()  # d/dc (e^2c + e^c)
    assert c.grad == pytest.approx(2 * math.exp(1.0) + math.exp(0.5), rel=1e-15)


def test_calling_backward_twice_doubles_leaf_gradients_exactly() -> None:
    x, y = Value(0.7), Value(-1.3)
    h = (x * y).tanh()
    out = h * x + h
    out.backward()
    first = (x.grad, y.grad, h.grad)
    out.backward()
    assert (x.grad, y.grad) == (2 * first[0], 2 * first[1])
    assert h.grad == first[2]  # interior nodes start from zero on every call


def test_backward_seeds_with_the_given_gradient() -> None:
    x = Value(2.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 2.0


def test_backward_of_a_leaf_accumulates_the_seed() -> None:
    x = Value(2.0)
    x.backward()
    x.backward(3.0)
    assert x.grad == 4.0


def test_topological_order_puts_every_parent_first() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    position = {node: i for i, node in enumerate(order)}
    assert set(order) == {a, b, c, d, e}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_no_grad_records_nothing_and_restores_the_previous_mode() -> None:
    a = Value(2.0)
    with no_grad():
        b = a * 3 + a.exp()
        with no_grad():
            pass
        c = vsum([a, b])
    d = a * 3
    assert (b.op, b.parents, b.local_grads, c.parents) == ("", (), (), ())
    assert b.data == pytest.approx(6 + math.exp(2.0))
    assert d.parents == (a,)


def test_no_grad_works_as_a_decorator() -> None:
    @no_grad()
    def step(v: Value) -> Value:
        return v * 2

    assert step(Value(1.0)).parents == ()


def live_values() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


def test_a_finished_graph_is_freed_by_reference_counting_alone() -> None:
    gc.collect()
    gc.disable()
    try:
        before = live_values()
        x = Value(0.3)
        y = x
        for i in range(1000):
            y = ((y * 1.01 + i).tanh() - x) ** 2 + vsum([y, x, 1.0])
        y.backward()
        assert live_values() - before == 1 + 7 * 1000  # x, and 7 nodes a step
        del x, y
        assert live_values() == before
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_backward_restores_the_collector_as_it_was() -> None:
    x = Value(1.0)
    (x * x).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (x * x).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_two_threads_pausing_the_collector_leave_it_on_whatever_order_they_finish_in() -> None:
    """A enters, B enters, A leaves, B leaves: the collector stays off until B has left."""
    from autograd.collector import collector_paused

    b_inside, a_left, seen = threading.Event(), threading.Event(), []

    def b() -> None:
        with collector_paused():
            b_inside.set()
            a_left.wait(5)
            seen.append(gc.isenabled())  # A has left; B still runs without the collector

    with collector_paused():
        thread = threading.Thread(target=b)
        thread.start()
        b_inside.wait(5)
    a_left.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_node_with_zero_gradient_passes_nothing_on() -> None:
    """relu off: the weights behind it get exactly 0, as the chain rule says (0 * anything)."""
    w = Value(-2.0)
    out = (w * 3.0).relu() + 1.0
    out.backward()
    assert w.grad == 0.0


def test_backward_and_the_walk_on_values_agree_where_a_slope_is_infinite() -> None:
    """sqrt(x) * y at x = y = 0: dC/dx = y / (2 sqrt x) = 0 * inf, NaN in both (as in PyTorch)."""
    x, y = Value(0.0), Value(0.0)
    out = x**0.5 * y
    grads = out.backward(create_graph=True)
    assert grads is not None
    assert math.isnan(x.grad) and math.isnan(grads[x].data)
    assert y.grad == grads[y].data == 0.0


def test_a_subclass_that_would_compare_nodes_by_number_is_refused_when_defined() -> None:
    """Backward tells nodes apart by identity; a value-based == would merge two nodes."""
    with pytest.raises(TypeError, match=r"Equal defines __eq__.*identity"):

        class Equal(Value):
            __slots__ = ()

            def __eq__(self, other: object) -> bool:
                return isinstance(other, Value) and self.data == other.data
