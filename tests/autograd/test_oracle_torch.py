"""Random expression graphs against PyTorch float64: every value and every input's gradient."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from autograd import Value
from tests.autograd.programs import Namespace, Step, inputs, programs, run
from tests.conftest import require_torch

CHAINRULE = Namespace(
    exp=lambda v: v.exp(),
    log=lambda v: v.log(),
    tanh=lambda v: v.tanh(),
    sigmoid=lambda v: v.sigmoid(),
    relu=lambda v: v.relu(),
)


def close(ours: float, theirs: float, tol: float = 1e-9) -> bool:
    return abs(ours - theirs) <= tol * max(1.0, abs(theirs))


def torch_namespace(torch: Any) -> Namespace:
    return Namespace(
        exp=torch.exp, log=torch.log, tanh=torch.tanh, sigmoid=torch.sigmoid, relu=torch.relu
    )


@settings(max_examples=300, deadline=None)
@given(programs(), inputs())
def test_values_and_gradients_match_pytorch(program: list[Step], xs: list[float]) -> None:
    torch = require_torch()
    ours = [Value(x) for x in xs]
    out = run(program, CHAINRULE, ours)
    out.backward()

    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    reference = run(program, torch_namespace(torch), theirs)
    reference.backward()

    assert close(out.data, reference.item()), (out.data, reference.item())
    for mine, other in zip(ours, theirs):
        expected = 0.0 if other.grad is None else other.grad.item()
        assert close(mine.grad, expected), (mine.grad, expected)


def test_shared_subexpression_gets_the_sum_of_both_paths() -> None:
    torch = require_torch()
    a = Value(1.5)
    h = (a * a).tanh()
    out = h * h + h
    out.backward()
    t = torch.tensor(1.5, requires_grad=True)
    th = torch.tanh(t * t)
    (th * th + th).backward()
    assert close(a.grad, t.grad.item())


def test_fused_ops_match_the_unfused_graph_in_pytorch() -> None:
    from autograd import sum as vsum
    from autograd import weighted_sum

    torch = require_torch()
    w = [Value(v) for v in (0.3, -1.2, 0.7)]
    x = [Value(v) for v in (2.0, 0.5, -1.5)]
    b = Value(0.1)
    out = vsum([weighted_sum(w, x, b).sigmoid(), x[0] * 3.0, 2.5])
    out.backward()

    tw = [torch.tensor(v.data, requires_grad=True) for v in w]
    tx = [torch.tensor(v.data, requires_grad=True) for v in x]
    tb = torch.tensor(0.1, requires_grad=True)
    z = tw[0] * tx[0] + tw[1] * tx[1] + tw[2] * tx[2] + tb
    (torch.sigmoid(z) + tx[0] * 3.0 + 2.5).backward()
    assert close(out.data, (torch.sigmoid(z) + tx[0] * 3.0 + 2.5).item())
    for mine, other in zip([*w, *x, b], [*tw, *tx, tb]):
        assert close(mine.grad, other.grad.item())
