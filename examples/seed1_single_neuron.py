"""First seed: one sigmoid neuron, half squared error, and the chain rule one factor at a time.

    z = w . a_prev + b        a = sigmoid(z)        E = 1/2 (a - T)^2

    dE/dw_k = dE/da * da/dz * dz/dw_k = (a - T) * a(1 - a) * a_prev[k]
    dE/db   = dE/da * da/dz * dz/db   = (a - T) * a(1 - a) * 1

Run: python examples/seed1_single_neuron.py
"""

# dE_dw and the like are the notation of the seeds.
# ruff: noqa: N816

from __future__ import annotations

from autograd import Value
from nn import MLP
from nn.explain import explain
from nn.manual import single_neuron

w, b = [0.4, -0.7], 0.1
a_prev, T = [1.0, 0.5], 1.0  # inputs and the ground truth

walk = single_neuron(w, b, a_prev, T)
print("one neuron, by hand")
print(f"  z = w . a_prev + b = {walk.z:.6f}")
print(f"  a = sigmoid(z)     = {walk.a:.6f}   (the target T is {T})")
print(f"  E = 1/2 (a - T)^2  = {walk.E:.6f}")
print()
print("  the three factors of the chain rule:")
print(f"  dE/da = a - T      = {walk.dE_da:+.6f}   (negative: raising a lowers E)")
print(f"  da/dz = a (1 - a)  = {walk.da_dz:+.6f}")
for k, (dz_dw, dE_dw) in enumerate(zip(walk.dz_dw, walk.dE_dw)):
    print(f"  dz/dw{k} = a_prev[{k}] = {dz_dw:+.6f}   ->  dE/dw{k} = {dE_dw:+.6f}")
print(f"  dz/db = 1          = {walk.dz_db:+.6f}   ->  dE/db  = {walk.dE_db:+.6f}")

# The same neuron as a graph of Values: backward() multiplies the same local derivatives.
weights, bias = [Value(v, f"w{k}") for k, v in enumerate(w)], Value(b, "b")
E = 0.5 * (sum((w_k * x for w_k, x in zip(weights, a_prev)), bias).sigmoid() - T) ** 2
E.backward()
print()
print("autograd on the same neuron")
for k, w_k in enumerate(weights):
    print(f"  w{k}.grad = {w_k.grad:+.6f}   (by hand {walk.dE_dw[k]:+.6f})")
    assert abs(w_k.grad - walk.dE_dw[k]) <= 1e-15
print(f"  b.grad  = {bias.grad:+.6f}   (by hand {walk.dE_db:+.6f})")
assert abs(bias.grad - walk.dE_db) <= 1e-15

# Why the half: d/da of 1/2 (T - a)^2 is 1/2 * 2 (T - a) * (-1) = a - T. The 2 from the square
# cancels the half, and the -1 (the derivative of T - a with respect to a) turns T - a into a - T.
eta = 2.0
updated = [w_k - eta * g for w_k, g in zip(w, walk.dE_dw)]
after = single_neuron(updated, b - eta * walk.dE_db, a_prev, T)
print()
print(f"one step w <- w - eta dE/dw (eta = {eta}): E goes from {walk.E:.6f} to {after.E:.6f}")
assert after.E < walk.E

# A longer chain, as the seed ends: two neurons in a row, dE/dw1 has five factors.
model = MLP(1, [1, 1], seed=0)
view = explain(model, [[0.5]], [T], "W1[0][0]")
print()
print("two neurons in a row (1 -> 1 -> 1), with C = E: the chain from E back to w1")
print(view.render())
assert view.agrees()
