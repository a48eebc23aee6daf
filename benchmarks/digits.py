"""Reference results on the 8x8 digits: chainrule's two recipes over several seeds, beside
scikit-learn's SVC(gamma=0.001) and MLPClassifier, on scikit-learn's example split (the first
898 images train, the other 899 test).

    python benchmarks/digits.py            # 5 seeds of each recipe, 30 epochs: ~6 min
    python benchmarks/digits.py --quick    # 1 seed, 3 epochs: ~15 s, a smoke test

The recipes are those of examples/digits.py: MLP(64, [30, 10]) of sigmoid neurons, inputs / 16,
batches of 10; the notes' half-MSE against one-hot targets with SGD 3.0, and softmax outputs with
cross-entropy and Adam 0.01. `examples/digits.py` runs seed 0 and holds it to the result bands;
this script measures the spread over seeds, and the time of an epoch: the 90 training steps
alone, without scoring the test set, eager (every step builds and walks its graph of Values) and
compiled (seed 0 again with `fit(..., compile=True)`, which must reach the same accuracy).

scikit-learn's SVC follows its own digits example: the raw grey levels 0..16, gamma=0.001.
MLPClassifier gets the inputs / 16 like ours, with its defaults (100 relu neurons, Adam, an L2
penalty) and max_iter=1000 so that it stops by its own convergence test.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import common

from nn import MLP, SGD, Adam, Optimizer, accuracy, fit, predict
from nn.data import load_digits, one_hot
from nn.metrics import Target

Recipe = tuple[str, str, Callable[[MLP], Optimizer]]
RECIPES: list[Recipe] = [
    ("the notes' recipe: sigmoid, half-MSE, SGD 3.0", "half_mse",
     lambda model: SGD(model.parameters(), lr=3.0)),
    ("softmax + cross-entropy, Adam 0.01", "cross_entropy",
     lambda model: Adam(model.parameters(), lr=0.01)),
]


def chainrule_runs(
    seeds: int, epochs: int, compile: bool = False
) -> list[tuple[str, list[float], list[float]]]:
    """(recipe, test accuracy per seed, seconds per training epoch) for each recipe; `compile`
    runs every step compiled (`fit(..., compile=True)`)."""
    X, labels = load_digits()
    half = len(X) // 2
    results = []
    for name, loss, optimizer in RECIPES:
        output = "linear" if loss == "cross_entropy" else "sigmoid"
        targets: list[Target] = (one_hot(labels, 10) if loss == "half_mse"
                                 else [float(c) for c in labels])
        scores, seconds = [], []
        for seed in range(seeds):
            model = MLP(64, [30, 10], activation="sigmoid", output_activation=output, seed=seed)
            history = fit(model, X[:half], targets[:half], loss=loss, optimizer=optimizer(model),
                          epochs=epochs, batch_size=10, seed=seed, progress=False,
                          compile=compile)
            scores.append(accuracy(predict(model, X[half:]), labels[half:]))
            seconds.extend(history.seconds)
            mode = "compiled" if compile else "eager"
            print(f"  {name}, seed {seed}, {mode}: test accuracy {scores[-1]:.1%}", flush=True)
        results.append((name, scores, seconds))
    return results


def scikit_learn_runs(seeds: int) -> list[tuple[str, list[float], float]]:
    """(model, test accuracy per seed, seconds to fit) for SVC and MLPClassifier."""
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    digits = sklearn_digits()
    X, y = digits.data, digits.target
    half = len(X) // 2
    start = time.perf_counter()
    svc = SVC(gamma=0.001).fit(X[:half], y[:half])
    results = [("scikit-learn SVC(gamma=0.001)", [float(svc.score(X[half:], y[half:]))],
                time.perf_counter() - start)]
    scores = []
    start = time.perf_counter()
    for seed in range(seeds):
        mlp = MLPClassifier(random_state=seed, max_iter=1000).fit(X[:half] / 16, y[:half])
        scores.append(float(mlp.score(X[half:] / 16, y[half:])))
    results.append(("scikit-learn MLPClassifier()", scores, (time.perf_counter() - start) / seeds))
    return results


def spread(scores: list[float]) -> str:
    """'94.8%' for one score, else 'min-max (median m)'."""
    if len(scores) == 1:
        return f"{scores[0]:.1%}"
    return (f"{min(scores):.1%} - {max(scores):.1%} (median {statistics.median(scores):.1%}, "
            f"{len(scores)} seeds)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 epochs: a smoke test")
    args = parser.parse_args()
    seeds, epochs = (1, 3) if args.quick else (5, 30)
    facts = common.machine()
    print(f"digits, scikit-learn's example split; {facts['cpu']}, {facts['python']}, "
          f"{facts['chainrule source']}")
    print(f"chainrule, MLP(64, [30, 10]), batches of 10, {epochs} epochs:")
    ours = chainrule_runs(seeds, epochs)
    compiled = chainrule_runs(1, epochs, compile=True)
    for (name, scores, _), (_, compiled_scores, _) in zip(ours, compiled):
        assert compiled_scores[0] == scores[0], (name, compiled_scores[0], scores[0])
    theirs = scikit_learn_runs(seeds)
    print("\n| model | test accuracy | time |")
    print("|---|---|--:|")
    for name, scores, seconds in ours:
        print(f"| chainrule, {name} | {spread(scores)} | "
              f"{statistics.median(seconds):.2f} s per epoch (eager) |")
    for name, scores, seconds in compiled:
        print(f"| chainrule, {name}, compiled | {spread(scores)}, the same as eager | "
              f"{statistics.median(seconds):.2f} s per epoch (compiled) |")
    for name, scores, fit_seconds in theirs:
        print(f"| {name} | {spread(scores)} | {fit_seconds:.2f} s to fit |")


if __name__ == "__main__":
    main()
