"""Options the `chainrule` commands share, parsed one way everywhere.

Layer sizes have one parser; activation and loss names are read from the tables that define them
(`nn.activations.ACTIVATIONS`, `nn.losses.LOSSES`), so a new entry there is a new choice here.
"""

from __future__ import annotations

import argparse

from nn.activations import ACTIVATIONS
from nn.losses import LOSSES

EXAMPLE_SIZES = "16,16"
INTERRUPTED_STATUS = 130  # 128 + SIGINT: what a shell reports for a program stopped by Ctrl-C
LONGEST_RUN = 300.0  # seconds a command may be estimated to take before --allow-large is needed


def layer_sizes(text: str) -> list[int]:
    """'16,16' -> [16, 16]; an empty text means no layers.

    Every part must be a whole number of at least 1: '16,,16', '16,' and '16,x' are refused,
    never read as something the user did not write.
    """
    if not text.strip():
        return []
    sizes = []
    for part in text.split(","):
        if not part.strip():
            raise argparse.ArgumentTypeError(
                f"layer sizes {text!r} have an empty entry (two commas in a row, or one at an "
                f"end); write comma-separated whole numbers like {EXAMPLE_SIZES}"
            )
        try:
            size = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} in {text!r} is not a whole number; write comma-separated "
                f"layer sizes like {EXAMPLE_SIZES}"
            ) from None
        if size < 1:
            raise argparse.ArgumentTypeError(
                f"layer sizes must be at least 1, got {size} in {text!r}"
            )
        sizes.append(size)
    return sizes


def network_sizes(text: str) -> list[int]:
    """'3,4,4,1' -> [3, 4, 4, 1]: the number of inputs, then each layer's size (at least one)."""
    sizes = layer_sizes(text)
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(
            f"sizes need the number of inputs and at least one layer, like 3,4,1; got {text!r}"
        )
    return sizes


def positive(text: str) -> int:
    """A whole number of at least 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return n


def add_seed(parser: argparse.ArgumentParser, what: str) -> None:
    """--seed, an integer that makes `what` reproducible."""
    parser.add_argument("--seed", type=int, default=0,
                        help=f"seed for {what} (default: %(default)s)")


def add_activations(
    parser: argparse.ArgumentParser,
    hidden: str | None,
    output_default: str,
    hidden_default: str = "%(default)s",
) -> None:
    """--activation (hidden layers) and --output-activation, chosen from ACTIVATIONS.

    `hidden` None leaves the choice to the command (it depends on the data, say), and
    `hidden_default` tells the help what it will be.
    """
    names = list(ACTIVATIONS)
    parser.add_argument("--activation", choices=names, default=hidden,
                        help=f"activation of the hidden layers (default: {hidden_default})")
    parser.add_argument("--output-activation", choices=names, default=None,
                        help=f"activation of the output layer (default: {output_default})")


def add_loss(parser: argparse.ArgumentParser, default: str | None, explanation: str) -> None:
    """--loss, chosen from LOSSES."""
    parser.add_argument("--loss", choices=list(LOSSES), default=default, help=explanation)


__all__ = ["add_activations", "add_loss", "add_seed", "layer_sizes", "network_sizes", "positive"]


def add_allow_large(parser: argparse.ArgumentParser, what: str) -> None:
    """--allow-large: go ahead with work estimated to take longer than five minutes."""
    parser.add_argument("--allow-large", action="store_true",
                        help=f"{what} even when it is estimated to take more than five minutes "
                        "(refused by default, before anything is built)")
