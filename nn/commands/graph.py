"""`chainrule graph`: draw the computation graph of an expression, after backward().

    chainrule graph "tanh(a*b + c)" --set a=2 b=-3 c=1 -o graph.svg

The expression is parsed safely (see `nn.commands.expression`: numbers, names, + - * / **, unary
minus and exp, log, tanh, sigmoid, relu, abs; nothing is passed to eval). Each name is a leaf set
with --set; the command runs backward() from the result, prints the gradient of every name and
writes the diagram. The output's suffix picks the format: .svg, .png, .pdf (rendered by graphviz's
dot program) or .dot (the DOT source, which needs no dot). Exit status: 0 when the diagram was
written, 2 for a bad expression or --set, 1 when it could not be rendered (dot missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

from autograd import Value, topological_order
from autograd.draw import DEFAULT_MAX_NODES, DotNotFoundError, save, step_through
from autograd.draw.diagram import value_scene
from autograd.draw.layout import can_lay_out
from autograd.draw.style import Options
from nn.commands.expression import ALLOWED, evaluate, parse_assignments

NO_LAYOUT = (
    "chainrule graph: drawing {path} needs graphviz's dot program or the grandalf package to lay "
    "the diagram out, and neither is installed: pip install 'chainrule[graph]' (or pip install "
    "grandalf), or apt-get install graphviz"
)
GRAPHVIZ_MISSING = (
    "chainrule graph: writing {path} needs the graphviz Python package, which is not installed: "
    "pip install 'chainrule[graph]' (.png and .pdf also need graphviz's dot program; .dot does not)"
)


def run(args: argparse.Namespace) -> int:
    """Parse, evaluate, backpropagate, draw; the exit status."""
    path = Path(args.output)
    if args.source and path.suffix.lower() not in (".dot", ".gv"):
        path = path.with_suffix(".dot")
    if path.suffix.lower() != ".svg" and importlib.util.find_spec("graphviz") is None:
        print(GRAPHVIZ_MISSING.format(path=path), file=sys.stderr)
        return 1
    if (path.suffix.lower() == ".svg" or args.html) and not can_lay_out():
        print(NO_LAYOUT.format(path=args.html if path.suffix.lower() != ".svg" else path),
              file=sys.stderr)
        return 1
    try:
        args.expression, args.set = _expression_and_assignments(args.expression, args.set)
        values = parse_assignments(args.set)
        out = evaluate(args.expression, values)
        out.backward()
        count = len(topological_order(out))
        if count > args.max_nodes:
            raise ValueError(f"the graph has {count} Values, more than --max-nodes "
                             f"{args.max_nodes}; pass --max-nodes {count} to draw it")
        options: dict[str, Any] = dict(
            rankdir=args.rankdir,
            show_grad=args.grad,
            show_local=args.local,
            number_format=args.number_format,
            max_nodes=args.max_nodes,
            highlight=args.highlight,
            inputs=[leaf for leaf in _leaves(out) if leaf.label in values],
            legend=args.legend,
        )
        value_scene(out, **options)  # bad options raise here, before anything is written
    except (ValueError, ArithmeticError) as error:
        print(f"chainrule graph: error: {error}", file=sys.stderr)
        return 2
    except ImportError as error:  # a drawing package the .svg path needs is missing
        print(f"chainrule graph: {error}", file=sys.stderr)
        return 1
    number = Options(number_format=args.number_format).number
    print(f"{args.expression.strip()} = {number(out.data)}")
    for leaf in _leaves(out):
        if leaf.label in values:
            print(f"  d/d{leaf.label} = {number(leaf.grad)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = save(out, path, **options)
        if args.html:
            print(f"wrote {step_through(out, number_format=args.number_format).save(args.html)}")
    except DotNotFoundError as error:
        print(f"chainrule graph: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"chainrule graph: cannot write {path}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


def _expression_and_assignments(
    expression: str | None, items: list[str]
) -> tuple[str, list[str]]:
    """The expression and the NAME=VALUE items, wherever on the line the expression was typed.

    `--set` takes every word after it, so `--set a=2 b=3 'a*b'` hands it the expression too;
    the one item that is not NAME=VALUE is then the expression.
    """
    if expression is not None:
        return expression, items
    candidates = [item for item in items if "=" not in item]
    if len(candidates) == 1:
        return candidates[0], [item for item in items if item is not candidates[0]]
    found = f" ({', '.join(map(repr, candidates))} all look like one)" if candidates else ""
    raise ValueError(f"no EXPRESSION given{found}; write one before --set, e.g. "
                     "chainrule graph 'a*b + c' --set a=2 b=-3 c=1")


def _leaves(out: Value) -> list[Value]:
    """The leaves of out's graph, in the order the diagram lists them."""
    return [node for node in topological_order(out) if not node.parents]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `chainrule graph`."""
    parser = commands.add_parser(
        "graph",
        help="draw an expression's computation graph with its gradients",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=f"Allowed in EXPRESSION: {ALLOWED}. The expression may come before or after "
        "the --set values. One starting with '-' goes after '--', e.g. "
        "chainrule graph --set a=1 -- '-a*a'.",
    )
    parser.add_argument("expression", metavar="EXPRESSION", nargs="?",
                        help="e.g. 'tanh(a*b + c)'")
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="the value of each name, e.g. --set a=2 b=-3 c=1")
    parser.add_argument("-o", "--output", default="graph.svg",
                        help="file to write: .svg, .png, .pdf or .dot (default graph.svg)")
    parser.add_argument("--html", metavar="PAGE",
                        help="also write PAGE, backward step by step in a browser")
    parser.add_argument("--source", action="store_true",
                        help="write the DOT source (.dot) instead of an image; needs the "
                        "graphviz Python package but not the dot program")
    parser.add_argument("--rankdir", choices=["LR", "TB"], default="LR",
                        help="layout: left to right (default) or top to bottom")
    parser.add_argument("--local", action=argparse.BooleanOptionalAction, default=True,
                        help="label each arrow with its local derivative (default on)")
    parser.add_argument("--grad", action=argparse.BooleanOptionalAction, default=True,
                        help="show each value's gradient (default on)")
    parser.add_argument("--legend", action=argparse.BooleanOptionalAction, default=True,
                        help="add the legend (default on)")
    parser.add_argument("--highlight", metavar="NAME",
                        help="draw the paths to NAME bold and sum their products")
    parser.add_argument("--format", dest="number_format", default=".4g", metavar="SPEC",
                        help="number format, e.g. .4g (default) or .3f")
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES,
                        help=f"refuse graphs with more values (default {DEFAULT_MAX_NODES})")
    parser.set_defaults(run=run)
