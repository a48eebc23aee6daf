"""The `chainrule` command: `chainrule <command> --help` documents each one.

Each command lives in its own module under `nn/commands/` and adds itself with `register`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("train", "check", "explain", "graph")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per module in `nn.commands`."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="See backpropagation work: train small networks, check autograd against "
        "hand-derived gradients, and draw computation graphs.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"nn.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process's exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
