"""`chainrule explain`: every chain-rule path from the loss to one parameter of a random MLP.

Each path is printed as a product of named local derivatives with their values, then the sum
over paths beside nn.manual's value (the deltas) and autograd's `param.grad`. The exit status is
1 if the three disagree.
"""

from __future__ import annotations

import argparse
import random
import sys

from nn.commands.options import add_activations, add_loss, add_seed, network_sizes, positive
from nn.compare import random_batch
from nn.explain import explain
from nn.layers import MLP


def run(args: argparse.Namespace) -> int:
    """Print the explain view for `args.param`; 0 if the three values agree, 1 if not, 2 if bad."""
    nin, *nouts = args.sizes
    model = MLP(nin, nouts, args.activation, args.output_activation, seed=args.seed)
    X, Y = random_batch(model, args.batch, args.loss, random.Random(args.seed))  # noqa: N806
    shape = " -> ".join(map(str, args.sizes))
    print(f"MLP {shape} ({model.activation}, output {model.output_activation}), seed {args.seed}")
    try:
        view = explain(model, X, Y, args.param, args.loss, args.max_paths, args.sum_limit)
    except ValueError as error:
        message = str(error)
        prefix = "chainrule " if message.startswith("explain:") else "chainrule explain: "
        print(prefix + message, file=sys.stderr)
        return 2
    print(view.render())
    return 0 if view.agrees() else 1


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `chainrule explain`."""
    parser = commands.add_parser(
        "explain",
        help="list the chain-rule paths from the loss to one parameter",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--param", default="W1[0][0]",
                        help="W<layer>[neuron][input] or b<layer>[neuron], layers counted from 1 "
                             "(a0 is the input), or a label like L1.N0.w0 (default W1[0][0])")
    parser.add_argument("--sizes", type=network_sizes, default=[2, 2, 1],
                        help="inputs, then each layer's size (default: 2,2,1)")
    add_seed(parser, "the network and the batch")
    parser.add_argument("--batch", type=positive, default=1,
                        help="samples, m (default: %(default)s)")
    add_loss(parser, "half_mse", "the cost C at the start of every path; targets are drawn to "
             "suit it (0/1 for bce, -1/+1 for hinge) (default: %(default)s)")
    add_activations(parser, "sigmoid", "the same as --activation")
    parser.add_argument("--max-paths", type=positive, default=12,
                        help="paths to print (default: %(default)s)")
    parser.add_argument("--sum-limit", type=positive, default=100_000,
                        help="sum the paths one by one only up to this many "
                        "(default: %(default)s)")
    parser.set_defaults(run=run)
