"""`chainrule check`: the same gradients three ways, and how far apart they are, layer by layer.

For random networks and a random batch it computes dC/dW and dC/db with

    autograd      `backward()` through the graph of `Value`s,
    nn.manual     the four backpropagation equations in plain floats,
    central       (C(p + eps) - C(p - eps)) / (2 eps), one parameter at a time,

and prints the largest absolute and relative difference from autograd in each layer. A difference
passes when |g - g_autograd| <= atol + rtol * |g_autograd|. The exit status is 1 if any fails.

nn.manual and autograd do the same arithmetic in a different order, so they agree to rounding
(about 1e-16 relative); central differences carry an error of order eps^2 plus rounding / eps,
about 1e-10 absolute with eps = 1e-6, hence the looser default tolerance.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass

from autograd import Value, numerical_grad
from nn.layers import MLP
from nn.losses import get_loss
from nn.manual import LOSS_SLOPES, backprop

Batch = tuple[list[list[float]], list[list[float]]]


@dataclass(frozen=True)
class Difference:
    """The largest |g - g_autograd| and |g - g_autograd| / |g_autograd| over some parameters."""

    abs: float
    rel: float
    failures: int

    @staticmethod
    def between(
        values: Sequence[float], reference: Sequence[float], atol: float, rtol: float
    ) -> Difference:
        """Compare `values` with `reference` entry by entry; count those outside the tolerance."""
        largest_abs = largest_rel = 0.0
        failures = 0
        for g, ref in zip(values, reference):
            diff = abs(g - ref)
            rel = diff / abs(ref) if ref != 0.0 else (0.0 if diff == 0.0 else float("inf"))
            largest_abs, largest_rel = max(largest_abs, diff), max(largest_rel, rel)
            if not diff <= atol + rtol * abs(ref):
                failures += 1
        return Difference(largest_abs, largest_rel, failures)


@dataclass(frozen=True)
class LayerReport:
    """One layer's parameters: nn.manual and central differences, each against autograd."""

    layer: int
    count: int
    manual: Difference
    central: Difference


def random_batch(model: MLP, m: int, loss: str, rng: random.Random) -> Batch:
    """m inputs uniform in [-1, 1] and targets that suit the loss (0/1 for bce, ±1 for hinge)."""
    outputs = len(model.layers[-1].neurons)
    X = [[rng.uniform(-1.0, 1.0) for _ in range(model.nin)] for _ in range(m)]  # noqa: N806
    if loss == "bce":
        Y = [[float(rng.randint(0, 1)) for _ in range(outputs)] for _ in range(m)]  # noqa: N806
    elif loss == "hinge":
        Y = [[rng.choice((-1.0, 1.0)) for _ in range(outputs)] for _ in range(m)]  # noqa: N806
    else:
        Y = [[rng.random() for _ in range(outputs)] for _ in range(m)]  # noqa: N806
    return X, Y


def _flat_by_layer(model: MLP) -> list[list[Value]]:
    """Each layer's parameters in the order w[0][0], w[0][1], ..., b[0], w[1][0], ..."""
    return [[p for n in layer.neurons for p in (*n.w, n.b)] for layer in model.layers]


def compare(model: MLP, batch: Batch, loss: str, eps: float,
            manual_tol: tuple[float, float], central_tol: tuple[float, float]) -> list[LayerReport]:
    """The gradient of `loss` three ways, compared per layer; tolerances are (atol, rtol)."""
    X, Y = batch  # noqa: N806
    loss_fn = get_loss(loss)
    params = _flat_by_layer(model)
    everything = [p for layer in params for p in layer]

    model.zero_grad()
    loss_fn([model(x) for x in X], Y).backward()
    by_autograd = [[p.grad for p in layer] for layer in params]

    weight_grads, bias_grads = backprop(model, X, Y, loss)
    by_manual = [
        [g for row, b in zip(w_l, b_l) for g in (*row, b)]
        for w_l, b_l in zip(weight_grads, bias_grads)
    ]

    start = [p.data for p in everything]

    def cost(*values: Value) -> Value:
        for p, v in zip(everything, values):
            p.data = v.data
        return loss_fn([model(x) for x in X], Y)

    try:
        central = numerical_grad(cost, start, eps)
    finally:
        for p, data in zip(everything, start):
            p.data = data
    by_central, at = [], 0
    for layer in params:
        by_central.append(central[at : at + len(layer)])
        at += len(layer)

    return [
        LayerReport(
            layer=l,
            count=len(auto),
            manual=Difference.between(man, auto, *manual_tol),
            central=Difference.between(cen, auto, *central_tol),
        )
        for l, (auto, man, cen) in enumerate(zip(by_autograd, by_manual, by_central), start=1)  # noqa: E741
    ]


def table(reports: list[LayerReport], manual_tol: tuple[float, float],
          central_tol: tuple[float, float]) -> str:
    """The per-layer differences as a text table, with the tolerances on the last line."""
    lines = [
        "layer  params   nn.manual - autograd     central diff. - autograd",
        "                max abs     max rel      max abs     max rel",
    ]
    for r in reports:
        flag = "" if r.manual.failures == r.central.failures == 0 else "   <- exceeds tolerance"
        lines.append(
            f"{r.layer:>5}  {r.count:>6}   {r.manual.abs:<10.2e}  {r.manual.rel:<10.2e}   "
            f"{r.central.abs:<10.2e}  {r.central.rel:<10.2e}{flag}".rstrip()
        )
    lines.append(
        f"allowed: atol + rtol*|g| with  atol {manual_tol[0]:.0e}, rtol {manual_tol[1]:.0e}     "
        f"atol {central_tol[0]:.0e}, rtol {central_tol[1]:.0e}"
    )
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    """'3,4,4,1' -> [3, 4, 4, 1]: the number of inputs, then each layer's size."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be integers separated by commas, like 3,4,4,1; got {text!r}"
        ) from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"sizes need the inputs and at least one layer, each at least 1, like 3,4,1; "
            f"got {text!r}"
        )
    return sizes


def positive(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return n


def run(args: argparse.Namespace) -> int:
    """Check `args.nets` random networks; 0 if every gradient is within tolerance, else 1."""
    manual_tol = (args.manual_atol, args.manual_rtol)
    central_tol = (args.central_atol, args.central_rtol)
    nin, *nouts = args.sizes
    shape = " -> ".join(map(str, args.sizes))
    failed = 0
    for i in range(args.nets):
        seed = args.seed + i
        model = MLP(nin, nouts, args.activation, args.output_activation, seed=seed)
        batch = random_batch(model, args.batch, args.loss, random.Random(seed))
        reports = compare(model, batch, args.loss, args.eps, manual_tol, central_tol)
        print(f"net {i + 1} of {args.nets}: MLP {shape} ({model.activation}, output "
              f"{model.output_activation}), loss {args.loss}, batch {args.batch}, seed {seed}")
        print(table(reports, manual_tol, central_tol))
        print()
        failed += sum(r.manual.failures + r.central.failures for r in reports)
    if failed:
        print(f"FAIL: {failed} gradient(s) outside the tolerance")
        return 1
    print("ok: autograd, nn.manual and central differences agree within the tolerances")
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `chainrule check`."""
    parser = commands.add_parser(
        "check",
        help="compare autograd, hand-derived backprop and central differences",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--sizes", type=parse_sizes, default=[3, 4, 4, 1],
                        help="inputs, then each layer's size (default 3,4,4,1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first network and batch")
    parser.add_argument("--nets", type=positive, default=3,
                        help="how many random networks (default 3)")
    parser.add_argument("--batch", type=positive, default=8,
                        help="samples per batch, m (default 8)")
    parser.add_argument("--loss", choices=sorted(LOSS_SLOPES), default="half_mse")
    parser.add_argument("--activation", default="sigmoid",
                        choices=["sigmoid", "tanh", "relu", "linear"], help="hidden layers")
    parser.add_argument("--output-activation", default=None,
                        choices=["sigmoid", "tanh", "relu", "linear"],
                        help="last layer (default: the same as --activation)")
    parser.add_argument("--eps", type=float, default=1e-6, help="central-difference step")
    tolerance = "allowed |g - g_autograd| is atol + rtol * |g_autograd|; default %(default)s"
    parser.add_argument("--manual-atol", type=float, default=1e-14,
                        help="nn.manual against autograd: " + tolerance)
    parser.add_argument("--manual-rtol", type=float, default=1e-10, help="default %(default)s")
    parser.add_argument("--central-atol", type=float, default=1e-8,
                        help="central differences against autograd: " + tolerance)
    parser.add_argument("--central-rtol", type=float, default=1e-5, help="default %(default)s")
    parser.set_defaults(run=run)
