"""What `chainrule train` writes besides model.json: the pictures, and a CSV file's scales.

The pictures are the ones a learner wants to look at after training: the loss curves; for one
output, the decision boundary in the plane (moons, xor) or predicted against true (a regression);
for one output per class, the confusion matrix on the test samples; and where the inputs are
images (the digits), the test digits it gets wrong, and for one of them dC/dx, how the cost
changes with each pixel.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N803, N806

from __future__ import annotations

import json
import os

from nn.classes import predicted_classes
from nn.commands.train_data import Problem
from nn.layers import MLP
from nn.metrics import Target
from nn.serialize import write_atomically
from nn.training import History, predict


def write_plots(
    problem: Problem,
    model: MLP,
    history: History,
    loss: str,
    y_test: list[Target],
    folder: str,
) -> list[str]:
    """Draw every picture that suits `problem` into `folder`; return their paths.

    `y_test` are the test targets as `loss` took them (`problem.targets(loss)`).
    """
    from nn import plots

    paths = [os.path.join(folder, "loss.png")]
    sizes = ", ".join(map(str, model.nouts))
    title = (f"{problem.name}: MLP({model.nin}, [{sizes}]), "
             f"{model.activation}/{model.output_activation}, {loss}")
    plots.plot_history(history, paths[0], title=title)
    X_train, X_test = problem.X_train, problem.X_test
    if problem.classes is not None:
        paths.append(os.path.join(folder, "confusion_matrix.png"))
        plots.plot_confusion_matrix(model, X_test, y_test, paths[-1],
                                    title=f"{problem.name}, test samples", classes=problem.classes)
    elif problem.metric == "error":
        paths.append(os.path.join(folder, "predictions.png"))
        if problem.target_scale is None:
            plots.plot_predictions(model, X_test, y_test, paths[-1],
                                   title=f"{problem.name}, test samples: target = (a / b) / 2")
        else:
            plots.plot_predictions(model, X_test, y_test, paths[-1],
                                   title=f"{problem.name}, test samples",
                                   target_scale=problem.target_scale,
                                   target_name=problem.target or "target")
    else:
        paths.append(os.path.join(folder, "decision_boundary.png"))
        y_train, _ = problem.targets(loss)
        plots.plot_decision_boundary(model, X_train, y_train, paths[-1],
                                     title=f"{problem.name} (hollow: test samples)",
                                     X_test=X_test, y_test=y_test)
    if problem.image_shape is not None and problem.classes is not None:
        paths.append(os.path.join(folder, "misclassified.png"))
        plots.plot_misclassified(model, X_test, y_test, paths[-1], shape=problem.image_shape,
                                 classes=problem.classes)
        paths.append(os.path.join(folder, "input_gradient.png"))
        i = _first_mistake(model, X_test, problem.y_test)
        plots.plot_input_gradient(model, X_test[i], y_test[i], paths[-1], loss=loss,
                                  shape=problem.image_shape, classes=problem.classes)
    return paths


def _first_mistake(model: MLP, X: list[list[float]], labels: list[float]) -> int:
    """The first sample the model puts in the wrong class (the first sample if there is none):
    its dC/dx says what would change the model's mind."""
    predicted = predicted_classes(predict(model, X))
    return next((i for i, (p, t) in enumerate(zip(predicted, labels)) if p != t), 0)


def save_scaling(problem: Problem, target: str, path: str) -> str:
    """Write the (mean, std) every input (and a numeric target) was standardised with, as JSON,
    atomically: to use model.json on new rows, standardise them the same way first."""
    assert problem.input_scales is not None and problem.features is not None
    document: dict[str, object] = {
        "inputs": [{"column": name, "mean": mean, "std": std}
                   for name, (mean, std) in zip(problem.features, problem.input_scales)],
        "target": {"column": target, "classes": problem.classes},
    }
    if problem.target_scale is not None:
        mean, std = problem.target_scale
        document["target"] = {"column": target, "mean": mean, "std": std}
    write_atomically(path, json.dumps(document, indent=1))
    return path


