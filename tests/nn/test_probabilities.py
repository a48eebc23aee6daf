"""softmax and log_softmax: probabilities and their gradients against PyTorch, at any logits."""

from __future__ import annotations

import doctest
import math
import random
from types import ModuleType

import pytest

import nn.probabilities
from autograd import Value
from nn.probabilities import log_softmax, softmax


def test_softmax_by_hand() -> None:
    assert softmax([0.0, math.log(3.0)]) == pytest.approx([0.25, 0.75], rel=1e-15)
    assert softmax([5.0, 5.0, 5.0, 5.0]) == [0.25, 0.25, 0.25, 0.25]  # a shift changes nothing
    assert softmax([2.0]) == [1.0]
    assert log_softmax([0.0, math.log(3.0)])[0].data == pytest.approx(math.log(0.25), rel=1e-15)


def test_numbers_in_numbers_out_values_in_values_out() -> None:
    probabilities = softmax([1.0, 2.0, 3.0])
    assert all(type(p) is float for p in probabilities)
    assert math.fsum(probabilities) == pytest.approx(1.0, abs=1e-15)
    z = [Value(1.0), 2.0, Value(3.0)]
    assert [p.data for p in softmax(z)] == probabilities


@pytest.mark.parametrize("seed", range(3))
def test_softmax_and_its_jacobian_match_pytorch(torch: ModuleType, seed: int) -> None:
    rng = random.Random(seed)
    numbers = [rng.gauss(0.0, 4.0) for _ in range(5)]
    weights = [rng.uniform(-1.0, 1.0) for _ in numbers]  # backward of Σ w_j p_j: the Jacobian
    z = [Value(v) for v in numbers]
    probabilities = softmax(z)
    sum(w * p for w, p in zip(weights, probabilities)).backward()  # type: ignore[union-attr]
    tz = torch.tensor(numbers, requires_grad=True)
    expected = torch.softmax(tz, dim=0)
    (expected * torch.tensor(weights)).sum().backward()
    assert [p.data for p in probabilities] == pytest.approx(expected.tolist(), rel=1e-14)
    assert [v.grad for v in z] == pytest.approx(tz.grad.tolist(), abs=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_log_softmax_and_its_gradient_match_pytorch(torch: ModuleType, seed: int) -> None:
    rng = random.Random(seed)
    numbers = [rng.choice([rng.gauss(0.0, 4.0), 1000.0, -1000.0]) for _ in range(5)]
    weights = [rng.uniform(-1.0, 1.0) for _ in numbers]
    z = [Value(v) for v in numbers]
    log_p = log_softmax(z)
    sum(w * lp for w, lp in zip(weights, log_p)).backward()  # type: ignore[union-attr]
    tz = torch.tensor(numbers, requires_grad=True)
    expected = torch.log_softmax(tz, dim=0)
    (expected * torch.tensor(weights)).sum().backward()
    assert [lp.data for lp in log_p] == pytest.approx(expected.tolist(), rel=1e-14)
    assert [v.grad for v in z] == pytest.approx(tz.grad.tolist(), abs=1e-15)


def test_extreme_logits_give_finite_probabilities_and_gradients() -> None:
    assert softmax([1000.0, -1000.0, 0.0]) == [1.0, 0.0, 0.0]
    assert [lp.data for lp in log_softmax([1000.0, -1000.0])] == [0.0, -2000.0]
    z = [Value(1000.0), Value(1000.0), Value(-1000.0)]
    softmax(z)[0].backward()  # dp_0/dz_k = p_0 ([0 = k] - p_k) with p = (1/2, 1/2, 0)
    assert [v.grad for v in z] == [0.25, -0.25, 0.0]


def test_nan_spreads_to_every_output() -> None:
    for logits in ([float("nan"), 1.0], [1.0, float("nan")]):
        assert all(math.isnan(p) for p in softmax(logits))
        assert all(math.isnan(lp.data) for lp in log_softmax(logits))


def test_softmax_needs_a_list_of_logits() -> None:
    with pytest.raises(ValueError, match="softmax takes a non-empty list of logits"):
        softmax([])
    for logits in ("12", 3.0):
        with pytest.raises(TypeError, match=r"softmax takes a list of logits, got (str|float)"):
            softmax(logits)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="log_softmax takes a list of logits"):
        log_softmax(Value(1.0))  # type: ignore[arg-type]


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(nn.probabilities)
    assert result.attempted > 0 and result.failed == 0
