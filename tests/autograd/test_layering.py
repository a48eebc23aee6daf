"""autograd knows scalars and graphs, never neurons: no code in it names them, nor imports nn."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NN_WORDS = re.compile(r"neuron|layer|model|mlp", re.IGNORECASE)
# grandalf, the layout library, calls its ranks `.layers`: the one use of the word, not ours.
ALLOWED = {("autograd/draw/sugiyama.py", "layers")}


def code_words(tree: ast.AST) -> set[str]:
    """Every name the code uses or defines, and every string that is not a docstring."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            words.add(node.name)
        elif isinstance(node, ast.arg):
            words.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            words.update(alias.name for alias in node.names)
            if isinstance(node, ast.ImportFrom) and node.module:
                words.add(node.module)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings):
            words.add(node.value)
    return words


def test_no_code_in_autograd_refers_to_neurons_layers_or_models() -> None:
    files = sorted((ROOT / "autograd").rglob("*.py"))
    assert len(files) > 10
    for path in files:
        where = path.relative_to(ROOT).as_posix()
        words = code_words(ast.parse(path.read_text(encoding="utf-8")))
        found = {w for w in words if NN_WORDS.search(w) and (where, w) not in ALLOWED}
        assert not found, f"{where} refers to {sorted(found)}"


def test_autograd_never_imports_nn() -> None:
    for path in sorted((ROOT / "autograd").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "nn", path.name
            elif isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "nn" for a in node.names), path.name
