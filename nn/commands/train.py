"""`chainrule train`: train an MLP on a data set, report it, and draw it.

    chainrule train --dataset moons            # 100 points, MLP(2, [16, 16, 1]), 100% on train
    chainrule train --dataset xor --epochs 60
    chainrule train --dataset division         # regression: learn a / b, error on a held-out split
    chainrule train --dataset digits           # the notes' recipe on 8x8 digits: ~94% on test
    chainrule train --dataset digits --loss cross_entropy      # softmax outputs instead
    chainrule train --csv iris.csv --target species            # your own table

Writes into the output folder (default out/<dataset>, or out/<file name> for --csv): loss.png
(loss and accuracy per epoch); decision_boundary.png (moons, xor) or predictions.png (a
regression); for one output per class confusion_matrix.png, and for the digits misclassified.png
and input_gradient.png (dC/dx for one digit); model.json, and scaling.json for a CSV file (the
mean and standard deviation its inputs, and a numeric target, were standardised with).
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from nn.commands import train_data
from nn.commands.options import (
    INTERRUPTED_STATUS,
    LONGEST_RUN,
    add_activations,
    add_allow_large,
    add_loss,
    add_seed,
    layer_sizes,
)
from nn.commands.sample_page import add_html_option, write_sample_page
from nn.commands.train_data import Problem
from nn.commands.train_output import save_scaling, write_plots
from nn.layers import MLP, parameter_count
from nn.optim import SGD, Adam, Optimizer
from nn.training import evaluate, fit

# hinge = max(0, 1 - t a) with t in {-1, +1}: the outputs must be able to go below zero.
HINGE_OUTPUTS = ("tanh", "linear")
LEARNING_RATES = {"adam": 0.02, "sgd": 0.5}


@dataclass(frozen=True)
class Task:
    """A data set's defaults: what the command does when no option says otherwise."""

    samples: int | None
    loss: str
    output_activation: str
    epochs: int
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "tanh"
    optimizer: str = "adam"
    # (optimizer, learning rate) for some losses; the others take `optimizer` and LEARNING_RATES
    recipes: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    momentum: float = 0.9
    batch_size: int = 20
    test_fraction: float = 0.2


TASKS = {
    "moons": Task(100, "bce", "sigmoid", 100),
    "xor": Task(100, "bce", "sigmoid", 60),
    "division": Task(300, "half_mse", "sigmoid", 60),
    # The notes' recipe, the textbook's first chapter on the 8x8 digits: sigmoid neurons, 30
    # hidden, half-MSE against one-hot targets, plain SGD with eta = 3.0 on batches of 10, and
    # scikit-learn's example split (the first half trains). With --loss cross_entropy the outputs
    # are linear (logits) and the optimizer Adam: SGD (lr 0.5, 1.0) gets 93.3-94.7% over seeds,
    # Adam 0.01 94.3-95.3%.
    "digits": Task(None, "half_mse", "sigmoid", 30, hidden=(30,), activation="sigmoid",
                   optimizer="sgd", recipes={"half_mse": ("sgd", 3.0),
                                             "cross_entropy": ("adam", 0.01)},
                   momentum=0.0, batch_size=10, test_fraction=0.5),
    # A table of your own: standardised inputs, tanh, Adam.
    "csv": Task(None, "cross_entropy", "sigmoid", 60),
}
CSV_REGRESSION_LOSS = "half_mse"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `train` command to the `chainrule` parser."""
    parser = commands.add_parser(
        "train",
        help="train an MLP on moons, xor, division, the digits or a CSV file, and plot the result",
        description="Train an MLP with a progress bar; print train and test accuracy (error for "
        "a regression); write a loss curve, pictures of what the model learned and the trained "
        "model into an output folder.",
    )
    parser.add_argument("--dataset", choices=sorted(TASKS.keys() - {"csv"}), default=None,
                        help="moons and xor are classification (labels 0/1); division is "
                        "regression, learning a / b; digits are scikit-learn's 1797 8x8 "
                        "images of 0-9 (needs scikit-learn) (default: moons)")
    parser.add_argument("--csv", default=None, metavar="PATH",
                        help="train on your own CSV file instead: a header line naming the "
                        "columns, one sample per line; give --target")
    parser.add_argument("--target", default=None, metavar="COLUMN",
                        help="with --csv: the column to predict; every other column is an input")
    parser.add_argument("--task", choices=("classification", "regression"), default=None,
                        help="with --csv: read the target as class labels (one output per "
                        "class) or as a number to predict (default: classification for text, "
                        "regression for numbers)")
    parser.add_argument("--samples", type=int, default=None, metavar="N",
                        help="number of samples (default: 100 for moons and xor, 300 for "
                        "division); for digits and --csv, use only the first N")
    parser.add_argument("--noise", type=float, default=0.1, metavar="STD",
                        help="standard deviation of the noise added to moons and xor "
                        "(default: 0.1)")
    parser.add_argument("--hidden", type=layer_sizes, default=None, metavar="SIZES",
                        help="hidden layer sizes, comma separated; the output layer (1 neuron, "
                        "or one per class) is added; '' for none (default: 16,16; 30 for "
                        "digits)")
    add_activations(parser, None, "sigmoid; linear with --loss hinge or cross_entropy, and "
                    "for a CSV file's numeric target",
                    hidden_default="tanh; sigmoid for digits")
    add_loss(parser, None, "loss function (default: bce; half_mse for division and digits, as in "
             "the notes, with one-hot targets; cross_entropy for a CSV file's classes); hinge "
             "maps labels to -1/+1 and needs a tanh or linear output; cross_entropy needs one "
             "output per class (digits, --csv)")
    parser.add_argument("--optimizer", choices=("adam", "sgd"), default=None,
                        help="Adam, or SGD with --momentum (default: adam; for digits sgd, "
                        "as in the notes, and adam with --loss cross_entropy)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 0.02 for adam, 0.5 for sgd; for digits "
                        "3.0 for sgd, as in the notes, and 0.01 for adam with cross_entropy)")
    parser.add_argument("--momentum", type=float, default=None,
                        help="momentum of SGD (default: 0.9; 0 for digits)")
    parser.add_argument("--epochs", type=int, default=None, metavar="N",
                        help="passes over the training data (default: 100 for moons, 30 for "
                        "digits, 60 otherwise)")
    parser.add_argument("--batch-size", type=int, default=None, metavar="N",
                        help="samples per update step; 0 means the whole training set "
                        "(default: 20; 10 for digits)")
    parser.add_argument("--test-fraction", type=float, default=None, metavar="F",
                        help="share of the samples held out for testing (default: 0.2, drawn "
                        "at random; for digits 0.5, the last half: scikit-learn's example split)")
    add_seed(parser, "the data, the split, the initial weights and the batches")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder for the plots and model.json (default: "
                        "out/<dataset>, or out/<file name> for --csv)")
    parser.add_argument("--no-plots", action="store_true",
                        help="skip the PNG plots (skipped anyway, with a notice, when "
                        "matplotlib is not installed)")
    parser.add_argument("--compile", action="store_true",
                        help="write the training step out as Python code once and run that "
                        "(nn.compile_step): the same training, several times faster")
    add_allow_large(parser, "train a network")
    parser.add_argument("--no-progress", action="store_true",
                        help="hide the progress bar (shown only when stderr is a terminal "
                        "and tqdm is installed)")
    add_html_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train as `args` says. The exit status is 0; 2 when an option is invalid (before any work);
    1 when training diverges, a file cannot be written or the --html page cannot be drawn; 130
    when Ctrl-C stops training (the model is saved first). Each error is one line."""
    try:
        return _train(args)
    except (ValueError, ImportError) as error:
        print(f"chainrule train: error: {error}", file=sys.stderr)
        return 2
    except (FloatingPointError, OSError) as error:  # diverged, or a file could not be written
        print(f"chainrule train: error: {error}", file=sys.stderr)
        return 1


def _train(args: argparse.Namespace) -> int:
    name = _task_name(args)
    task = TASKS[name]
    problem = _problem(args, name, task)
    loss = args.loss or (CSV_REGRESSION_LOSS if name == "csv" and problem.metric == "error"
                         else task.loss)
    output_activation = args.output_activation or _output_activation(loss, task, problem)
    _check_loss(loss, output_activation, problem)
    plots = not args.no_plots and _plots_possible()
    X_train, X_test = problem.X_train, problem.X_test
    classes = f", {problem.outputs} classes" if problem.classes else ""
    print(f"{problem.name}: {len(X_train)} training and {len(X_test)} test samples{classes}")
    nin, nouts = len(X_train[0]), [*(task.hidden if args.hidden is None else args.hidden),
                                   problem.outputs]
    activation = args.activation or task.activation
    architecture = (f"MLP({nin}, {nouts}, activation={activation!r}, "
                    f"output_activation={output_activation!r})")
    print(f"{architecture}: {parameter_count(nin, nouts):,} parameters", flush=True)
    _check_size(architecture, nin, nouts, len(X_train), args.compile, args.allow_large)
    folder = args.out or os.path.join("out", problem.name)
    _check_output_folder(folder)
    model = MLP(nin, nouts, activation=activation, output_activation=output_activation,
                seed=args.seed)
    optimizer = _optimizer(args, task, model, loss)
    epochs = task.epochs if args.epochs is None else args.epochs
    batch_size = task.batch_size if args.batch_size is None else args.batch_size
    y_train, y_test = problem.targets(loss)
    momentum = f" momentum {optimizer.momentum}" if isinstance(optimizer, SGD) else ""
    print(f"loss {loss}, {type(optimizer).__name__} lr {optimizer.lr}{momentum}, {epochs} "
          f"epochs, batch size {batch_size or len(X_train)}")
    if args.html and not write_sample_page(args.html, model, X_train[0], y_train[0], loss,
                                           problem.name):
        return 1
    history = fit(model, X_train, y_train, loss=loss, optimizer=optimizer, epochs=epochs,
                  batch_size=batch_size or None, X_test=X_test, y_test=y_test,
                  metric=problem.metric, seed=args.seed,
                  progress=not args.no_progress and sys.stderr.isatty(), compile=args.compile)
    # Saved before anything else: a second Ctrl-C during the evaluation loses no training.
    os.makedirs(folder, exist_ok=True)
    written = [os.path.join(folder, "model.json")]
    model.save(written[0])
    if problem.input_scales is not None:
        written.append(save_scaling(problem, args.target, os.path.join(folder, "scaling.json")))
    train = evaluate(model, X_train, y_train, loss, problem.metric)
    test = evaluate(model, X_test, y_test, loss, problem.metric)
    print(f"train {train}")
    print(f"test  {test}")
    if name == "division":
        scale = 2.0
        print(f"test error in a / b units: mean |prediction - a/b| = {test.value * scale:.4g}")
    if problem.target_scale is not None:
        print(f"test error in {args.target!r} units: mean |prediction - target| = "
              f"{test.value * problem.target_scale[1]:.4g} (the loss and error above are in "
              "standard deviations of the training targets)")
    if history.interrupted:
        print(f"stopped by Ctrl-C after {history.epochs} epoch(s), at a step boundary")
    if history.epochs:
        print(f"{1000 * sum(history.seconds) / history.epochs:.1f} ms per epoch")
    if plots and history.epochs:
        written.extend(write_plots(problem, model, history, loss, y_test, folder))
    print("wrote " + ", ".join(written))
    if history.interrupted:
        print(f"chainrule train: stopped by Ctrl-C; the model trained so far is in {written[0]}",
              file=sys.stderr)
        return INTERRUPTED_STATUS
    return 0


# Measured with fit on this engine (CPython 3.11, batches of 10): about 0.35 microseconds per
# parameter per sample, plus about 5 per neuron (its node, its activation, its list of inputs);
# compiling the step once takes up to 0.4 milliseconds per parameter (more for a wide layer).
SECONDS_PER_PARAMETER, SECONDS_PER_NEURON = 0.4e-6, 5e-6
SECONDS_TO_COMPILE_PER_PARAMETER = 0.4e-3


def _check_size(architecture: str, nin: int, nouts: list[int], samples: int, compile: bool,
                allow_large: bool) -> None:
    """ValueError, before anything is built, for a network a scalar engine would take too long
    to train (roughly more than five minutes an epoch), unless the user insists."""
    parameters, neurons = parameter_count(nin, nouts), sum(nouts)
    epoch = samples * (parameters * SECONDS_PER_PARAMETER + neurons * SECONDS_PER_NEURON)
    if compile:
        epoch += parameters * SECONDS_TO_COMPILE_PER_PARAMETER
    if epoch <= LONGEST_RUN or allow_large:
        return
    compiled = " and compiling its step" if compile else ""
    raise ValueError(
        f"{architecture} has {parameters:,} parameters in {neurons:,} neurons: one epoch over "
        f"{samples:,} samples{compiled} would take roughly {epoch / 60:,.0f} minutes here (every "
        "parameter is a Python object, every multiply a node of the graph). Use smaller --hidden "
        "sizes or fewer --samples, or --allow-large to train it anyway"
    )


def _check_output_folder(folder: str) -> None:
    """ValueError, before training, when model.json could not be written into `folder` (made
    after training if it does not exist yet): no work is lost to a bad --out."""
    existing = os.path.abspath(folder)
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        what = "it is a file" if existing == os.path.abspath(folder) else f"{existing} is a file"
        raise ValueError(f"--out {folder}: {what}, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"--out {folder}: {existing} is not writable")
    model_file = os.path.join(folder, "model.json")
    if os.path.lexists(model_file):
        target = os.path.realpath(model_file)  # through a link: where the model would go
        if not os.path.isdir(os.path.dirname(target)):
            raise ValueError(f"--out {folder}: {model_file} links to {target}, in a folder "
                             "that does not exist")
        if os.path.exists(target) and not os.path.isfile(target):
            raise ValueError(f"--out {folder}: {model_file} is not a file, so the model cannot "
                             "be saved there")


def _task_name(args: argparse.Namespace) -> str:
    """The task the options ask for, after checking that they go together."""
    if args.csv is None:
        for option, value in (("--target", args.target), ("--task", args.task)):
            if value is not None:
                raise ValueError(f"{option} goes with --csv PATH, which names the file to read")
        return args.dataset or "moons"
    if args.dataset is not None:
        raise ValueError(f"give --dataset {args.dataset} or --csv {args.csv}, not both")
    if args.target is None:
        raise ValueError(f"--csv {args.csv} needs --target COLUMN: the column to predict")
    return "csv"


def _problem(args: argparse.Namespace, name: str, task: Task) -> Problem:
    """The data, split: generated, the digits, or read from the CSV file."""
    samples = task.samples if args.samples is None else args.samples
    if samples is not None and samples < 1:
        raise ValueError(f"--samples must be at least 1, got {samples}")
    fraction = task.test_fraction if args.test_fraction is None else args.test_fraction
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {fraction}")
    if name == "digits":
        return train_data.digits(samples, fraction)
    if name == "csv":
        try:
            return train_data.from_csv(args.csv, args.target, args.task, samples, fraction,
                                       args.seed)
        except OSError as error:
            raise ValueError(f"cannot read --csv {args.csv}: {error.strerror or error}") from None
    assert samples is not None
    return train_data.generated(name, samples, args.noise, fraction, args.seed)


def _output_activation(loss: str, task: Task, problem: Problem) -> str:
    """Linear outputs for the losses that read them as scores (hinge) or logits (cross_entropy),
    and for a standardised target, which has no bounds; else the task's (sigmoid)."""
    if loss in ("hinge", "cross_entropy") or problem.target_scale is not None:
        return "linear"
    return task.output_activation


def _check_loss(loss: str, output_activation: str, problem: Problem) -> None:
    """ValueError, before training, for a loss that cannot score these outputs or targets."""
    if problem.target_scale is not None and loss in ("bce", "hinge"):
        raise ValueError(f"--loss {loss} scores classes, but the target of {problem.name} is a "
                         "number to predict; use half_mse, mse or sse (or --task "
                         "classification)")
    if loss == "bce" and output_activation != "sigmoid":
        raise ValueError(f"--loss bce needs a sigmoid output, not {output_activation!r}: "
                         "its predictions must be probabilities")
    if loss == "hinge" and output_activation not in HINGE_OUTPUTS:
        raise ValueError(f"--loss hinge needs a tanh or linear output, not "
                         f"{output_activation!r}: it scores outputs against labels -1 and +1, "
                         f"and a {output_activation} output cannot go below 0")
    if loss == "cross_entropy" and problem.classes is None:
        raise ValueError(f"--loss cross_entropy needs one output per class, and {problem.name} "
                         "is trained with a single output; use it with --dataset digits or a "
                         "CSV target of class labels (bce scores a single sigmoid output)")


def _plots_possible() -> bool:
    """True when matplotlib is installed; else a one-line notice that the plots are skipped."""
    if importlib.util.find_spec("matplotlib") is not None:
        return True
    print("chainrule train: skipping the plots: matplotlib is not installed "
          "(pip install 'chainrule[plots]'; --no-plots silences this)", file=sys.stderr)
    return False


def _optimizer(args: argparse.Namespace, task: Task, model: MLP, loss: str) -> Optimizer:
    name, lr = task.recipes.get(loss, (task.optimizer, LEARNING_RATES[task.optimizer]))
    if args.optimizer is not None and args.optimizer != name:
        name, lr = args.optimizer, LEARNING_RATES[args.optimizer]
    if args.lr is not None:
        lr = args.lr
    if name == "sgd":
        momentum = task.momentum if args.momentum is None else args.momentum
        return SGD(model.parameters(), lr=lr, momentum=momentum)
    return Adam(model.parameters(), lr=lr)
