"""`chainrule train`: train an MLP on a generated data set, report it, and draw it.

    chainrule train --dataset moons            # 100 points, MLP(2, [16, 16, 1]), 100% on train
    chainrule train --dataset xor --epochs 60
    chainrule train --dataset division         # regression: learn a / b, error on a held-out split

Writes into the output folder (default out/<dataset>): loss.png (loss and accuracy per epoch),
decision_boundary.png (classification) or predictions.png (division), and model.json.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from dataclasses import dataclass

from nn.commands.options import add_activations, add_loss, add_seed, layer_sizes
from nn.data import Dataset, make_division, make_moons, make_xor, train_test_split
from nn.layers import MLP
from nn.optim import SGD, Adam, Optimizer
from nn.training import History, evaluate, fit

# hinge = max(0, 1 - t a) with t in {-1, +1}: the outputs must be able to go below zero.
HINGE_OUTPUTS = ("tanh", "linear")


@dataclass(frozen=True)
class Task:
    """A data set's defaults: what the command does when no option says otherwise."""

    samples: int
    loss: str
    output_activation: str
    metric: str
    epochs: int


TASKS = {
    "moons": Task(100, "bce", "sigmoid", "accuracy", 100),
    "xor": Task(100, "bce", "sigmoid", "accuracy", 60),
    "division": Task(300, "half_mse", "sigmoid", "error", 60),
}


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `train` command to the `chainrule` parser."""
    parser = commands.add_parser(
        "train",
        help="train an MLP on moons, xor or division and plot the result",
        description="Train an MLP on a generated data set with a progress bar; print train and "
        "test accuracy (error for division); write a loss curve, a decision-boundary (or "
        "prediction) plot and the trained model into an output folder.",
    )
    parser.add_argument("--dataset", choices=sorted(TASKS), default="moons",
                        help="moons and xor are classification (labels 0/1); division is "
                        "regression, learning a / b (default: moons)")
    parser.add_argument("--samples", type=int, default=None, metavar="N",
                        help="number of samples (default: 100 for moons and xor, 300 for "
                        "division)")
    parser.add_argument("--noise", type=float, default=0.1, metavar="STD",
                        help="standard deviation of the noise added to moons and xor "
                        "(default: 0.1)")
    parser.add_argument("--hidden", type=layer_sizes, default=[16, 16], metavar="SIZES",
                        help="hidden layer sizes, comma separated; the output layer (1 neuron) "
                        "is added; '' for none (default: 16,16)")
    add_activations(parser, "tanh", "sigmoid; linear with --loss hinge")
    add_loss(parser, None, "loss function (default: bce, half_mse for division); hinge maps "
             "labels to -1/+1 and needs a tanh or linear output")
    parser.add_argument("--optimizer", choices=("adam", "sgd"), default="adam",
                        help="Adam, or SGD with --momentum (default: adam)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 0.02 for adam, 0.5 for sgd)")
    parser.add_argument("--momentum", type=float, default=0.9,
                        help="momentum of SGD (default: 0.9)")
    parser.add_argument("--epochs", type=int, default=None, metavar="N",
                        help="passes over the training data (default: 100 for moons, 60 otherwise)")
    parser.add_argument("--batch-size", type=int, default=20, metavar="N",
                        help="samples per update step; 0 means the whole training set "
                        "(default: 20)")
    parser.add_argument("--test-fraction", type=float, default=0.2, metavar="F",
                        help="share of the samples held out for testing (default: 0.2)")
    add_seed(parser, "the data, the split, the initial weights and the batches")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder for the plots and model.json (default: "
                        "out/<dataset>)")
    parser.add_argument("--no-plots", action="store_true",
                        help="skip the PNG plots (skipped anyway, with a notice, when "
                        "matplotlib is not installed)")
    parser.add_argument("--compile", action="store_true",
                        help="write the training step out as Python code once and run that "
                        "(nn.compile_step): the same training, several times faster")
    parser.add_argument("--no-progress", action="store_true",
                        help="hide the progress bar (shown only when stderr is a terminal "
                        "and tqdm is installed)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train as `args` says; exit status 0, or 2 (with a message) when an option is invalid."""
    try:
        return _train(args)
    except ValueError as error:
        print(f"chainrule train: error: {error}", file=sys.stderr)
        return 2


def _train(args: argparse.Namespace) -> int:
    task = TASKS[args.dataset]
    loss = args.loss or task.loss
    samples = task.samples if args.samples is None else args.samples
    X, y = _dataset(args.dataset, samples, args.noise, args.seed)
    if loss == "hinge":
        y = [2.0 * t - 1.0 for t in y]
    X_train, X_test, y_train, y_test = train_test_split(X, y, args.test_fraction, seed=args.seed)
    output_activation = args.output_activation or (
        "linear" if loss == "hinge" else task.output_activation
    )
    if loss == "bce" and output_activation != "sigmoid":
        raise ValueError(f"--loss bce needs a sigmoid output, not {output_activation!r}: "
                         "its predictions must be probabilities")
    if loss == "hinge" and output_activation not in HINGE_OUTPUTS:
        raise ValueError(f"--loss hinge needs a tanh or linear output, not "
                         f"{output_activation!r}: it scores outputs against labels -1 and +1, "
                         f"and a {output_activation} output cannot go below 0")
    plots = not args.no_plots and _plots_possible()
    model = MLP(2, [*args.hidden, 1], activation=args.activation,
                output_activation=output_activation, seed=args.seed)
    optimizer = _optimizer(args, model)
    epochs = task.epochs if args.epochs is None else args.epochs
    batch_size = args.batch_size or None
    print(f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples")
    print(f"{model}: {len(model.parameters())} parameters")
    print(f"loss {loss}, {type(optimizer).__name__} lr {optimizer.lr}, {epochs} epochs, "
          f"batch size {batch_size or len(X_train)}")
    history = fit(model, X_train, y_train, loss=loss, optimizer=optimizer, epochs=epochs,
                  batch_size=batch_size, X_test=X_test, y_test=y_test, metric=task.metric,
                  seed=args.seed, progress=not args.no_progress and sys.stderr.isatty(),
                  compile=args.compile)
    train = evaluate(model, X_train, y_train, loss, task.metric)
    test = evaluate(model, X_test, y_test, loss, task.metric)
    print(f"train {train}")
    print(f"test  {test}")
    if args.dataset == "division":
        scale = 2.0
        print(f"test error in a / b units: mean |prediction - a/b| = {test.value * scale:.4g}")
    seconds = sum(history.seconds) / history.epochs
    print(f"{seconds * 1000:.1f} ms per epoch")
    folder = args.out or os.path.join("out", args.dataset)
    os.makedirs(folder, exist_ok=True)
    written = [os.path.join(folder, "model.json")]
    model.save(written[0])
    if plots:
        written.extend(_plots(args.dataset, model, history, folder,
                              X_train, y_train, X_test, y_test))
    print("wrote " + ", ".join(written))
    return 0


def _plots(
    dataset: str,
    model: MLP,
    history: History,
    folder: str,
    X_train: list[list[float]],
    y_train: list[float],
    X_test: list[list[float]],
    y_test: list[float],
) -> list[str]:
    from nn.plots import plot_decision_boundary, plot_history, plot_predictions

    paths = [os.path.join(folder, "loss.png")]
    sizes = ", ".join(map(str, model.nouts))
    title = f"{dataset}: MLP({model.nin}, [{sizes}]), {model.activation}/{model.output_activation}"
    plot_history(history, paths[0], title=title)
    if dataset == "division":
        paths.append(os.path.join(folder, "predictions.png"))
        plot_predictions(model, X_test, y_test, paths[1],
                         title="division, test samples: target = (a / b) / 2")
    else:
        paths.append(os.path.join(folder, "decision_boundary.png"))
        plot_decision_boundary(model, X_train, y_train, paths[1], title=f"{dataset} "
                               "(hollow: test samples)", X_test=X_test, y_test=y_test)
    return paths


def _plots_possible() -> bool:
    """True when matplotlib is installed; else a one-line notice that the plots are skipped."""
    if importlib.util.find_spec("matplotlib") is not None:
        return True
    print("chainrule train: skipping the plots: matplotlib is not installed "
          "(pip install 'chainrule[plots]'; --no-plots silences this)", file=sys.stderr)
    return False


def _dataset(name: str, samples: int, noise: float, seed: int) -> Dataset:
    if name == "moons":
        return make_moons(samples, noise, seed=seed)
    if name == "xor":
        return make_xor(samples, noise, seed=seed)
    return make_division(samples, seed=seed)


def _optimizer(args: argparse.Namespace, model: MLP) -> Optimizer:
    if args.optimizer == "sgd":
        lr = 0.5 if args.lr is None else args.lr
        return SGD(model.parameters(), lr=lr, momentum=args.momentum)
    return Adam(model.parameters(), lr=0.02 if args.lr is None else args.lr)
