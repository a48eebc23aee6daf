"""load_csv: a user's own table read into (X, y), and every bad cell named by line and column."""

# ruff: noqa: N806

from __future__ import annotations

from pathlib import Path

import pytest

from nn.data import load_csv, one_hot


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_numbers_with_a_numeric_target(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b,price\n1,2.5,10\n-3e2, 0.125 ,7.5\n\n4,5,6\n")
    X, y, features, classes = load_csv(path, target="price")
    assert X == [[1.0, 2.5], [-300.0, 0.125], [4.0, 5.0]]
    assert y == [10.0, 7.5, 6.0]
    assert features == ["a", "b"] and classes is None


def test_text_labels_become_class_indices_in_sorted_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "kind,height,width\nstick,1.5,0.2\nsquare,0.9,1.0\nstick,2,0.1\n")
    data = load_csv(path, target="kind")
    assert data.X == [[1.5, 0.2], [0.9, 1.0], [2.0, 0.1]]
    assert data.classes == ["square", "stick"] and data.y == [1, 0, 1]
    assert one_hot(data.y, len(data.classes)) == [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    chosen = load_csv(path, target="kind", classes=["stick", "square", "circle"])
    assert chosen.y == [0, 1, 0] and chosen.classes == ["stick", "square", "circle"]


def test_numeric_class_labels_stay_numbers_and_features_pick_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,x1,x2,digit\n7,0.5,0.25,3\n8,1,0,9\n")
    X, y, features, _ = load_csv(path, target="digit", features=["x2", "x1"])
    assert X == [[0.25, 0.5], [0.0, 1.0]] and features == ["x2", "x1"]
    assert y == [3.0, 9.0] and one_hot(y, 10)[0][3] == 1.0


def test_semicolons_quotes_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes('\ufeffx;"label"\n1.5;"yes; sure"\n2;no\n'.encode())
    assert load_csv(path, target="label", delimiter=";") == (
        [[1.5], [2.0]], [1, 0], ["x"], ["no", "yes; sure"]
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,t\n1,2,0\n3,,1\n", r"line 3, column 2 \('b'\): the cell is empty"),
        ("a,b,t\n1,2,0\n3,4,\n", r"line 3, column 3 \('t'\): the cell is empty"),
        ("a,b,t\n1,2,0\n3,four,1\n", r"line 3, column 2 \('b'\): 'four' is not a number"),
        ("a,b,t\n1,nan,0\n", r"line 2, column 2 \('b'\): 'nan' is not a finite number"),
        ("a,b,t\n1,2,0\n\n3,4\n", r"line 4: 2 cells, but the header names 3 columns"),
        ("a,b,t\n1,2,0,9\n", r"line 2: 4 cells, but the header names 3 columns"),
        ("a,b,t\n1,2,0\n3,4,cat\n", r"line 3, column 3 \('t'\): 'cat' is text, but line 2 holds "
         r"the number '0'"),
        ("a,b,t\n", r"has a header but no samples"),
        ("", r"is empty: load_csv needs a header line"),
        ("\n  \n", r"is empty: load_csv needs a header line"),
        ("a,b,label\n1,2,0\n", r"has no column named 't' \(the target\); its columns are 'a', 'b', "
         r"'label'$"),
        ("1,2,0\n3,4,1\n", r"has no column named 't'.*The first line looks like data"),
        ("a,a,t\n1,2,0\n", r"names column 'a' twice \(columns 1 and 2\)"),
        ("t\n1\n", r"no input columns besides the target 't'"),
    ],
)
def test_a_bad_file_names_the_place(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as error:
        load_csv(path, target="t")
    assert str(path) in str(error.value)


def test_bad_choices_of_columns_and_classes(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b,t\n1,2,x\n3,4,y\n")
    with pytest.raises(ValueError, match=r"no column named 'c' \(the feature\)"):
        load_csv(path, target="t", features=["a", "c"])
    with pytest.raises(ValueError, match="column 't' is the target; it cannot also be a feature"):
        load_csv(path, target="t", features=["a", "t"])
    with pytest.raises(ValueError, match=r"line 3, column 3 \('t'\): 'y' is not one of the "
                       r"classes 'x', 'z'"):
        load_csv(path, target="t", classes=["x", "z"])
    with pytest.raises(ValueError, match="classes lists a label twice"):
        load_csv(path, target="t", classes=["x", "y", "x"])
    with pytest.raises(TypeError, match="features must be a list of column names"):
        load_csv(path, target="t", features="a")


def test_a_file_that_is_not_text_or_not_there(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"a,t\n\xff\xfe,1\n")
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        load_csv(path, target="t")
    with pytest.raises(FileNotFoundError, match=r"missing\.csv"):
        load_csv(tmp_path / "missing.csv", target="t")
