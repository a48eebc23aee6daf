"""`chainrule train --html PAGE`: backward through one training sample, step by step, as a page.

The page is written before training starts, from the untrained network, where the gradients are
large enough to say something (once trained they are close to 0): the cost of the first training
sample under the loss being trained, backpropagated one neuron at a time (`nn.draw.step_through`;
each neuron a box once the graph is too big to draw node by node). It opens from disk in any
browser. Laying the diagram out takes graphviz's `dot` or the grandalf package; when neither is
there, the command says so and stops before it trains.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from autograd.draw.layout import can_lay_out
from nn.draw import sample_graph, step_through
from nn.layers import MLP
from nn.metrics import argmax

NO_LAYOUT = (
    "chainrule train: --html needs graphviz's dot program or the grandalf package to lay the "
    "page's diagram out, and neither is installed: pip install 'chainrule[graph]' (or pip "
    "install grandalf), or apt-get install graphviz; nothing was trained"
)


def add_html_option(parser: argparse.ArgumentParser) -> None:
    """`--html PAGE`."""
    parser.add_argument("--html", metavar="PAGE", default=None,
                        help="also write PAGE, an HTML page that steps backward through the "
                        "first training sample one neuron at a time, before training (when its "
                        "gradients are not yet near 0); open it in a browser")


def write_sample_page(
    path: str, model: MLP, x: Sequence[float], target: float | Sequence[float], loss: str,
    dataset: str,
) -> bool:
    """Write the page of sample `x` (with `target`) through `model`; False, with a message on
    stderr, when no layout is installed or the file cannot be written."""
    if not can_lay_out():
        print(NO_LAYOUT, file=sys.stderr)
        return False
    cost = sample_graph(model, x, target, loss=loss)
    inputs = ", ".join(f"{v:.3g}" for v in x[:4]) + (", ..." if len(x) > 4 else "")
    wanted = (f"class {argmax(target)}" if isinstance(target, Sequence)
              else f"target {target:g}")
    title = f"one {dataset} sample, x = ({inputs}), {wanted}, before training"
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        written = step_through(cost, model=model, title=title).save(path)
    except OSError as error:
        print(f"chainrule train: cannot write {path}: {error}", file=sys.stderr)
        return False
    print(f"wrote {written}: backward through that sample, {loss} loss, step by step")
    return True


__all__ = ["NO_LAYOUT", "add_html_option", "write_sample_page"]
