"""Fifth seed: each example suggests a change; a mini-batch averages the suggestions.

With C = (1/m) Σ_i C_i over a batch of m examples, C_i = (a_i - y_i)^2, the gradient is the mean
of the per-example gradients: dC/dw = (1/m) Σ_i dC_i/dw. Stochastic gradient descent takes that
mean over a small random batch instead of the whole data set: a rougher estimate, but many more
steps for the same work.

Run: python examples/seed5_minibatch_sgd.py
"""

from __future__ import annotations

from itertools import pairwise

from nn import MLP
from nn.data import batches, make_moons
from nn.losses import mse
from nn.manual import backprop
from nn.metrics import accuracy
from nn.optim import SGD
from nn.training import predict

X, y = make_moons(n=100, noise=0.1, seed=0)


def flat(grads: tuple[list[list[list[float]]], list[list[float]]]) -> list[float]:
    """The gradients in the order of model.parameters(): w[0][0], w[0][1], ..., b[0], ..."""
    weight_grads, bias_grads = grads
    return [g for w_l, b_l in zip(weight_grads, bias_grads)
            for row, b in zip(w_l, b_l) for g in (*row, b)]


# 1. One mini-batch: the average of four single-example gradients is the batch gradient.
model = MLP(2, [8, 8, 1], seed=2)
X_batch, y_batch = X[:4], y[:4]
each = [flat(backprop(model, [x], [t], "mse")) for x, t in zip(X_batch, y_batch)]
mean = [sum(column) / len(each) for column in zip(*each)]
batch = flat(backprop(model, X_batch, y_batch, "mse"))
model.zero_grad()
mse([model(x) for x in X_batch], y_batch).backward()
by_autograd = [p.grad for p in model.parameters()]

print("four examples, each with its own gradient, and their mean (first output weights):")
names = [name for name, _ in model.named_parameters()]
first = names.index("L3.N0.w0")
print("  parameter   " + "".join(f"example {i}   " for i in range(4)) + "mean        batch")
for i in range(first, first + 4):
    row = "".join(f"{g[i]:+.6f}   " for g in each)
    print(f"  {names[i]:<10}  {row}{mean[i]:+.6f}   {batch[i]:+.6f}")
worst = max(max(abs(a - b), abs(a - c)) for a, b, c in zip(mean, batch, by_autograd))
print(f"largest difference between the mean, the batch gradient and autograd, over "
      f"{len(mean)} parameters: {worst:.1e}")
assert worst < 1e-15


# 2. Training: mini-batches of 10 against the full batch, the same number of passes over the data.
def train(batch_size: int | None, epochs: int = 60, lr: float = 2.0) -> tuple[MLP, list[float]]:
    model = MLP(2, [8, 8, 1], seed=2)
    params = model.parameters()
    optimizer = SGD(params, lr=lr)
    costs = []
    for epoch in range(epochs):
        for x_batch, t_batch in batches(X, y, batch_size, seed=epoch):
            for p, g in zip(params, flat(backprop(model, x_batch, t_batch, "mse"))):
                p.grad = g  # the optimizer reads p.grad; here it comes from the four equations
            optimizer.step()
        costs.append(mse([model(x) for x in X], y).data)
    return model, costs


print("\nmean squared error on all 100 examples after each 10 passes over the data")
print("  passes   full batch (1 step/pass)   mini-batches of 10 (10 steps/pass)")
full_model, full = train(None)
mini_model, mini = train(10)
for epoch in range(9, len(full), 10):
    print(f"  {epoch + 1:>6}   {full[epoch]:.4f}                     {mini[epoch]:.4f}")
for name, trained in (("full batch", full_model), ("mini-batches", mini_model)):
    print(f"{name}: accuracy {accuracy(predict(trained, X), y):.0%}")
assert mini[-1] < full[-1]
rises = sum(later > earlier for earlier, later in pairwise(mini))
print(f"the mini-batch cost went up after {rises} of {len(mini) - 1} passes (a stumble downhill), "
      f"the full-batch cost after {sum(later > earlier for earlier, later in pairwise(full))}")
