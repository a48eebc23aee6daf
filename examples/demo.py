"""Train a small network on the two-moons data set, then look at what it learned.

Run it with `make demo` (or `python examples/demo.py`). Every number inside the network is an
`autograd.Value`; training is the seeds' loop: forward pass, loss, backward(), update.
The pictures land in out/demo/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nn import MLP, Adam, evaluate, fit
from nn.data import make_moons, train_test_split
from nn.draw import draw_svg, sample_graph, step_through
from nn.plots import plot_decision_boundary, plot_history

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "out/demo"

# 1. Data: 100 points on two interleaving half circles; no straight line separates them.
X, y = make_moons(100, noise=0.1, seed=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
print(f"moons: {len(X_train)} points to train on, {len(X_test)} held out to test")

# 2. Model: 2 inputs -> 16 tanh -> 16 tanh -> 1 sigmoid, read as the probability of class 1.
model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
print(f"{model}: {len(model.parameters())} parameters, each a Value")

# 3. One training sample's computation graph, before training: the cost C on the right, every
#    grad filled in by backward(). The network is still random, so the gradients are large enough
#    to say something (after training they are around 1e-7). It has more Values than a readable
#    diagram holds, so each neuron is one box showing z with dC/dz = δ, and a with dC/da where C's
#    graph passes through a (bce reads the output neuron's z directly: δ = (a - t)/m). The page
#    sample_steps.html steps through the same backward pass one neuron at a time.
OUT.mkdir(parents=True, exist_ok=True)
C = sample_graph(model, X_train[0], [y_train[0]], loss="bce")
C.backward()
(OUT / "sample_graph.svg").write_text(draw_svg(C, model=model), encoding="utf-8")
step_through(C, model=model).save(OUT / "sample_steps.html")
print(f"sample 0 (class {y_train[0]:g}) before training: C = {C.data:.4f}; "
      f"wrote {OUT / 'sample_graph.svg'} and {OUT / 'sample_steps.html'}")
model.zero_grad()

# 4. Train: mini-batches of 20, binary cross-entropy, Adam.
start = time.perf_counter()
history = fit(model, X_train, y_train, loss="bce", optimizer=Adam(model.parameters(), lr=0.02),
              epochs=100, batch_size=20, X_test=X_test, y_test=y_test, seed=0)
seconds = time.perf_counter() - start
print(f"trained {history.epochs} epochs in {seconds:.1f} s "
      f"({1000 * seconds / history.epochs:.0f} ms per epoch)")

# 5. How well did it do? Accuracy is the share of points on the right side of 0.5.
print(f"train: {evaluate(model, X_train, y_train, loss='bce')}")
print(f"test:  {evaluate(model, X_test, y_test, loss='bce')}")

# 6. Pictures: the loss falling, and the boundary the network drew between the moons.
plot_history(history, OUT / "loss.png", title="moons: MLP(2, [16, 16, 1])")
plot_decision_boundary(model, X_train, y_train, OUT / "decision_boundary.png",
                       title="moons (hollow: test points)", X_test=X_test, y_test=y_test)
print(f"wrote {OUT / 'loss.png'} and {OUT / 'decision_boundary.png'}")
