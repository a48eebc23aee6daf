"""`chainrule check`: the same gradients three ways, and how far apart they are, layer by layer.

For random networks and a random batch it computes dC/dW and dC/db with autograd's `backward()`,
with nn.manual's four backpropagation equations, and with central differences (`nn.compare`
does the work), and prints the largest absolute and relative difference from autograd in each
layer. A difference passes when |g - g_autograd| <= atol + rtol * |g_autograd|. The exit status
is 1 if any fails.
"""

from __future__ import annotations

import argparse
import random
import sys

from nn.commands.options import (
    LONGEST_RUN,
    add_activations,
    add_allow_large,
    add_loss,
    add_seed,
    network_sizes,
    positive,
)
from nn.compare import LayerReport, Tolerance, check_loss_fits, compare, random_batch
from nn.layers import MLP, parameter_count


def table(reports: list[LayerReport], manual_tol: Tolerance, central_tol: Tolerance) -> str:
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


# Measured: --sizes 64,30,10 (2,260 parameters), batch 8, takes 9.4 s a net.
SECONDS_PER_PARAMETER_SQUARED_SAMPLE = 9.4 / (2260**2 * 8)


def run(args: argparse.Namespace) -> int:
    """Check `args.nets` random networks; 0 if every gradient is within tolerance, else 1;
    2 (with a message, before any work) if the loss cannot score the network's outputs."""
    manual_tol = (args.manual_atol, args.manual_rtol)
    central_tol = (args.central_atol, args.central_rtol)
    nin, *nouts = args.sizes
    parameters = parameter_count(nin, nouts)
    # Central differences run the batch twice per parameter: the time grows as parameters^2.
    seconds = SECONDS_PER_PARAMETER_SQUARED_SAMPLE * parameters**2 * args.batch * args.nets
    if seconds > LONGEST_RUN and not args.allow_large:
        print(f"chainrule check: error: --sizes {','.join(map(str, args.sizes))} makes "
              f"{parameters:,} parameters; central differences run the batch twice for each, so "
              f"{args.nets} net(s) would take roughly {seconds / 60:,.0f} minutes. Use smaller "
              "--sizes, or --allow-large to check them anyway", file=sys.stderr)
        return 2
    try:
        check_loss_fits(MLP(nin, nouts, args.activation, args.output_activation), args.loss)
    except ValueError as error:
        print(f"chainrule check: error: --sizes {','.join(map(str, args.sizes))} --loss "
              f"{args.loss}: {error}", file=sys.stderr)
        return 2
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
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    parser.add_argument("--sizes", type=network_sizes, default=[3, 4, 4, 1],
                        help="inputs, then each layer's size (default: 3,4,4,1)")
    add_seed(parser, "the first network and its batch; network i uses seed + i")
    parser.add_argument("--nets", type=positive, default=3,
                        help="how many random networks (default: %(default)s)")
    parser.add_argument("--batch", type=positive, default=8,
                        help="samples per batch, m (default: %(default)s)")
    add_loss(parser, "half_mse", "the cost C whose gradient is checked; targets are drawn to "
             "suit it (0/1 for bce, -1/+1 for hinge) (default: %(default)s)")
    add_activations(parser, "sigmoid", "the same as --activation")
    parser.add_argument("--eps", type=float, default=1e-6,
                        help="central-difference step (default: %(default)s)")
    tolerance = "allowed |g - g_autograd| is atol + rtol * |g_autograd|; default: %(default)s"
    parser.add_argument("--manual-atol", type=float, default=1e-14,
                        help="nn.manual against autograd: " + tolerance)
    parser.add_argument("--manual-rtol", type=float, default=1e-10,
                        help="default: %(default)s")
    parser.add_argument("--central-atol", type=float, default=1e-8,
                        help="central differences against autograd: " + tolerance)
    parser.add_argument("--central-rtol", type=float, default=1e-5,
                        help="default: %(default)s")
    add_allow_large(parser, "check networks")
    parser.set_defaults(run=run)
