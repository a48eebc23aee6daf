"""Your own data from a CSV file: a header line naming the columns, then one sample per line.

    height,width,kind                 load_csv("shapes.csv", target="kind")
    1.5,0.2,stick                     -> X = [[1.5, 0.2], [0.9, 1.0]], y = [1, 0],
    0.9,1.0,square                       features = ["height", "width"],
                                         classes = ["square", "stick"]

Every input cell must hold a finite number. The target column holds either numbers (a regression
target, or class labels already written as 0, 1, 2, ...), kept as floats, or class labels as
text, numbered in sorted order (or in the order of `classes`). Any cell that cannot be read stops
the load with a `ValueError` naming the file, the line and the column.
"""

# X names a list of samples, as in scikit-learn; ruff's lower-case rule would hide that.
# ruff: noqa: N806

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from typing import NamedTuple


class CsvData(NamedTuple):
    """What `load_csv` read: the samples, their targets, and the names that say what they are.

    `features[k]` names input k of every sample; `classes` is None for a numeric target, else the
    class labels, with `y[i]` the index of sample i's label in that list.
    """

    X: list[list[float]]
    y: list[float]
    features: list[str]
    classes: list[str] | None


def load_csv(
    path: str | os.PathLike[str],
    target: str,
    *,
    features: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
    delimiter: str = ",",
) -> CsvData:
    """Read samples and targets from the CSV file at `path`.

    `target` names the column to predict; `features` the input columns, in the order the model
    reads them (default: every other column, left to right). With `classes` given, every target
    cell must be one of those labels and `y[i]` is its position in `classes`. Blank lines are
    skipped and cells are stripped of surrounding spaces; nothing is shuffled.
    """
    lines = _read_rows(path, delimiter)
    if not lines:
        raise ValueError(
            f"{path} is empty: load_csv needs a header line naming the columns, then one line "
            "per sample"
        )
    (_, header), rows = lines[0], lines[1:]
    columns = [name.strip() for name in header]
    _check_unique(columns, path)
    target_column = _column(columns, target, "target", path)
    if features is None:
        feature_columns = [k for k in range(len(columns)) if k != target_column]
    else:
        if isinstance(features, str):
            raise TypeError(f"features must be a list of column names, got the string {features!r}")
        feature_columns = [_column(columns, name, "feature", path) for name in features]
        if target_column in feature_columns:
            raise ValueError(f"column {target!r} is the target; it cannot also be a feature")
    if not feature_columns:
        raise ValueError(f"{path} has no input columns besides the target {target!r}")
    if not rows:
        raise ValueError(f"{path} has a header but no samples (no lines after the header)")
    X: list[list[float]] = []
    cells: list[tuple[int, str]] = []
    for line, row in rows:
        if len(row) != len(columns):
            raise ValueError(
                f"{path}, line {line}: {len(row)} cells, but the header names {len(columns)} "
                "columns; every line needs one cell per column"
            )
        place = _Place(path, line, columns)
        X.append([_number(row[k].strip(), place, k) for k in feature_columns])
        cells.append((line, _filled(row[target_column].strip(), place, target_column)))
    y, class_names = _targets(cells, path, columns, target_column, classes)
    return CsvData(X, y, [columns[k] for k in feature_columns], class_names)


class _Place(NamedTuple):
    """Where a cell is, for error messages: "data.csv, line 4, column 2 ('width')"."""

    path: str | os.PathLike[str]
    line: int
    columns: list[str]

    def of(self, k: int) -> str:
        return f"{self.path}, line {self.line}, column {k + 1} ({_quoted(self.columns[k])})"


def _read_rows(path: str | os.PathLike[str], delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every line that is not blank; the header comes first."""
    rows = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, delimiter=delimiter)
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((reader.line_num, row))
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    except csv.Error as error:
        raise ValueError(f"{path} is not a readable CSV file: {error}") from None
    return rows


def _check_unique(columns: list[str], path: str | os.PathLike[str]) -> None:
    seen: dict[str, int] = {}
    for k, name in enumerate(columns):
        if name in seen:
            raise ValueError(
                f"{path}: the header names column {_quoted(name)} twice (columns "
                f"{seen[name] + 1} and {k + 1}); give every column its own name"
            )
        seen[name] = k


def _column(columns: list[str], name: str, role: str, path: str | os.PathLike[str]) -> int:
    if name in columns:
        return columns.index(name)
    message = (
        f"{path} has no column named {_quoted(name)} (the {role}); "
        f"its columns are {', '.join(map(_quoted, columns[:10]))}"
        + (f" and {len(columns) - 10} more" if len(columns) > 10 else "")
    )
    if all(_is_number(cell) for cell in columns):
        message += (
            ". The first line looks like data: load_csv needs a header line naming the columns"
        )
    raise ValueError(message)


def _filled(cell: str, place: _Place, k: int) -> str:
    if not cell:
        raise ValueError(f"{place.of(k)}: the cell is empty; fill it in or drop the line")
    return cell


def _number(cell: str, place: _Place, k: int) -> float:
    """The cell's number, or ValueError naming the place: empty, text, or not finite."""
    value = _as_number(_filled(cell, place, k))
    if value is None:
        raise ValueError(f"{place.of(k)}: {_quoted(cell)} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"{place.of(k)}: {_quoted(cell)} is not a finite number")
    return value


def _targets(
    cells: list[tuple[int, str]],
    path: str | os.PathLike[str],
    columns: list[str],
    k: int,
    classes: Sequence[str] | None,
) -> tuple[list[float], list[str] | None]:
    """The target column as (y, classes): numbers as they are, or labels as class indices."""
    if classes is None:
        numbers = [_as_number(cell) for _, cell in cells]
        if all(value is not None for value in numbers):
            return [_number(cell, _Place(path, line, columns), k) for line, cell in cells], None
        if any(value is not None for value in numbers):
            text = next(i for i, value in enumerate(numbers) if value is None)
            number = next(i for i, value in enumerate(numbers) if value is not None)
            raise ValueError(
                f"{_Place(path, cells[text][0], columns).of(k)}: {_quoted(cells[text][1])} is "
                f"text, but line {cells[number][0]} holds the number {_quoted(cells[number][1])}; "
                "a target column holds numbers or class labels, not both (pass classes=[...] to "
                "read every cell as a label)"
            )
        classes = sorted({cell for _, cell in cells})
    if isinstance(classes, str):
        raise TypeError(f"classes must be a list of class labels, got the string {classes!r}")
    names = [str(name) for name in classes]
    position = {name: c for c, name in enumerate(names)}
    if len(position) != len(names):
        raise ValueError(f"classes lists a label twice: {names!r}; each class needs one label")
    y: list[float] = []
    for line, cell in cells:
        if cell not in position:
            raise ValueError(
                f"{_Place(path, line, columns).of(k)}: {_quoted(cell)} is not one of the classes "
                f"{', '.join(map(repr, names))}"
            )
        y.append(position[cell])
    return y, names


def _as_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _quoted(text: str, limit: int = 40) -> str:
    """`text` as repr shows it, cut to `limit` characters: a cell of a megabyte, or a header of
    thousands of columns, still makes a one-line message."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def _is_number(cell: str) -> bool:
    return _as_number(cell.strip()) is not None
