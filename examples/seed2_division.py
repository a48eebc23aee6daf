"""Second seed: a small sigmoid net learns to divide, trained one sample at a time (no batches).

The data are random pairs (a, b) with the target a / b (scaled by 1/2 so a sigmoid can reach it),
split into a training and a test set. The seed plans a single epoch; one pass already cuts the
test error tenfold, and more passes keep cutting it. Every update uses the hand-derived gradient
from `nn.manual.backprop` with a batch of one; the first and the last are checked against autograd.

The seed names things differently; in this library's notation:

    net_x  (the input to a neuron's sigmoid)   is z
    s_x    (its output)                        is a
    ds/dnet = out (1 - out)                    is da/dz = a (1 - a)
    dnet/dw = in_x                             is dz/dw = a_prev   (not 1: only dz/db is 1)

Run: python examples/seed2_division.py
"""

from __future__ import annotations

from nn import MLP
from nn.data import make_division, train_test_split
from nn.losses import half_mse
from nn.manual import backprop

X, y = make_division(n=240, seed=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=0)
print(f"{len(X_train)} training pairs, {len(X_test)} held out; e.g. a = {X[0][0]:.3f}, "
      f"b = {X[0][1]:.3f}, target (a / b) / 2 = {y[0]:.3f}")

model = MLP(2, [4, 1], activation="sigmoid", seed=1)
params = model.parameters()  # the same order as the flattened gradients below


def flat_manual(x: list[float], t: float) -> list[float]:
    """nn.manual's gradient for one sample, in the order of model.parameters()."""
    weight_grads, bias_grads = backprop(model, [x], [t], "half_mse")
    return [g for w_l, b_l in zip(weight_grads, bias_grads)
            for row, b in zip(w_l, b_l) for g in (*row, b)]


def check_against_autograd(x: list[float], t: float) -> float:
    """The largest |manual - autograd| over every parameter, for one sample."""
    model.zero_grad()
    half_mse([model(x)], [t]).backward()
    return max(abs(m - p.grad) for m, p in zip(flat_manual(x, t), params))


def test_error() -> float:
    return half_mse([model(x) for x in X_test], y_test).data


print(f"before training: test half-MSE {test_error():.5f}")
gap = check_against_autograd(X_train[0], y_train[0])
print(f"first step: largest |manual - autograd| = {gap:.1e}")
assert gap < 1e-12

eta, epochs = 5.0, 100
for epoch in range(1, epochs + 1):
    for x, t in zip(X_train, y_train):
        for p, g in zip(params, flat_manual(x, t)):
            p.data -= eta * g  # w <- w - eta dE/dw, one sample at a time
    if epoch in (1, 10, 50, 100):
        train = half_mse([model(x) for x in X_train], y_train).data
        print(f"epoch {epoch:>2}: train half-MSE {train:.5f}   test half-MSE {test_error():.5f}")

gap = check_against_autograd(X_train[-1], y_train[-1])
print(f"last step: largest |manual - autograd| = {gap:.1e}")
assert gap < 1e-12
assert test_error() < 2e-4

print("\nsome held-out pairs:")
for (a, b), t in list(zip(X_test, y_test))[:5]:
    out = model([a, b])
    assert not isinstance(out, list)
    print(f"  {a:.3f} / {b:.3f} = {2 * t:.3f}   the net says {2 * out.data:.3f}")
