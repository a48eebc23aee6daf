"""Train a small network on the two-moons data set, then look at what it learned.

Run it with `make demo` (or `python examples/demo.py`). Every number inside the network is an
`autograd.Value`; training is the seeds' loop: forward pass, loss, backward(), update.
The pictures land in out/demo/.
"""

from __future__ import annotations

import time
from pathlib import Path

from autograd.draw import save
from nn import MLP, Adam, bce, evaluate, fit
from nn.data import make_moons, train_test_split
from nn.plots import plot_decision_boundary, plot_history

OUT = Path(__file__).resolve().parent.parent / "out" / "demo"

# 1. Data: 100 points on two interleaving half circles; no straight line separates them.
X, y = make_moons(100, noise=0.1, seed=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
print(f"moons: {len(X_train)} points to train on, {len(X_test)} held out to test")

# 2. Model: 2 inputs -> 16 tanh -> 16 tanh -> 1 sigmoid, read as the probability of class 1.
model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
print(f"{model}: {len(model.parameters())} parameters, each a Value")

# 3. Train: mini-batches of 20, binary cross-entropy, Adam.
start = time.perf_counter()
history = fit(model, X_train, y_train, loss="bce", optimizer=Adam(model.parameters(), lr=0.02),
              epochs=100, batch_size=20, X_test=X_test, y_test=y_test, seed=0)
seconds = time.perf_counter() - start
print(f"trained {history.epochs} epochs in {seconds:.1f} s "
      f"({1000 * seconds / history.epochs:.0f} ms per epoch)")

# 4. How well did it do? Accuracy is the share of points on the right side of 0.5.
print(f"train: {evaluate(model, X_train, y_train, loss='bce')}")
print(f"test:  {evaluate(model, X_test, y_test, loss='bce')}")

# 5. Pictures: the loss falling, and the boundary the network drew between the moons.
OUT.mkdir(parents=True, exist_ok=True)
plot_history(history, OUT / "loss.png", title="moons: MLP(2, [16, 16, 1])")
plot_decision_boundary(model, X_train, y_train, OUT / "decision_boundary.png",
                       title="moons (hollow: test points)", X_test=X_test, y_test=y_test)
print(f"wrote {OUT / 'loss.png'} and {OUT / 'decision_boundary.png'}")

# 6. One training sample's computation graph, after backward(): C on the right, every grad filled
#    in. It has more Values than a readable diagram holds, so each neuron is drawn as one box.
model.zero_grad()
C = bce([model(X_train[0])], [y_train[0]])
C.label = "C"
C.backward()
written = save(C, OUT / "sample_graph.svg", if_no_dot="source", model=model)
print(f"wrote {written}: the graph of one training sample")
