"""How big a box is: text widths from Helvetica's character widths, and each cell's rectangle.

Both layouts (graphviz's `dot` and the pure-Python one) are given these sizes, and the SVG writer
puts each cell where `cells` says, so text and boxes agree whichever layout placed them.
Helvetica's widths are also Arial's and Liberation Sans's, the fonts a browser picks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.draw.scene import Box

FONT_SIZE = 11.0
EDGE_FONT_SIZE = 10.0
PAD = 4.0  # inside a cell, around its text
LINE = 1.25  # line height, in font sizes

# Helvetica's advance widths in thousandths of the font size, for ' ' (32) to '~' (126).
_ASCII = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
_OTHER = {"—": 1000, "…": 1000, "×": 584, "−": 584, "·": 278, "Σ": 600, "δ": 556, "σ": 556}


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of `text` set in Helvetica at `size` points."""
    total = 0
    for ch in text:
        code = ord(ch)
        total += _ASCII[code - 32] if 32 <= code < 127 else _OTHER.get(ch, 600)
    return total * size / 1000 * (1.06 if bold else 1.0)


@dataclass(frozen=True)
class CellPlace:
    """Where one cell of a table sits, relative to the box's top-left corner."""

    row: int
    column: int
    x: float
    y: float
    width: float
    height: float


def cells(box: Box) -> tuple[float, float, list[CellPlace]]:
    """The box's width and height, and the rectangle of every cell (tables), in points.

    Columns are as wide as their widest cell; a short row's last cell spans what is left.
    """
    if box.shape != "table":
        text = " ".join(cell.prefix + cell.text for cell in box.rows[0])
        if box.shape == "circle":
            side = max(text_width(text) + 2 * PAD, 29.0)
            return side, side, []
        width = max(text_width(text) * 1.2 + 4 * PAD, 40.0)
        return width, FONT_SIZE * LINE * 1.6 + PAD, []
    columns = max(len(row) for row in box.rows)
    widths = [0.0] * columns
    for row in box.rows:
        for column, cell in enumerate(row):
            bold = cell.role in ("title", "grad")  # a page shows grads in bold
            need = text_width(cell.prefix + max(cell.text, cell.room, key=len), bold=bold) + 2 * PAD
            if column == len(row) - 1 and len(row) < columns:
                continue
            widths[column] = max(widths[column], need)
    for row in box.rows:  # a spanning cell may need more than its columns give
        if len(row) < columns:
            last = row[-1]
            need = text_width(last.prefix + max(last.text, last.room, key=len)) + 2 * PAD
            have = sum(widths[len(row) - 1 :])
            if need > have:
                widths[-1] += need - have
    height = FONT_SIZE * LINE + 2 * PAD
    places = []
    for r, row in enumerate(box.rows):
        x = 0.0
        for column, _ in enumerate(row):
            span = widths[column:] if column == len(row) - 1 else widths[column : column + 1]
            places.append(CellPlace(r, column, x, r * height, sum(span), height))
            x += widths[column]
    return sum(widths), height * len(box.rows), places


__all__ = ["EDGE_FONT_SIZE", "FONT_SIZE", "LINE", "PAD", "CellPlace", "cells", "text_width"]
