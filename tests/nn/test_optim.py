"""SGD and Adam against torch.optim, step for step, on gradients from a real training loss."""

# ruff: noqa: N806

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, Optimizer, mse
from nn.data import make_moons
from tests.interrupt import Tripwire


def _run_side_by_side(
    torch: ModuleType,
    ours: Callable[[list[Value]], Optimizer],
    theirs: Callable[[list[Any]], Any],
    steps: int = 12,
) -> None:
    """Train an MLP with our optimizer; feed torch the same gradients; compare every step."""
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    params = model.parameters()
    twins = [torch.tensor(p.data, requires_grad=True) for p in params]
    optimizer, reference = ours(params), theirs(twins)
    X, y = make_moons(12, noise=0.1, seed=0)
    for _ in range(steps):
        optimizer.zero_grad()
        mse([model(x) for x in X], y).backward()
        for p, twin in zip(params, twins):
            twin.grad = torch.tensor(p.grad)
        optimizer.step()
        reference.step()
        assert [p.data for p in params] == pytest.approx([t.item() for t in twins], abs=1e-13)


def test_sgd_matches_torch(torch: ModuleType) -> None:
    _run_side_by_side(torch, lambda p: SGD(p, lr=0.3), lambda p: torch.optim.SGD(p, lr=0.3))


def test_sgd_with_momentum_matches_torch(torch: ModuleType) -> None:
    _run_side_by_side(
        torch,
        lambda p: SGD(p, lr=0.1, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    )


@pytest.mark.parametrize("kwargs", [{}, {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}])
def test_adam_matches_torch(torch: ModuleType, kwargs: dict[str, Any]) -> None:
    _run_side_by_side(
        torch, lambda p: Adam(p, **kwargs), lambda p: torch.optim.Adam(p, **kwargs), steps=20
    )


def test_sgd_step_is_the_seeds_update() -> None:
    w = Value(0.5)
    w.grad = 2.0
    SGD([w], lr=0.1).step()  # w = w - eta dE/dw
    assert w.data == pytest.approx(0.3, abs=1e-16)


def test_adam_first_step_moves_each_parameter_by_lr() -> None:
    """With m and v bias-corrected, step one is lr * g / (|g| + eps): about lr, whatever g is."""
    params = [Value(0.0), Value(0.0)]
    params[0].grad, params[1].grad = 1e-3, -50.0
    Adam(params, lr=0.01).step()
    assert params[0].data == pytest.approx(-0.01, rel=1e-4)
    assert params[1].data == pytest.approx(0.01, rel=1e-9)


def test_zero_grad_clears_every_gradient() -> None:
    params = [Value(1.0), Value(2.0)]
    for p in params:
        p.grad = 3.0
    SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_settings_of_the_wrong_type_or_shape_say_so() -> None:
    params = [Value(1.0)]
    with pytest.raises(TypeError, match=r"lr must be a number, got str: '0\.1'"):
        SGD(params, lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"betas must be a pair .* got \(0.9,\)"):
        Adam(params, betas=(0.9,))  # type: ignore[arg-type]


def test_bad_settings_raise() -> None:
    p = [Value(1.0)]
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number, got 0"):
        SGD(p, lr=0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.0"):
        SGD(p, lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\), got 1.5"):
        Adam(p, betas=(0.9, 1.5))
    with pytest.raises(ValueError, match="eps must be a positive number"):
        Adam(p, eps=-1.0)
    with pytest.raises(TypeError, match="parameters must be Values, got float"):
        Adam([1.0])  # type: ignore[list-item]


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_ctrl_c_during_a_step_leaves_it_whole(make: Any, ctrl_c_raises: None) -> None:
    """Interrupted while writing the second of three parameters, the step still finishes."""
    params = [Value(1.0), Tripwire(2.0), Value(3.0)]
    reference = [Value(1.0), Value(2.0), Value(3.0)]
    optimizer, expected = make(params), make(reference)
    for p, q, g in zip(params, reference, (0.5, -1.0, 2.0)):
        p.grad = q.grad = g
    expected.step()
    Tripwire.armed = True
    with pytest.raises(KeyboardInterrupt):
        optimizer.step()
    assert [p.data for p in params] == [q.data for q in reference]
    assert vars_of(optimizer) == vars_of(expected)


def vars_of(optimizer: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(optimizer).items() if k != "params"}
