"""Third seed: the four equations of backpropagation, worked on a 2 -> 3 -> 2 sigmoid network.

delta_l[j] = dC/dz_l[j] is the error of neuron j in layer l: how much C moves when z_l[j] moves.

    (1) delta_L = dC/da_L * sigmoid'(z_L)                  the output layer
    (2) delta_l = (W_{l+1}^T delta_{l+1}) * sigmoid'(z_l)  one layer back
    (3) dC/db_l = delta_l
    (4) dC/dW_l[j][k] = delta_l[j] * a_{l-1}[k]           the error times what the weight carried

Every number is worked out below from the weights, then compared with autograd.

Run: python examples/seed3_four_equations.py
"""

# dW1, W2 and l (a layer) are the notation of the seeds.
# ruff: noqa: N816, E741

from __future__ import annotations

from autograd import sigmoid
from nn import MLP
from nn.losses import half_mse
from nn.manual import backprop


def vector(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:+.5f}" for v in values) + "]"


model = MLP(2, [3, 2], seed=4)
W1 = [[w.data for w in n.w] for n in model.layers[0].neurons]
b1 = [n.b.data for n in model.layers[0].neurons]
W2 = [[w.data for w in n.w] for n in model.layers[1].neurons]
b2 = [n.b.data for n in model.layers[1].neurons]
x, t = [0.6, -0.4], [1.0, 0.0]

print("forward: z = W a_prev + b, a = sigmoid(z)")
a0 = x
z1 = [sum(w * a for w, a in zip(row, a0)) + b for row, b in zip(W1, b1)]
a1 = [sigmoid(z) for z in z1]
z2 = [sum(w * a for w, a in zip(row, a1)) + b for row, b in zip(W2, b2)]
a2 = [sigmoid(z) for z in z2]
print(f"  a0 = x = {vector(a0)}")
print(f"  z1 = {vector(z1)}   a1 = {vector(a1)}")
print(f"  z2 = {vector(z2)}             a2 = {vector(a2)}   target t = {t}")

print("\n(1) output error, C = 1/2 sum (a2 - t)^2 so dC/da2 = a2 - t:")
delta2 = [(a - y) * a * (1 - a) for a, y in zip(a2, t)]
for j, (a, y) in enumerate(zip(a2, t)):
    print(f"  delta2[{j}] = (a2[{j}] - t[{j}]) * a2[{j}](1 - a2[{j}]) = ({a:.5f} - {y}) * "
          f"{a * (1 - a):.5f} = {delta2[j]:+.6f}")

print("\n(2) one layer back: each neuron of layer 1 collects, through its weights, the errors")
print("    of the neurons it feeds")
delta1 = []
for k, a in enumerate(a1):
    back = sum(W2[j][k] * delta2[j] for j in range(len(delta2)))
    delta1.append(back * a * (1 - a))
    terms = " + ".join(f"({W2[j][k]:+.4f})({delta2[j]:+.5f})" for j in range(len(delta2)))
    print(f"  delta1[{k}] = [{terms}] * {a * (1 - a):.5f} = {delta1[k]:+.6f}")

print("\n(3) dC/db = delta")
print(f"  dC/db2 = {vector(delta2)}")
print(f"  dC/db1 = {vector(delta1)}")

print("\n(4) dC/dW[j][k] = delta[j] * a_prev[k], the outer product of delta and a_prev")
dW2 = [[d * a for a in a1] for d in delta2]
dW1 = [[d * a for a in a0] for d in delta1]
for name, rows in (("dC/dW2", dW2), ("dC/dW1", dW1)):
    for j, row in enumerate(rows):
        print(f"  {name}[{j}] = {vector(row)}")

# nn.manual does exactly this for any depth; autograd gets there by a different road.
weight_grads, bias_grads = backprop(model, [x], [t])
model.zero_grad()
half_mse([model(x)], [t]).backward()
by_hand = [dW1, dW2]
worst = 0.0
for l, layer in enumerate(model.layers):
    for j, neuron in enumerate(layer.neurons):
        pairs = [(by_hand[l][j][k], w.grad) for k, w in enumerate(neuron.w)]
        pairs.append(([delta1, delta2][l][j], neuron.b.grad))
        pairs += [(g, w.grad) for g, w in zip(weight_grads[l][j], neuron.w)]
        pairs.append((bias_grads[l][j], neuron.b.grad))
        worst = max(worst, *(abs(mine - theirs) for mine, theirs in pairs))
print(f"\nlargest difference from autograd's param.grad, over all 17 parameters: {worst:.1e}")
assert worst < 1e-15
