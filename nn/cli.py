"""The `chainrule` command: `chainrule <command> --help` documents each one.

Each command lives in its own module under `nn/commands/` and adds itself with `register`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib import metadata

from nn.commands.options import INTERRUPTED_STATUS

COMMANDS = ("train", "check", "explain", "graph")
NO_COMMAND_STATUS = 2


def version() -> str:
    """The installed chainrule's version, from the package metadata."""
    try:
        return metadata.version("chainrule")
    except metadata.PackageNotFoundError:
        return "unknown (chainrule is not installed; pip install -e . in the checkout)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per module in `nn.commands`."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="See backpropagation work: train small networks, check autograd against "
        "hand-derived gradients, and draw computation graphs.",
        epilog="`chainrule COMMAND --help` describes each command. Run without a command, "
        f"chainrule prints this help and exits with status {NO_COMMAND_STATUS}.",
    )
    parser.add_argument("--version", action="version", version=f"chainrule {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"nn.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process's exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return NO_COMMAND_STATUS
    try:
        status: int = args.run(args)
    except BrokenPipeError:  # the reader went away (`chainrule explain | head`): stop quietly
        # (and point stdout at nowhere, so the flush at exit does not fail once more)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # Ctrl-C where no command catches it: one line, no traceback
        print(f"\nchainrule {args.command}: stopped by Ctrl-C", file=sys.stderr)
        return INTERRUPTED_STATUS
    return status


if __name__ == "__main__":
    sys.exit(main())
