"""Fourth seed: with a sigmoid output and binary cross-entropy, dC/dZ collapses to A - Y.

    C      = -[Y ln A + (1 - Y) ln(1 - A)]          (one sample; a batch averages over m)
    dC/dA  = -(Y/A - (1 - Y)/(1 - A))
    dA/dZ  = A (1 - A)
    dC/dZ  = -(Y/A - (1 - Y)/(1 - A)) * A(1 - A)
           = -[Y (1 - A) - (1 - Y) A]  =  -[Y - YA - A + YA]  =  A - Y

Over a batch of m samples the output error is delta_L = (A - Y)/m, and then
dC/dW_L = delta_L A_{L-1}^T summed over the batch, dC/db_L = delta_L summed over the batch.

Run: python examples/seed4_bce_shortcut.py
"""

# dC_dA, delta_L and the like are the notation of the seeds.
# ruff: noqa: N816

from __future__ import annotations

import math

from autograd import sigmoid
from nn import MLP
from nn.losses import bce
from nn.manual import backprop, forward

print("the two factors, their product, and A - Y")
print("     A     Y     dC/dA      dA/dZ    product      A - Y")
for A, Y in [(0.9, 1.0), (0.9, 0.0), (0.3, 1.0), (0.6, 0.0), (0.02, 0.0)]:
    dC_dA = -(Y / A - (1 - Y) / (1 - A))
    dA_dZ = A * (1 - A)
    print(f"  {A:.2f}  {Y:.2f}  {dC_dA:+9.4f}  {dA_dZ:.4f}  {dC_dA * dA_dZ:+9.6f}  {A - Y:+9.6f}")
    assert math.isclose(dC_dA * dA_dZ, A - Y, rel_tol=1e-12, abs_tol=1e-15)

# The shortcut is also the safer formula: a saturated sigmoid rounds to exactly 1.0, and then
# dC/dA divides by 1 - A = 0, while A - Y is still a plain subtraction.
A = sigmoid(40.0)
print(f"\nsigmoid(40) = {A!r} in floating point, so 1 - A = {1 - A}: dC/dA would divide by zero,")
print(f"but A - Y for Y = 0 is simply {A - 0.0}")

# On a network and a batch: nn.manual uses delta_L = (A - Y)/m and agrees with autograd, which
# differentiates the logarithms step by step.
model = MLP(2, [3, 1], seed=5)
X = [[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8], [0.9, 0.9]]
Y_batch = [1.0, 0.0, 1.0, 0.0]
m = len(X)
traces = [forward(model, x) for x in X]
A_batch = [trace.a[-1][0] for trace in traces]
delta_L = [(a - y) / m for a, y in zip(A_batch, Y_batch)]
print(f"\nbatch of m = {m}: A = {[round(a, 4) for a in A_batch]}, Y = {Y_batch}")
print(f"delta_L = (A - Y)/m = {[round(d, 5) for d in delta_L]}")

dC_db_L = sum(delta_L)
dC_dW_L = [sum(d * trace.a[1][k] for d, trace in zip(delta_L, traces)) for k in range(3)]
print(f"dC/db_L = sum of delta_L over the batch = {dC_db_L:+.6f}")
print(f"dC/dW_L = sum over the batch of delta_L * A_(L-1) = {[round(g, 6) for g in dC_dW_L]}")

weight_grads, bias_grads = backprop(model, X, Y_batch, "bce")
model.zero_grad()
bce([model(x) for x in X], Y_batch).backward()
out = model.layers[1].neurons[0]
print(f"autograd:  dC/db_L = {out.b.grad:+.6f}, dC/dW_L = {[round(w.grad, 6) for w in out.w]}")
assert math.isclose(out.b.grad, dC_db_L, rel_tol=1e-12)
assert all(math.isclose(w.grad, g, rel_tol=1e-12) for w, g in zip(out.w, dC_dW_L))
hidden = [p for n in model.layers[0].neurons for p in (*n.w, n.b)]
manual_hidden = [g for row, b in zip(weight_grads[0], bias_grads[0]) for g in (*row, b)]
worst = max(abs(p.grad - g) for p, g in zip(hidden, manual_hidden))
print(f"hidden layer, nn.manual vs autograd: largest difference {worst:.1e}")
assert worst < 1e-15
