"""The notes' own example: handwritten digits in, ten output neurons out, one per digit.

The textbook's first chapter trains a network of sigmoid neurons on MNIST: 784 inputs, 30 hidden
neurons, 10 outputs, the cost C = 1/(2m) Σ ||a - y||^2 against one-hot targets (y has a 1 at the
true digit and 0 elsewhere), mini-batch SGD with eta = 3.0 on batches of 10, for 30 epochs; it
reaches 95.4% on MNIST's test images. Here is the same recipe on the 1,797 8x8 digits that ship
inside scikit-learn (nothing is downloaded), on scikit-learn's own example split: the first half
trains, the second half tests. Grey levels 0..16 become inputs in [0, 1].

Then the same hidden layer with softmax outputs and the cross-entropy cost, whose output error
is simply delta_L = (softmax(z_L) - y)/m, trained with Adam, as most networks are trained today
(with plain SGD, lr 0.5 or 1.0, it lands at 93.3-94.7% depending on the seed). Both runs are
held to a result band, and the pictures land in out/digits_example/ (or the folder given with
--out): the loss curves, the confusion matrix, the test digits the network gets wrong, and for
one of them dC/dx, what the network would change in the image to lower the cost.

Each training step runs compiled (`fit(..., compile=True)`: the step traced once and run as
straight-line Python, the same numbers as the engine's `train_step`, about three times faster), so
the two runs of 30 epochs take about half a minute.

Run: python examples/digits.py             (the full recipe; what the tests run)
     python examples/digits.py --quick     (3 epochs each, a lower band: a first look)
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nn import MLP, SGD, Adam, History, Optimizer, fit
from nn.classes import predicted_classes
from nn.data import load_digits, one_hot
from nn.metrics import Target
from nn.plots import plot_confusion_matrix, plot_history, plot_input_gradient, plot_misclassified
from nn.training import predict

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
parser.add_argument("--quick", action="store_true", help="3 epochs per run instead of 30")
parser.add_argument("--out", type=Path, default=Path("out/digits_example"),
                    help="folder for the pictures (default: out/digits_example)")
args = parser.parse_args()
EPOCHS = 3 if args.quick else 30
RECIPE_BAND, SOFTMAX_BAND = (0.80, 0.80) if args.quick else (0.93, 0.94)

# 1. The data: 1797 images of 64 pixels, labels 0-9; the first 898 train, the other 899 test.
X, labels = load_digits()
half = len(X) // 2
X_train, X_test = X[:half], X[half:]
labels_train, labels_test = labels[:half], labels[half:]
print(f"{len(X_train)} training and {len(X_test)} test digits of {len(X[0])} pixels in [0, 1]")


def train(model: MLP, loss: str, optimizer: Optimizer, y_train: list[Target],
          y_test: list[Target]) -> History:
    """Batches of 10, EPOCHS passes over the training digits, the test digits scored after each."""
    return fit(model, X_train, y_train, loss=loss, optimizer=optimizer,
               epochs=EPOCHS, batch_size=10, X_test=X_test, y_test=y_test, seed=0,
               progress=sys.stderr.isatty(), compile=True)


# 2. The notes' recipe: sigmoid everywhere, half-MSE against one-hot rows, SGD with eta = 3.0.
recipe = MLP(64, [30, 10], activation="sigmoid", seed=0)
print(f"\nthe notes' recipe: {recipe}, half_mse, SGD lr 3.0, batch 10, {EPOCHS} epochs")
recipe_history = train(recipe, "half_mse", SGD(recipe.parameters(), lr=3.0),
                       one_hot(labels_train, 10), one_hot(labels_test, 10))

# 3. Softmax and cross-entropy: the same hidden layer, linear outputs read as logits, and the
#    class index as the target (cross_entropy takes it as it is, or one-hot).
softmax_net = MLP(64, [30, 10], activation="sigmoid", output_activation="linear", seed=0)
print(f"softmax + cross-entropy: {softmax_net}, cross_entropy, Adam lr 0.01, batch 10, "
      f"{EPOCHS} epochs")
softmax_history = train(softmax_net, "cross_entropy", Adam(softmax_net.parameters(), lr=0.01),
                        [float(c) for c in labels_train], [float(c) for c in labels_test])

# 4. Accuracy on the test digits after every epoch: the share whose largest output is the label.
print("\nepoch   test accuracy: notes' recipe   softmax + cross-entropy")
for epoch, (a, b) in enumerate(zip(recipe_history.test_metric, softmax_history.test_metric), 1):
    print(f"{epoch:5}                  {a:6.1%}                   {b:6.1%}")
for name, history in (("notes' recipe", recipe_history), ("softmax + CE", softmax_history)):
    seconds = sum(history.seconds) / history.epochs
    print(f"{name}: train {history.train_metric[-1]:.1%}, test {history.test_metric[-1]:.1%}; "
          f"{seconds:.2f} s per epoch (90 steps of 10, then the 899 test digits scored)")
recipe_accuracy, softmax_accuracy = recipe_history.test_metric[-1], softmax_history.test_metric[-1]
assert recipe_accuracy >= RECIPE_BAND, f"the notes' recipe reached only {recipe_accuracy:.1%}"
assert softmax_accuracy >= SOFTMAX_BAND, f"softmax + CE reached only {softmax_accuracy:.1%}"
print(f"both within their bands: at least {RECIPE_BAND:.0%} and {SOFTMAX_BAND:.0%} on the test "
      "digits (the textbook's recipe gets 95.4% on MNIST's, with 60,000 images to learn from)")

# 5. Pictures of the softmax network: where it goes wrong, and what it would change.
args.out.mkdir(parents=True, exist_ok=True)
classes = [float(c) for c in labels_test]
plot_history(recipe_history, args.out / "recipe_loss.png", title="digits: the notes' recipe "
             "(sigmoid, half-MSE, SGD 3.0)")
plot_history(softmax_history, args.out / "softmax_loss.png", title="digits: softmax + "
             "cross-entropy (Adam 0.01)")
plot_confusion_matrix(softmax_net, X_test, classes, args.out / "confusion_matrix.png",
                      title="softmax + cross-entropy, test digits")
plot_misclassified(softmax_net, X_test, classes, args.out / "misclassified.png")
predicted = predicted_classes(predict(softmax_net, X_test))
wrong = next(i for i, (p, t) in enumerate(zip(predicted, labels_test)) if p != t)
plot_input_gradient(softmax_net, X_test[wrong], classes[wrong], args.out / "input_gradient.png",
                    loss="cross_entropy")
print(f"test digit {wrong} is a {labels_test[wrong]} taken for a {predicted[wrong]}: "
      f"input_gradient.png shows dC/dx, pixel by pixel")
print(f"wrote recipe_loss.png, softmax_loss.png, confusion_matrix.png, misclassified.png and "
      f"input_gradient.png in {args.out}")
