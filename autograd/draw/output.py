"""Writing diagrams to files, with or without graphviz's `dot` program, and showing them in Jupyter.

`dot` (a separate program, not a Python package) turns a Digraph into PNG or PDF. An `.svg` needs
no `dot`: chainrule writes it (laid out by `dot` when it is there, by grandalf when it is not).
A `.dot` path writes the Digraph's source, to render later anywhere (`dot -Tpng graph.dot`).
Every file is written whole or not at all (a temporary file, then a rename).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from autograd.draw.diagram import draw, draw_svg
from autograd.draw.dot import require_graphviz
from autograd.draw.layout import dot_available
from autograd.value import Value

IMAGE_FORMATS = ("png", "pdf")
SOURCE_SUFFIXES = (".dot", ".gv")
INSTALL_DOT = (
    "graphviz's dot program is not installed; install it with `apt-get install graphviz` "
    "(Debian, Ubuntu) or `brew install graphviz` (macOS), or write an .svg (drawn without dot) "
    "or the DOT source (a .dot path) instead"
)


class DotNotFoundError(RuntimeError):
    """Rendering a PNG or PDF needs graphviz's `dot` program and it is not on the PATH."""


def save(diagram: Any, path: str | os.PathLike[str], **draw_options: Any) -> Path:
    """Write `diagram` (a Value, or a graphviz Digraph) to `path`, whole or not at all.

    The suffix picks the format: .svg (`draw_svg`, needs no dot), .png and .pdf (rendered by
    `dot`; DotNotFoundError says how to install it), .dot or .gv (the source). `draw_options`
    are `draw`'s, for a Value.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".svg", *SOURCE_SUFFIXES) and suffix[1:] not in IMAGE_FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(target)!r} from its suffix; use .svg, .png or .pdf "
            f"(.png and .pdf are rendered by dot), or .dot (the source)"
        )
    if isinstance(diagram, Value):
        if suffix == ".svg":
            return _write(target, draw_svg(diagram, **draw_options).encode())
        diagram = draw(diagram, **draw_options)
    elif draw_options:
        raise TypeError(f"draw options {sorted(draw_options)} given with an already drawn diagram")
    graphviz = require_graphviz()
    if not isinstance(diagram, graphviz.Digraph):
        raise TypeError(f"save() takes a Value or a graphviz Digraph, got {type(diagram).__name__}")
    if suffix in SOURCE_SUFFIXES:
        return _write(target, diagram.source.encode())
    if not dot_available():
        raise DotNotFoundError(f"cannot write {target}: {INSTALL_DOT}")
    image: bytes = diagram.pipe(format=suffix[1:])
    return _write(target, image)


def _write(target: Path, data: bytes) -> Path:
    """`data` into `target` atomically: a temporary file beside it, then a rename."""
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    os.chmod(target, 0o666 & ~_umask())
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def mimebundle(svg: Any, what: object) -> dict[str, Any]:
    """What Jupyter shows: the SVG made by `svg()`, or why there is none."""
    try:
        return {"image/svg+xml": svg(), "text/plain": repr(what)}
    except (ImportError, ValueError, TypeError) as error:
        return {"text/plain": f"{what!r}\n(no diagram: {error})"}


def value_mimebundle(value: Value) -> dict[str, Any]:
    """A Value in Jupyter: the diagram of its graph, drawn without needing `dot`."""
    return mimebundle(lambda: draw_svg(value), value)


__all__ = ["INSTALL_DOT", "DotNotFoundError", "mimebundle", "save", "value_mimebundle"]
