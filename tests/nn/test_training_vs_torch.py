"""The whole training stack against PyTorch on real data: one epoch on the digits, two ways.

The same network (the notes' MLP(64, [30, 10])) starts from the same weights in chainrule and in
PyTorch, float64, and sees the same mini-batches of the 8x8 digits in the same order. chainrule
trains with `fit` (forward, loss, backward, optimizer step, batch after batch); PyTorch with its
own loss functions, autograd and `torch.optim`. After the 90 steps of one epoch every parameter
must agree within 1e-9: any slip in a loss, an activation, the backward pass, the optimizer or the
batching would grow far past that over 90 steps.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

import pytest

from nn import MLP, SGD, Adam, Optimizer, accuracy, fit, predict, to_torch
from nn.data import batches, load_digits, one_hot

pytest.importorskip("sklearn", reason="the digits ship with scikit-learn: pip install scikit-learn")

BATCH_SIZE = 10
SEED = 0


def _torch_loss(torch: ModuleType, loss: str, outputs: Any, labels: list[int]) -> Any:
    """The loss as PyTorch writes it: half-MSE against one-hot rows, or its own cross_entropy."""
    if loss == "half_mse":
        targets = torch.tensor(one_hot(labels, 10), dtype=torch.float64)
        return ((outputs - targets) ** 2).sum() / (2 * len(labels))
    return torch.nn.functional.cross_entropy(outputs, torch.tensor(labels))


@pytest.mark.parametrize(
    ("optimizer", "loss", "output_activation"),
    [("sgd", "half_mse", "sigmoid"), ("adam", "cross_entropy", "linear")],
)
def test_one_epoch_on_the_digits_ends_with_pytorchs_parameters(
    torch: ModuleType, optimizer: str, loss: str, output_activation: str
) -> None:
    X, labels = load_digits()
    X_train, labels_train = X[: len(X) // 2], labels[: len(X) // 2]
    model = MLP(64, [30, 10], activation="sigmoid", output_activation=output_activation, seed=3)
    net = to_torch(model)
    ours: Optimizer
    if optimizer == "sgd":
        ours, theirs = SGD(model.parameters(), lr=3.0), torch.optim.SGD(net.parameters(), lr=3.0)
    else:
        ours = Adam(model.parameters(), lr=0.01)
        theirs = torch.optim.Adam(net.parameters(), lr=0.01)
    before = [p.data for p in model.parameters()]

    targets = one_hot(labels_train, 10) if loss == "half_mse" else [float(c) for c in labels_train]
    fit(model, X_train, targets, loss=loss, optimizer=ours, epochs=1, batch_size=BATCH_SIZE,
        seed=SEED, progress=False)

    # fit draws each epoch's order from one random.Random(seed): the same batches, in order
    steps = 0
    for X_batch, batch_labels in batches(X_train, labels_train, BATCH_SIZE,
                                         seed=random.Random(SEED)):
        theirs.zero_grad()
        outputs = net(torch.tensor(X_batch, dtype=torch.float64))
        _torch_loss(torch, loss, outputs, batch_labels).backward()
        theirs.step()
        steps += 1
    assert steps == 90

    linears = [module for module in net if isinstance(module, torch.nn.Linear)]
    theirs_after = [
        value
        for linear in linears
        for weights, bias in zip(linear.weight.tolist(), linear.bias.tolist())
        for value in (*weights, bias)
    ]  # W[l][j][0], ..., W[l][j][k], b[l][j]: the order of model.parameters()
    ours_after = [p.data for p in model.parameters()]
    assert len(ours_after) == len(theirs_after) == 64 * 30 + 30 + 30 * 10 + 10
    differences = [abs(a - b) for a, b in zip(ours_after, theirs_after)]
    assert max(differences) <= 1e-9
    moved = max(abs(a - b) for a, b in zip(ours_after, before))
    assert moved > 0.1  # the epoch trained: the agreement is not that of untouched weights
    X_test, labels_test = X[len(X) // 2 :], labels[len(X) // 2 :]
    right = accuracy(predict(model, X_test), [float(c) for c in labels_test])
    assert right > 0.3  # and it learned: well above the 10% of a guess, after a single epoch
