"""Tape: backward in the order the nodes were made, against PyTorch, by hand and backward()."""

from __future__ import annotations

import gc
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd.tape
from autograd import Tape, Value, no_grad
from autograd import sum as vsum
from tests.autograd.programs import Step, inputs, programs, run
from tests.autograd.test_oracle_torch import CHAINRULE, close, torch_namespace
from tests.conftest import require_torch


def forbid_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the tape's fallback (a searched backward) fail, to show the recorded order was used."""

    def searched(root: Value, grad: float = 1.0) -> None:
        raise AssertionError("the tape fell back to searching the graph")

    monkeypatch.setattr(autograd.tape, "backward", searched)


@settings(max_examples=200, deadline=None)
@given(programs(), inputs())
def test_recorded_order_gives_pytorchs_gradients(program: list[Step], xs: list[float]) -> None:
    torch = require_torch()
    ours = [Value(x) for x in xs]
    with Tape() as tape:
        out = run(program, CHAINRULE, ours)
    tape.backward(out)

    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    run(program, torch_namespace(torch), theirs).backward()
    for mine, other in zip(ours, theirs):
        expected = 0.0 if other.grad is None else other.grad.item()
        assert close(mine.grad, expected), (mine.grad, expected)


@settings(max_examples=200, deadline=None)
@given(programs(), inputs())
def test_every_node_gets_the_gradient_backward_gives_it(
    program: list[Step], xs: list[float]
) -> None:
    leaves = [Value(x) for x in xs]
    with Tape() as tape:
        out = run(program, CHAINRULE, leaves)
    tape.backward(out)
    taped = [v.grad for v in [*leaves, *tape.nodes]]
    for leaf in leaves:
        leaf.grad = 0.0
    out.backward()
    searched = [v.grad for v in [*leaves, *tape.nodes]]
    for a, b in zip(taped, searched, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (a, b)


@settings(max_examples=300, deadline=None)
@given(programs(), inputs(), st.integers(0, 10))
def test_nodes_made_before_the_tape_get_what_backward_gives_them(
    program: list[Step], xs: list[float], split: int
) -> None:
    leaves, tape, results = [Value(x) for x in xs], Tape(), list[Value]()
    out = run(program, CHAINRULE, leaves, results, enter_at=(split, tape))  # earlier: foreign
    tape.backward(out)
    taped = [v.grad for v in results]
    for leaf in leaves:
        leaf.grad = 0.0
    out.backward()
    for a, b in zip(taped, [v.grad for v in results], strict=True):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (a, b)


def test_the_seed_neuron_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """E = (a - t)^2 / 2, a = sigmoid(w x + b): dE/dw = (a - t) a (1 - a) x."""
    forbid_the_search(monkeypatch)
    w, b, x, t = Value(0.8), Value(-0.2), 1.5, 0.25
    with Tape() as tape:
        a = (w * x + b).sigmoid()
        error = (a - t) ** 2 * 0.5
    tape.backward(error)
    da = a.data
    assert w.grad == pytest.approx((da - t) * da * (1 - da) * x, rel=1e-15)
    assert b.grad == pytest.approx((da - t) * da * (1 - da), rel=1e-15)
    assert [n.op for n in tape.nodes] == ["*1.5", "+", "sigmoid", "-0.25", "**2", "*0.5"]


def test_records_nodes_in_the_order_made_and_leaves_out_leaves() -> None:
    x = Value(2.0)
    with Tape() as tape:
        y = x * x
        z = y + 1.0
        constant = Value(3.0)
        with no_grad():
            frozen = x * 4.0
        out = z * constant + frozen
    assert tape.nodes == [y, z, out.parents[0], out]
    assert len(tape) == 4 and repr(tape) == "Tape(4 nodes)"
    x2 = x * x
    assert x2 not in tape.nodes  # recording stopped with the block


def test_an_interior_node_made_before_the_tape_is_followed_by_searching() -> None:
    a, b, c = Value(2.0), Value(3.0), Value(-1.0)
    before = a * b  # made outside: the tape cannot place it
    with Tape() as tape:
        out = (before * c).tanh()
    tape.backward(out)
    d_out = 1 - out.data**2
    assert (a.grad, b.grad, c.grad) == pytest.approx((d_out * c.data * 3.0, d_out * c.data * 2.0,
                                                       d_out * 6.0), rel=1e-15)
    assert before.grad == pytest.approx(d_out * c.data, rel=1e-15)


def test_nodes_made_before_the_tape_start_from_zero_and_pass_everything_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_the_search(monkeypatch)  # only the part behind the foreign nodes is searched
    a, b, c = Value(0.5), Value(-2.0), Value(3.0)
    z = a * b
    h = z.tanh()
    h.backward()  # leaves stale gradients on z and h
    a.grad = b.grad = 0.0
    with Tape() as tape:
        out = h * c + z  # h and z are foreign; z is also behind h
    tape.backward(out)
    dh = c.data
    dz = 1.0 + dh * (1 - h.data**2)
    assert (h.grad, z.grad, c.grad) == pytest.approx((dh, dz, h.data), rel=1e-15)
    assert (a.grad, b.grad) == pytest.approx((dz * b.data, dz * a.data), rel=1e-15)


def test_nodes_made_before_the_tape_behind_a_sum_of_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_the_search(monkeypatch)
    x = Value(0.5)
    squares = [x * float(k) for k in range(1, 4)]  # foreign: made before the tape
    for s in squares:
        s.grad = 9.0  # stale
    with Tape() as tape:
        out = vsum([*squares, x]).tanh()  # one node with four parents
    tape.backward(out)
    d_sum = 1 - out.data**2
    assert [s.grad for s in squares] == [d_sum] * 3
    assert x.grad == pytest.approx(d_sum * (1 + 2 + 3 + 1), rel=1e-15)


def test_a_root_that_was_not_recorded_is_searched() -> None:
    x = Value(1.5)
    with Tape() as tape:
        x * 2.0
    y = x * x
    tape.backward(y)
    assert x.grad == 3.0


def test_backward_twice_doubles_leaves_and_restarts_interior_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_the_search(monkeypatch)
    x = Value(0.5)
    with Tape() as tape:
        h = (x * 3.0).tanh()
        out = h * h + h
    tape.backward(out)
    once, h_grad = x.grad, h.grad
    tape.backward(out)
    assert x.grad == 2 * once
    assert h.grad == h_grad == 2 * h.data + 1


def test_recorded_nodes_the_root_does_not_need_get_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_the_search(monkeypatch)
    x = Value(1.0)
    with Tape() as tape:
        y = x * 2.0
        unused = x.exp()
        later = y * 5.0  # made after y, not part of y's graph
    later.grad = unused.grad = 7.0
    tape.backward(y)
    assert (x.grad, y.grad, unused.grad, later.grad) == (2.0, 1.0, 0.0, 0.0)


def test_nested_tapes_hand_their_nodes_to_the_enclosing_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_the_search(monkeypatch)
    x = Value(2.0)
    with Tape() as outer:
        y = x * x
        with Tape() as inner:
            z = y * 3.0
        out = vsum([z, y])
    assert inner.nodes == [z]
    assert outer.nodes == [y, z, out]
    outer.backward(out)
    assert x.grad == (3.0 + 1.0) * 2 * 2.0


def op_nodes() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value and obj.op)


def test_a_taped_graph_is_freed_by_reference_counting_once_the_tape_goes() -> None:
    gc.collect()
    gc.disable()
    try:
        before = op_nodes()
        x = Value(0.3)
        with Tape() as tape:
            y = x
            for _ in range(200):
                y = (y * 1.01).tanh()
        tape.backward(y)
        del y
        assert op_nodes() - before == len(tape) == 400
        del tape
        assert op_nodes() == before
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_backward_restores_the_collector_and_the_recording_state() -> None:
    x = Value(1.0)
    with Tape() as tape:
        y = x * x
    tape.backward(y)
    assert gc.isenabled()
    assert autograd.value._tape is None
    with pytest.raises(ZeroDivisionError), Tape():
        x / 0.0
    assert autograd.value._tape is None
