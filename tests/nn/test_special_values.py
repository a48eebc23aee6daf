"""The nn activations and losses at NaN, ±inf, ±0, subnormals and ±1e308, against PyTorch float64.

Each is run by the engine (its value and its `backward()` gradient) and by its derivative by hand
(the `slope` of ACTIVATIONS and LOSSES), and both are held to torch's value and gradient by the
rule of tests/autograd/test_special_values.py: NaN exactly where torch's is NaN, the same
infinities, equal finite numbers. A loss is given two samples, the number under test in the
first. Where torch refuses an input (a prediction outside [0, 1] for bce), nn must refuse it too.
Where nn differs from torch by design, the case is a row of DIFFERENCES with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from autograd import Value, sigmoid
from nn.activations import ACTIVATIONS
from nn.losses import BCE_EPS, LOSSES
from nn.probabilities import log_sigmoid
from tests.autograd.test_special_values import NUMBERS, same
from tests.nn.oracle import torch_loss

nan, inf = math.nan, math.inf


@dataclass(frozen=True)
class Case:
    """A function of some numbers (x the first) as nn computes it, by the engine and by hand,
    and as torch does."""

    numbers: Callable[[float], list[float]]
    engine: Callable[[list[float]], tuple[float, list[float]]]  # the value and the gradient
    by_hand: Callable[[list[float]], list[float]] | None  # the slopes of ACTIVATIONS or LOSSES
    theirs: Callable[[ModuleType, list[Any]], Any]  # from leaf tensors holding the numbers


def engine(f: Callable[[list[Value]], Value]) -> Callable[[list[float]], tuple[float, list[float]]]:
    """f run on leaves holding the numbers: its value and the gradient of each leaf."""

    def run(xs: list[float]) -> tuple[float, list[float]]:
        leaves = [Value(x) for x in xs]
        out = f(leaves)
        out.backward()
        return out.data, [v.grad for v in leaves]

    return run


def activation(name: str) -> Case:
    f = ACTIVATIONS[name]
    return Case(lambda x: [x], engine(lambda zs: f.f(zs[0])),
                lambda zs: [f.slope(zs[0], f.f(zs[0]))],
                lambda torch, zs: zs[0] if name == "linear" else getattr(zs[0], name)())


def loss(name: str, samples: list[list[float]], targets: list[list[float]],
         reference: Callable[[ModuleType, Any, Any], Any], of_logits: bool = False) -> Case:
    """LOSSES[name] of m samples (per sample, per output), x the first sample's first output;
    `of_logits`: the numbers are logits, the predictions their sigmoids (no slope by hand)."""
    m, k = len(samples), len(samples[0])

    def rows(xs: list[Any]) -> list[list[Any]]:
        return [xs[i * k:(i + 1) * k] for i in range(m)]

    def cost(xs: list[Value]) -> Value:
        preds = [[sigmoid(z) for z in row] for row in rows(xs)] if of_logits else rows(xs)
        return LOSSES[name](preds, targets)

    def slopes(xs: list[float]) -> list[float]:
        return [s for row, t in zip(rows(xs), targets) for s in LOSSES[name].slope(row, t, m)]

    def theirs(torch: ModuleType, leaves: list[Any]) -> Any:
        return reference(torch, torch.stack(leaves).reshape(m, k), torch.tensor(targets))

    flat = [v for row in samples for v in row]
    return Case(lambda x: [x, *flat[1:]], engine(cost), None if of_logits else slopes, theirs)


def torch_bce(torch: ModuleType, a: Any, t: Any) -> Any:
    """torch refuses a prediction outside [0, 1] (and NaN); bce clamps into [BCE_EPS, 1 - BCE_EPS]
    (its docstring), so torch's loss is taken of the clamped prediction."""
    torch.nn.functional.binary_cross_entropy(a.detach(), t)
    return torch_loss(torch, "bce", a.clamp(BCE_EPS, 1.0 - BCE_EPS), t)


def oracle(name: str) -> Callable[[ModuleType, Any, Any], Any]:
    return lambda torch, a, t: torch_loss(torch, name, a, t)


def torch_hinge(torch: ModuleType, a: Any, t: Any) -> Any:
    """relu(1 - t a), as hinge is, for relu's slope of 0 at the kink (the oracle's clamp has 1)."""
    return torch.relu(1.0 - t * a).sum() / len(a)


def bce_with_logits(torch: ModuleType, z: Any, t: Any) -> Any:
    return torch.nn.functional.binary_cross_entropy_with_logits(z, t)


def cross_entropy(torch: ModuleType, z: Any, y: Any) -> Any:
    """From class indices: with one-hot targets torch adds 0 ln p, NaN where p is 0."""
    return torch.nn.functional.cross_entropy(z, y.argmax(dim=1))


CASES = {
    **{name: activation(name) for name in ACTIVATIONS},
    "log_sigmoid": Case(lambda x: [x], engine(lambda zs: log_sigmoid(zs[0])), None,
                        lambda torch, zs: torch.nn.functional.logsigmoid(zs[0])),
    **{name: loss(name, [[0.0], [0.75]], [[0.25], [-1.0]], oracle(name))
       for name in ("sse", "mse", "half_mse")},
    "bce": loss("bce", [[0.0], [0.5]], [[1.0], [0.0]], torch_bce),
    "bce of a sigmoid": loss("bce", [[0.0], [0.5]], [[1.0], [0.0]], bce_with_logits,
                             of_logits=True),
    "hinge, t = 1": loss("hinge", [[0.0], [0.5]], [[1.0], [-1.0]], torch_hinge),
    "hinge, t = -1": loss("hinge", [[0.0], [0.5]], [[-1.0], [1.0]], torch_hinge),
    "cross_entropy": loss("cross_entropy", [[0.0, 0.5, -1.0], [0.0, 1.0, 2.0]],
                          [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], cross_entropy),
}


@dataclass(frozen=True)
class Difference:
    """Where nn differs from torch by design: its value and its gradient (None: torch's)."""

    case: str
    when: Callable[[float], bool]
    why: str
    grads: tuple[float | None, ...] = ()
    value: float | None = None


SQUARE = ("the slope 2 (a - t)/m of a = ±1e308 is a float: the engine adds (a - t)/m twice; torch "
          "computes 2 (a - t) first, which overflows to ±inf")
DIFFERENCES = [
    Difference("relu", math.isnan, "torch passes a gradient through relu(nan) with slope 1; "
               "relu's slope at NaN stays NaN, by the engine and by hand", grads=(nan,)),
    Difference("hinge, t = 1", math.isnan, "hinge is relu(1 - t a), whose slope at NaN stays NaN",
               grads=(nan, None)),
    Difference("hinge, t = -1", math.isnan, "as for t = 1", grads=(nan, None)),
    Difference("bce", math.isnan, "torch refuses a NaN prediction; bce gives a NaN loss and a NaN "
               "slope (its docstring); -(0/0.5 - 1/0.5)/2 = 1 for the other sample",
               grads=(nan, 1.0), value=nan),
    Difference("bce of a sigmoid", lambda z: z == -inf, "-ln σ(-inf) is inf: bce's t ln σ(z) + "
               "(1 - t) ln σ(-z) takes the limit, where torch's (1 - t) z + ... is 0 (-inf), NaN",
               value=inf),
    Difference("mse", lambda a: a == 1e308, SQUARE, grads=(1e308, None)),
    Difference("mse", lambda a: a == -1e308, SQUARE, grads=(-1e308, None)),
    Difference("half_mse", lambda a: a == 1e308, SQUARE, grads=(5e307, None)),
    Difference("half_mse", lambda a: a == -1e308, SQUARE, grads=(-5e307, None)),
]


def difference(case: str, x: float) -> Difference | None:
    return next((d for d in DIFFERENCES if d.case == case and d.when(x)), None)


def torch_result(torch: ModuleType, case: str, x: float) -> tuple[float, list[float]] | None:
    """torch's value and the gradient of every number, or None where torch refuses them."""
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True)
              for v in CASES[case].numbers(x)]
    try:
        out = CASES[case].theirs(torch, leaves)
    except RuntimeError:
        return None
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


PARAMS = [(case, x) for case in CASES for x in NUMBERS]


def case_id(param: tuple[str, float]) -> str:
    return f"{param[0]}({param[1]!r})"


@pytest.mark.parametrize("param", PARAMS, ids=case_id)
def test_value_is_torchs(torch: ModuleType, param: tuple[str, float]) -> None:
    case, x = param
    theirs = torch_result(torch, case, x)
    differs = difference(case, x)
    if theirs is None and differs is None:  # torch refuses x: so must nn
        with pytest.raises(ValueError):
            CASES[case].engine(CASES[case].numbers(x))
        return
    ours, _ = CASES[case].engine(CASES[case].numbers(x))
    if differs is not None and differs.value is not None:
        expected = differs.value
    else:
        assert theirs is not None
        expected = theirs[0]
    assert same(ours, expected, rel=1e-15), f"nn {ours!r}, torch {theirs!r}"


@pytest.mark.parametrize("param", PARAMS, ids=case_id)
def test_gradient_and_slopes_are_torchs(torch: ModuleType, param: tuple[str, float]) -> None:
    case, x = param
    numbers, by_hand = CASES[case].numbers(x), CASES[case].by_hand
    theirs = torch_result(torch, case, x)
    differs = difference(case, x)
    if theirs is None and differs is None:  # torch refuses x: so must the slope by hand
        assert by_hand is not None
        with pytest.raises(ValueError):
            by_hand(numbers)
        return
    expected = theirs[1] if theirs is not None else []
    if differs is not None and differs.grads:
        expected = [e if e is not None else expected[i] for i, e in enumerate(differs.grads)]
    _, grads = CASES[case].engine(numbers)
    for found in (grads, None if by_hand is None else by_hand(numbers)):
        if found is not None:
            assert len(found) == len(expected)
            assert all(same(g, e, rel=1e-14) for g, e in zip(found, expected)), (
                f"nn {found!r}, torch {theirs!r}"
            )


def test_every_difference_is_met() -> None:
    """No row of DIFFERENCES is stale, or hidden behind an earlier one."""
    met = {id(difference(case, x)) for case, x in PARAMS}
    assert [d.case for d in DIFFERENCES if id(d) not in met] == []
