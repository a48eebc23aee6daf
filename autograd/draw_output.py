"""Writing diagrams to files, with or without graphviz's `dot` program, and showing them in Jupyter.

`dot` (a separate program, not a Python package) turns a diagram's DOT source into SVG, PNG or
PDF. Where it is missing, `save` says how to install it, or writes the `.dot` source instead:
that text file can be rendered later, anywhere (`dot -Tsvg graph.dot -o graph.svg`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, Literal

from autograd.draw_style import require_graphviz

IMAGE_FORMATS = ("svg", "png", "pdf")
SOURCE_SUFFIXES = (".dot", ".gv")
INSTALL_DOT = (
    "graphviz's dot program is not installed; install it with `apt-get install graphviz` "
    "(Debian, Ubuntu) or `brew install graphviz` (macOS), or write the DOT source instead "
    "(a .dot path, or `chainrule graph ... --source`) and render it where dot is installed"
)


class DotNotFoundError(RuntimeError):
    """Rendering needs graphviz's `dot` program and it is not on the PATH."""


def save(
    diagram: Any,
    path: str | os.PathLike[str],
    *,
    if_no_dot: Literal["raise", "source"] = "raise",
    **draw_options: Any,
) -> Path:
    """Write `diagram` (a Digraph, or a Value or model to `draw` first) to `path`; return the path.

    The suffix picks the format: .svg, .png or .pdf render through `dot`; .dot or .gv write the
    source and need no `dot`. When `dot` is missing, `if_no_dot="raise"` raises DotNotFoundError
    saying how to install it, and `if_no_dot="source"` writes `path` with a .dot suffix instead
    (the returned path says which was written).
    """
    graphviz = require_graphviz()
    if not isinstance(diagram, graphviz.Digraph):
        from autograd.draw import draw

        diagram = draw(diagram, **draw_options)
    elif draw_options:
        raise TypeError(f"draw options {sorted(draw_options)} given with an already drawn diagram")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in SOURCE_SUFFIXES:
        target.write_text(diagram.source, encoding="utf-8")
        return target
    if suffix[1:] not in IMAGE_FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(target)!r} from its suffix; use one of "
            f"{', '.join('.' + f for f in IMAGE_FORMATS)} (rendered by dot) or .dot (the source)"
        )
    try:
        image: bytes = diagram.pipe(format=suffix[1:])
    except graphviz.ExecutableNotFound:
        if if_no_dot == "source":
            source = target.with_suffix(".dot")
            source.write_text(diagram.source, encoding="utf-8")
            return source
        raise DotNotFoundError(f"cannot write {target}: {INSTALL_DOT}") from None
    target.write_bytes(image)
    return target


def mimebundle(obj: object) -> dict[str, Any]:
    """What Jupyter shows for a Value or a model: its diagram as SVG, or why there is none."""
    from autograd.draw import draw

    try:
        diagram = draw(obj)
    except (ImportError, ValueError, TypeError) as error:
        return {"text/plain": f"{obj!r}\n(no diagram: {error})"}
    try:
        bundle: dict[str, Any] = diagram._repr_mimebundle_()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        reason = INSTALL_DOT if "ExecutableNotFound" in type(error).__name__ else str(error)
        return {"text/plain": f"{obj!r}\n(no diagram: {reason})"}
    return bundle

__all__ = ["INSTALL_DOT", "DotNotFoundError", "mimebundle", "save"]
