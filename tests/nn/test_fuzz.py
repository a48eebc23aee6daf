"""Fuzzing what comes from outside: model files, the CLI's expressions and --set values, CSV files.

Whatever the input, the only exception is ValueError with a message (naming the file, or the line
and column), nothing typed is ever evaluated, and a model that fails to load keeps every bit of
every parameter. Inputs are bounded in size, so no example can hang.

`make test` runs about 2,000 examples in all (a few seconds); `make fuzz` sets CHAINRULE_FUZZ=50
and runs fifty times as many of each (CHAINRULE_FUZZ=N: N times as many).
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, Layer, Neuron, load_model
from nn import layers as layers_module
from nn.cli import main
from nn.commands.expression import FUNCTIONS, evaluate, names_in, parse, parse_assignments
from nn.csv_data import load_csv
from nn.module import Module

SCALE = int(os.environ.get("CHAINRULE_FUZZ", "1"))


def fuzz(examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for a fuzz test: `examples` (times CHAINRULE_FUZZ) bounded inputs."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,  # sizes are bounded instead; a loaded CI machine must not flake
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole module (hypothesis runs many examples in one test call)."""
    return tmp_path_factory.mktemp("fuzz")


# --- model files ------------------------------------------------------------------------------


def _trained_looking(kind: str) -> Module:
    """A model of `kind` whose numbers use every bit of their floats."""
    model: Module = {"MLP": MLP(2, [3, 2, 1], activation="tanh", output_activation="sigmoid",
                                seed=0),
                     "Layer": Layer(3, 2, "relu", seed=1),
                     "Neuron": Neuron(2, "linear", seed=2)}[kind]
    for i, p in enumerate(model.parameters()):
        p.data = p.data / 3.0 + i / 7.0
    return model


KINDS = ("MLP", "Layer", "Neuron")


@pytest.fixture(scope="module")
def saved(folder: Path) -> dict[str, bytes]:
    """The bytes `save` writes for each kind of model."""
    files = {}
    for kind in KINDS:
        path = folder / f"valid-{kind}.json"
        _trained_looking(kind).save(path)
        files[kind] = path.read_bytes()
    return files


def _bits(model: Module) -> list[str]:
    return [p.data.hex() for p in model.parameters()]


def _check_model_file(path: Path, kind: str) -> None:
    """load_model and load either succeed with the file's own numbers, or raise ValueError naming
    the file and leave the model as it was, bit for bit."""
    try:
        loaded = load_model(path)
    except ValueError as error:
        assert os.fspath(path) in str(error), str(error)
        assert len(str(error)) < 1000, str(error)[:2000]
        event("model file refused")
    else:
        event("model file loaded")  # a mutation may leave a valid file: then it says what loaded
        document = json.loads(path.read_text(encoding="utf-8"))
        assert loaded.architecture() == document["architecture"]
        assert loaded.state_dict() == {k: float(v) for k, v in document["parameters"].items()}
    model = _trained_looking(kind)
    before = _bits(model)
    try:
        model.load(path)
    except ValueError as error:
        assert os.fspath(path) in str(error), str(error)
        assert len(str(error)) < 1000, str(error)[:2000]
        assert _bits(model) == before
    else:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["architecture"] == model.architecture()
        assert model.state_dict() == {k: float(v) for k, v in document["parameters"].items()}


PREFIXES = [b"", b'{"format": "chainrule-model", "version": 1, ',
            b'{"format": "chainrule-model", "version": 1, "architecture": {"kind": "MLP", ']


@fuzz(150)
@given(prefix=st.sampled_from(PREFIXES), junk=st.binary(max_size=600),
       kind=st.sampled_from(KINDS))
@example(prefix=b"", junk=b"[" * 100_000, kind="MLP")
@example(prefix=b"", junk=b"\xff\xfe\x00", kind="MLP")
def test_random_bytes_as_a_model_file(
    folder: Path, prefix: bytes, junk: bytes, kind: str
) -> None:
    path = folder / "random.json"
    path.write_bytes(prefix + junk)
    _check_model_file(path, kind)


# JSON text to put in place of one value of a valid file: wrong types, huge and negative sizes,
# non-finite and enormous numbers, nesting deeper than the parser goes.
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12,
).map(json.dumps)
SPECIAL = st.sampled_from([
    "0", "-1", "1", "2", "-2", "2.0", "1.5", "true", "false", "null", '"2"', '""', "[]", "{}",
    "[1]", "[0]", "[-1, 1]", "[true]", "[2.0, 1]", '["3", 1]', "[[1]]", "100000",
    "[100000, 1]", "[100000, 100000, 1]", "1e999", "-1e999", "1e308", "NaN", "Infinity",
    "-Infinity", "-0", "1E400", "9" * 300, "9" * 301, "9" * 5000, "-" + "9" * 400,
    '"tanh"', '"sigmoid"', '"relu"', '"linear"', '"mixed"', '"softmax"', '"MLP"', '"Layer"',
    '"Neuron"', '"Module"', '"mlp"', '"chainrule-model"', '{"a": 1, "a": 2}',
])
HUGE = st.integers(min_value=10**5, max_value=10**300).map(str)
SIZES = st.integers(min_value=-10, max_value=10).map(str)


@st.composite
def deep(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 3000))
    shape = draw(st.sampled_from(["list", "object", "open"]))
    if shape == "list":
        return "[" * depth + "]" * depth
    if shape == "object":
        return '{"a": ' * depth + "1" + "}" * depth
    return "[" * depth


FRAGMENTS = st.one_of(ANY_JSON, SPECIAL, HUGE, SIZES, deep())


def _render(node: Any) -> str:
    """JSON text of a tree of ("obj", [(key, node)]), ("arr", [node]) and ("raw", text)."""
    tag, body = node
    if tag == "raw":
        return str(body)
    if tag == "arr":
        return "[" + ", ".join(_render(item) for item in body) + "]"
    return "{" + ", ".join(f"{json.dumps(k)}: {_render(v)}" for k, v in body) + "}"


def _tree(value: Any) -> Any:
    if isinstance(value, dict):
        return ("obj", [(k, _tree(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("arr", [_tree(v) for v in value])
    return ("raw", json.dumps(value))


def _containers(node: Any) -> Iterator[Any]:
    """Every object and array in the tree (pairs and items are lists, so editable in place)."""
    tag, body = node
    if tag != "raw":
        yield node
        for child in body:
            yield from _containers(child[1] if tag == "obj" else child)


@st.composite
def json_mutations(draw: st.DrawFn, documents: dict[str, Any]) -> tuple[str, str]:
    """(kind, text): a valid file with 1 to 3 values replaced, keys removed, added or doubled."""
    kind = draw(st.sampled_from(KINDS))
    root = _tree(documents[kind])
    for _ in range(draw(st.integers(1, 3))):
        tag, body = draw(st.sampled_from(list(_containers(root))))
        action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add",
                                       "double"]))
        if not body and action != "add":
            action = "add"
        if action == "add":
            fragment = ("raw", draw(FRAGMENTS))
            if tag == "obj":
                key = draw(st.sampled_from(["kind", "nin", "nout", "nouts", "activation", "seed",
                                            "L1.N0.w0", "L9.N9.b", "format", "version", ""]))
                body.append((key, fragment))
            else:
                body.append(fragment)
            continue
        i = draw(st.integers(0, len(body) - 1))
        if action == "remove":
            del body[i]
        elif action == "double":
            body.append(body[i])
        elif tag == "obj":
            body[i] = (body[i][0], ("raw", draw(FRAGMENTS)))
        else:
            body[i] = ("raw", draw(FRAGMENTS))
    return kind, _render(root)


@fuzz(300)
@given(data=st.data())
def test_json_mutations_of_a_valid_file(folder: Path, saved: dict[str, bytes],
                                        data: st.DataObject) -> None:
    documents = {kind: json.loads(text) for kind, text in saved.items()}
    kind, text = data.draw(json_mutations(documents))
    path = folder / "mutated.json"
    path.write_text(text, encoding="utf-8")
    _check_model_file(path, kind)


@st.composite
def byte_mutations(draw: st.DrawFn, files: dict[str, bytes]) -> tuple[str, bytes]:
    """(kind, bytes): a valid file with 1 to 8 bytes flipped, runs deleted or junk inserted."""
    kind = draw(st.sampled_from(KINDS))
    content = bytearray(files[kind])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["flip", "delete", "insert", "digit"]))
        if action == "flip" and at < len(content):
            content[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "delete":
            del content[at:at + draw(st.integers(1, 20))]
        elif action == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=12)
                                  | st.sampled_from([b"-", b"9" * 400, b"e999", b"[", b"{",
                                                     b'"', b",", b"NaN", b"\\u0000", b"1"]))
        elif action == "digit" and at < len(content) and chr(content[at]).isdigit():
            content[at] = ord(str(draw(st.integers(0, 9))))
    return kind, bytes(content)


@fuzz(200)
@given(data=st.data())
def test_byte_mutations_of_a_valid_file(folder: Path, saved: dict[str, bytes],
                                        data: st.DataObject) -> None:
    kind, content = data.draw(byte_mutations(saved))
    path = folder / "mutated.bin"
    path.write_bytes(content)
    _check_model_file(path, kind)


def _with_architecture(folder: Path, architecture: object, parameters: object = None) -> Path:
    path = folder / "hostile.json"
    document = {"format": "chainrule-model", "version": 1, "architecture": architecture,
                "parameters": {} if parameters is None else parameters}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_enormous_architecture_is_refused_by_arithmetic_before_anything_is_built(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's file: 200 bytes asking for 10^10 Values, refused with both counts."""
    huge = {"kind": "MLP", "nin": 100000, "nouts": [100000, 1], "activation": "sigmoid",
            "output_activation": "sigmoid"}
    path = _with_architecture(folder, huge)
    assert path.stat().st_size < 250

    def nothing_may_be_built(*args: object, **kwargs: object) -> None:
        raise AssertionError("load_model built a neuron for a file it should refuse")

    monkeypatch.setattr(layers_module.Neuron, "__init__", nothing_may_be_built)
    expected = (100000 + 1) * 100000 + (100000 + 1) * 1
    with pytest.raises(ValueError, match=re.escape(
            f"model file {os.fspath(path)!r} holds 0 parameters, but its architecture "
            f"MLP(nin=100000, nouts=[100000, 1], activation='sigmoid', "
            f"output_activation='sigmoid') implies {expected:,}")):
        load_model(path)
    for architecture, implied in [
        ({"kind": "Layer", "nin": 10**8, "nout": 10**8, "activation": "relu"},
         "10,000,000,100,000,000"),
        ({"kind": "Neuron", "nin": 10**12, "activation": "tanh"}, "1,000,000,000,001"),
        ({**huge, "nouts": [10**200, 10**200]}, "more than 10^400"),
    ]:
        with pytest.raises(ValueError, match=f"holds 0 parameters, but .* implies "
                           f"{re.escape(implied)}$"):
            load_model(_with_architecture(folder, architecture))


def test_the_count_check_refuses_only_what_costs_more_than_the_file(folder: Path) -> None:
    """A right-sized file loads; one a little short is built and told which parameter is
    missing; one that asks for 10,001 parameters more than it holds is refused by the count."""
    for kind in KINDS:
        model = _trained_looking(kind)
        path = _with_architecture(folder, model.architecture(), model.state_dict())
        assert _bits(load_model(path)) == _bits(model)
        first, *_ = model.state_dict()
        one_short = {k: v for k, v in model.state_dict().items() if k != first}
        with pytest.raises(ValueError, match=f"missing '{re.escape(first)}', unexpected none"):
            load_model(_with_architecture(folder, model.architecture(), one_short))
    small = {"kind": "Neuron", "nin": 9_999, "activation": "relu"}  # 10,000 parameters
    with pytest.raises(ValueError, match=r"\(10000 parameters expected, 0 given\): missing "
                       r"'w0', 'w1', 'w2', 'w3', 'w4' and 9995 more"):
        load_model(_with_architecture(folder, small))
    with pytest.raises(ValueError, match=r"holds 0 parameters, but its architecture "
                       r"Neuron\(nin=10000, activation='relu'\) implies 10,001$"):
        load_model(_with_architecture(folder, {**small, "nin": 10_000}))
    with pytest.raises(ValueError, match=r"\(10001 parameters expected, 1 given\)"):
        load_model(_with_architecture(folder, {**small, "nin": 10_000}, {"w0": 1.0}))
    with pytest.raises(ValueError, match=r"holds 1 parameters, but .* implies 10,002$"):
        load_model(_with_architecture(folder, {**small, "nin": 10_001}, {"w0": 1.0}))


@pytest.mark.parametrize(("architecture", "message"), [
    ({"kind": "MLP", "nin": True, "nouts": [1], "activation": "tanh",
      "output_activation": "tanh"}, "nin must be an int, got bool: True"),
    ({"kind": "MLP", "nin": 2, "nouts": [1, 0], "activation": "tanh",
      "output_activation": "tanh"}, "layer 2 size must be at least 1, got 0"),
    ({"kind": "MLP", "nin": 2, "nouts": [-5], "activation": "tanh",
      "output_activation": "tanh"}, "layer 1 size must be at least 1, got -5"),
    ({"kind": "MLP", "nin": 2, "nouts": [], "activation": "tanh",
      "output_activation": "tanh"}, "nouts must be a non-empty list of layer sizes, got \\[\\]"),
    ({"kind": "MLP", "nin": 2, "nouts": "31", "activation": "tanh",
      "output_activation": "tanh"}, "nouts must be a non-empty list of layer sizes, got '31'"),
    ({"kind": "MLP", "nin": 2.0, "nouts": [1], "activation": "tanh",
      "output_activation": "tanh"}, "nin must be an int, got float: 2.0"),
    ({"kind": "MLP", "nin": 2, "nouts": [1], "activation": "tanh",
      "output_activation": None}, "unknown output_activation None"),
    ({"kind": "MLP", "nin": 2, "nouts": [1], "activation": "tanh"},
     "missing \\['output_activation'\\], unexpected \\[\\]"),
    ({"kind": "Neuron", "nin": 2, "activation": "tanh", "seed": 3},
     "missing \\[\\], unexpected \\['seed'\\]"),
    ({"kind": "Layer", "nin": 2, "nout": [[[[[[1]]]]]], "activation": "mixed"},
     "unknown activation 'mixed'"),
    ({"kind": "Layer", "nin": 2, "nout": [[[[[[1]]]]]], "activation": "relu"},
     r"nout must be an int, got list: \[\[\[\[\.\.\.\]\]\]\]"),
    ({"kind": "Neuron", "nin": "x" * 10**5, "activation": "relu"},
     "nin must be an int, got str: 'xxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxx'"),
])
def test_a_bad_architecture_is_named_in_a_short_message(
    folder: Path, architecture: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="has a bad architecture") as refused:
        load_model(_with_architecture(folder, architecture))
    assert re.search(message, str(refused.value)), str(refused.value)
    assert len(str(refused.value)) < 400


@pytest.mark.parametrize("kind", [{}, [1], None, 5, "mlp", "x" * 10**5])
def test_an_unknown_kind_of_any_type_is_named(folder: Path, kind: object) -> None:
    """{"kind": {}} raised TypeError (unhashable type: 'dict') where the kind was looked up."""
    with pytest.raises(ValueError, match="holds an unknown kind") as refused:
        load_model(_with_architecture(folder, {"kind": kind, "nin": 2, "activation": "tanh"}))
    assert len(str(refused.value)) < 300


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000, "nests JSON arrays or objects too deep"),
    ('{"a": ' * 50_000, "nests JSON arrays or objects too deep"),
    ('{"format": "chainrule-model", "version": ' + "9" * 5000 + "}",
     "holds an integer of 5000 digits; chainrule never writes that"),
    ('{"format": "chainrule-model", "format": "chainrule-model", "version": 1}',
     "holds the key 'format' twice in one object"),
    ('{"format": "chainrule-model", "version": true, "architecture": {}, "parameters": {}}',
     "has format version True; this chainrule reads version 1"),
    ('{"format": "chainrule-model", "version": ' + "[" * 500 + "]" * 500 + "}",
     re.escape("has format version [[[[...]]]]; this chainrule reads")),
])
def test_hostile_json_ends_as_a_value_error_naming_the_file(
    folder: Path, text: str, message: str
) -> None:
    path = folder / "hostile.json"
    path.write_text(text, encoding="utf-8")
    for kind in KINDS:
        model = _trained_looking(kind)
        before = _bits(model)
        with pytest.raises(ValueError, match=message) as refused:
            model.load(path)
        assert os.fspath(path) in str(refused.value)
        assert _bits(model) == before
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_hostile_parameter_values_are_refused_in_a_short_message(
    folder: Path, saved: dict[str, bytes]
) -> None:
    document = json.loads(saved["Neuron"])
    for value, message in [
        ("9" * 301, "holds an integer of 301 digits; chainrule never writes that"),
        ("1e999", "parameter 'w0' is inf; parameters must be finite"),
        ("-Infinity", "parameter 'w0' is -inf; parameters must be finite"),
        ("[" * 900 + "]" * 900, re.escape("parameter 'w0' must be a number, got [[[[...]]]]")),
        ('"' + "x" * 10**5 + '"', "parameter 'w0' must be a number, got 'xxxx"),
    ]:
        text = json.dumps(document).replace(
            f'"w0": {json.dumps(document["parameters"]["w0"])}', f'"w0": {value}')
        path = folder / "values.json"
        path.write_text(text, encoding="utf-8")
        model = _trained_looking("Neuron")
        before = _bits(model)
        for load in (model.load, load_model):
            with pytest.raises(ValueError, match=message) as refused:
                load(path)
            assert len(str(refused.value)) < 400
        assert _bits(model) == before
    document["parameters"]["x" * 10**5] = 1.0
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match=r"unexpected 'x{57}\.\.\.'$"):
        _trained_looking("Neuron").load(path)


def test_a_state_dict_with_an_int_too_large_for_a_float_is_refused() -> None:
    model = _trained_looking("Neuron")
    before = _bits(model)
    state: dict[str, object] = dict(model.state_dict())
    state["b"] = 10**400
    with pytest.raises(ValueError, match=r"parameter 'b' is 1000.*; too large for a float"):
        model.load_state_dict(state)
    assert _bits(model) == before


# --- the CLI: expressions and --set values -----------------------------------------------------

ALLOWED_NODES = (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Call, ast.Load, ast.Add,
                 ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
TOKENS = [
    "a", "b", "x", "_", "exp", "log", "tanh", "sigmoid", "relu", "abs", "__import__", "os",
    "open", "eval", "exec", "getattr", "globals", "lambda", "for", "in", "if", "else", "not",
    "and", "or", "import", "await", "yield", "__class__", "__globals__", "system", "0", "1",
    "2.5", "1e15", "1e16", "1e999", "0x10", "1_000", "9" * 30, "1j", "100", "101", "+", "-",
    "*", "/", "**", "//", "%", "@", "<<", "|", "&", "^", "~", "<", "==", ":=", ".", ",", ":",
    ";", "=", "!", "(", ")", "[", "]", "{", "}", "'os'", '"x"', "b'x'", "f'{a}'", " ", "\n",
    "\t", "\\\n", "\x00", "#",
]
SENTINEL_ENV = "CHAINRULE_FUZZ_EVALUATED"


def _payloads(sentinel: Path) -> list[str]:
    """Python that leaves a trace (the sentinel file, or SENTINEL_ENV set) if anything runs it."""
    file = repr(os.fspath(sentinel))
    return [
        f"open({file}, 'w')",
        f"__import__('os').mkdir({file})",
        f"__import__('os').system('touch ' + {file})",
        f"__import__('os').environ.__setitem__('{SENTINEL_ENV}', '1')",
        f"exec(\"open({file}, 'w')\")",
        f"eval(\"open({file}, 'w')\")",
        f"(lambda: open({file}, 'w'))()",
        f"[open({file}, 'w') for _ in 'a']",
        f"a if open({file}, 'w') else a",
        f"(f := open({file}, 'w'))",
        f"a.__class__.__init__.__globals__['__builtins__']['open']({file}, 'w')",
        f"getattr(__builtins__, 'open')({file}, 'w')",
        f"exp(open({file}, 'w'))",
        f"{{open({file}, 'w')}}",
        f"f'{{open({file}, \"w\")}}'",
        "exit()",
        "breakpoint()",
    ]


@pytest.fixture(scope="module")
def sentinel(folder: Path) -> Iterator[Path]:
    path = folder / "EVALUATED"
    yield path
    assert not path.exists() and SENTINEL_ENV not in os.environ


def _check_tree(tree: ast.Expression) -> None:
    """An accepted tree holds only what the module promises: the independent list above."""
    for node in ast.walk(tree.body):
        assert isinstance(node, ALLOWED_NODES), ast.dump(node)
        if isinstance(node, ast.Constant):
            value = node.value
            assert isinstance(value, (int, float)) and not isinstance(value, bool)
            assert abs(value) <= 1e15
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            assert len(node.args) == 1 and not node.keywords


def _check_expression(text: str, sentinel: Path) -> None:
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        _check_parse_and_evaluate(text, sentinel)
    assert not warned, [str(warning.message) for warning in warned]  # none reach the terminal


def _check_parse_and_evaluate(text: str, sentinel: Path) -> None:
    try:
        tree = parse(text)
    except ValueError as error:
        assert str(error) and len(str(error)) < 1000
        with pytest.raises(ValueError):
            evaluate(text, {})
        event("expression refused")
    else:
        event("expression accepted")
        _check_tree(tree)
        names = names_in(text) if not _calls_a_bare_function(tree) else None
        if names is not None:
            values = {name: 0.5 + k for k, name in enumerate(names)}
            try:
                out = evaluate(text, values)
            except (ValueError, ArithmeticError) as error:  # ArithmeticError: 1/0, exp(1000)
                assert str(error)
            else:
                assert isinstance(out, Value)
    assert not sentinel.exists() and SENTINEL_ENV not in os.environ


def _calls_a_bare_function(tree: ast.Expression) -> bool:
    """Whether the tree names a function without calling it (`exp + 1`): names_in refuses it."""
    called = {id(n.func) for n in ast.walk(tree.body) if isinstance(n, ast.Call)}
    return any(isinstance(n, ast.Name) and n.id in FUNCTIONS and id(n) not in called
               for n in ast.walk(tree.body))


TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map(" ".join)
WELL_FORMED = st.recursive(
    st.sampled_from(["a", "b", "x", "_", "c", "0", "1", "2.5", "0.0", "1e15", "1e16", "100",
                     "101", "-3"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
            lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        st.tuples(st.sampled_from([*FUNCTIONS, "-", "+"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
    ),
    max_leaves=20,
)


@st.composite
def spoiled(draw: st.DrawFn) -> str:
    """A well-formed expression with one token of the soup put somewhere in it."""
    text = draw(WELL_FORMED)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]


EXPRESSIONS = st.one_of(TOKEN_SOUP, WELL_FORMED, spoiled())


@fuzz(300)
@given(text=EXPRESSIONS)
def test_expressions_from_tokens(sentinel: Path, text: str) -> None:
    _check_expression(text, sentinel)


@fuzz(200)
@given(text=st.text(max_size=300))
def test_random_text_expressions(sentinel: Path, text: str) -> None:
    _check_expression(text, sentinel)


@fuzz(150)
@given(data=st.data())
def test_side_effects_wrapped_in_allowed_syntax_are_refused_unevaluated(
    sentinel: Path, data: st.DataObject
) -> None:
    payload = data.draw(st.sampled_from(_payloads(sentinel)))
    for _ in range(data.draw(st.integers(0, 4))):
        wrapper = data.draw(st.sampled_from(["a + ({})", "({}) * b", "tanh({})", "-({})",
                                             "({}) ** 2", "exp(a) / ({})", "({})"]))
        payload = wrapper.format(payload)
    with pytest.raises(ValueError, match=r"not allowed in an expression|cannot parse"):
        parse(payload)
    with pytest.raises(ValueError):
        evaluate(payload, {"a": 1.0, "b": 2.0, "f": 1.0, "_": 1.0})
    assert not sentinel.exists() and SENTINEL_ENV not in os.environ


def test_what_the_fuzzing_found_in_expressions_and_set_values() -> None:
    """Python's tokenizer warned on stderr ("<unknown>:1: SyntaxWarning: invalid decimal
    literal") before the refusal; an item of --set of any length was quoted in full."""
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        for text in ["1or 2", "1if a else 2", "2e3and a", "'\\d'"]:
            with pytest.raises(ValueError, match=r"cannot parse .*: invalid"):
                parse(text)
    assert not warned, [str(warning.message) for warning in warned]
    with pytest.raises(ValueError, match=r"^'9{57}\.\.\.' is not NAME=NUMBER") as refused:
        parse_assignments(["9" * 100_000])
    assert len(str(refused.value)) < 120
    with pytest.raises(ValueError, match=r"^'a=9{55}\.\.\.': the value must be a finite"):
        parse_assignments(["a=" + "9" * 400])
    with pytest.raises(ValueError, match=r"^'a=x{55}\.\.\.': 'x{57}\.\.\.' is not a number$"):
        parse_assignments(["a=" + "x" * 1000])


ASSIGNMENT_PARTS = st.sampled_from(["a", "b", "x1", "_", "exp", "1a", "a b", "", " ", "=", "==",
                                    "2", "-3.5", "1e999", "nan", "inf", "-inf", "1_0", "0x10",
                                    "9" * 400, "1e-400", "é", "\x00", "'1'", "__import__('os')"])


ASSIGNMENTS = st.tuples(
    st.sampled_from(["a", "b", "x1", "_", " c ", "exp", "1a", "a b", "", "é", "__class__"]),
    st.sampled_from(["=", "=", "=", "==", ":", ""]),
    st.sampled_from(["2", " -3.5 ", "1e999", "nan", "inf", "1_0", "0x10", "9" * 400, "1e-400",
                     "", "'1'", "1/2"]) | st.floats().map(repr) | st.text(max_size=5),
).map("".join)


@fuzz(200)
@given(items=st.lists(ASSIGNMENTS, max_size=3) | st.lists(st.text(max_size=12) | ASSIGNMENTS
                                                          | st.lists(ASSIGNMENT_PARTS, min_size=1,
                                                                     max_size=4).map("".join),
                                                          max_size=5))
def test_set_values(items: list[str]) -> None:
    try:
        values = parse_assignments(items)
    except ValueError as error:
        assert str(error) and len(str(error)) < 1000
        event("--set refused")
    else:
        event("--set accepted")
        assert len(values) == len(items)
        for item in items:
            name, _, number = item.partition("=")
            assert name.strip().isidentifier() and name.strip() not in FUNCTIONS
            assert values[name.strip()] == float(number) and math.isfinite(float(number))


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[str, list[str]]:
    """An expression and --set items: mostly one value for each name it uses, sometimes not."""
    text = draw(EXPRESSIONS)
    names = dict.fromkeys(re.findall(r"[A-Za-z_]\w*", text))
    items = [f"{name}={draw(st.sampled_from(['1', '-2', '0.5', '0', '3e2']))}" for name in names
             if name not in FUNCTIONS and draw(st.integers(0, 9)) > 0]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        items.insert(draw(st.integers(0, len(items))), draw(
            st.sampled_from(["a=1", "b=-2", "_=3", "a=nan", "b", "exp=1", "a=1e999",
                             "x=9" + "9" * 400, "c=1"]) | ASSIGNMENTS))
    return text, items


@fuzz(60)
@given(line=command_lines(), last=st.booleans())
def test_the_graph_command_end_to_end(
    folder: Path, sentinel: Path, line: tuple[str, list[str]], last: bool
) -> None:
    """`chainrule graph` exits 0, or 2 with an error message; it never raises.

    The expression comes after `--` or, with `last`, after the --set items (the command then
    finds it among them). argparse itself refuses some lines, such as an item starting with "-"
    (SystemExit 2, with the usage).
    """
    text, items = line
    argv = ["graph", "-o", os.fspath(folder / "graph.dot"), "--source", "--set", *items]
    argv = [*argv, text] if last else [*argv, "--", text] if items else [*argv[:-1], "--", text]
    printed, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        try:
            status = main(argv)
        except SystemExit as exit:
            assert exit.code == 2 and "usage: chainrule" in errors.getvalue()
            assert last or any(item.startswith("-") for item in items), errors.getvalue()
            event("refused by argparse")
            return
    event(f"exit status {status}")
    if status == 2:
        assert errors.getvalue().startswith("chainrule graph: error: "), errors.getvalue()
    else:
        assert status == 0 and "wrote" in printed.getvalue(), (status, errors.getvalue())
    assert not sentinel.exists() and SENTINEL_ENV not in os.environ


# --- CSV files ---------------------------------------------------------------------------------

VALID_CSV = "a,b,t\n1.5,-2,yes\n0.25,3e2,no\n\n7, 8 ,yes\n"
CELLS = st.sampled_from(["1", "-2.5", "1e3", " 3 ", "1_0", "0x1", "nan", "inf", "-inf", "",
                         " ", "x", "yes", "no", '"1,2"', '"a ""b"""', "1e999", "9" * 400, "é"])


@st.composite
def tables(draw: st.DrawFn) -> str:
    """A header of 1 to 4 names, then up to 5 rows of 0 to 5 cells, with any line ending."""
    header = draw(st.lists(st.sampled_from(["a", "b", "t", " t ", "c", '"t"', ""]), min_size=1,
                           max_size=4))
    rows = draw(st.lists(st.lists(CELLS, max_size=5), max_size=5))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(",".join(row) for row in [header, *rows]) + draw(st.sampled_from(["", end]))
CSV_TEXT = st.lists(st.sampled_from([*"ab t,;\"'\n\r\t.-+e0123456789", "nan", "inf", "\x00",
                                     "\ufeff", "é", "1_0"]), max_size=150).map("".join)


def _check_csv(path: Path, text: str | None) -> None:
    """load_csv reads consistent data, or raises ValueError naming the file (and a real line)."""
    try:
        X, y, features, classes = load_csv(path, target="t")  # noqa: N806
    except ValueError as error:
        message = str(error)
        event("csv refused: " + re.sub(r"'[^']*'|[\d.]+|\(.*?\)|, line|, column", "",
                                       message.removeprefix(os.fspath(path)))[:40])
        assert message.startswith(os.fspath(path)), message
        assert len(message) < 1000, message[:3000]
        found = re.search(r", line (\d+)", message)
        if found and text is not None:
            lines = len(re.split(r"\r\n|\r|\n", text))
            assert 1 <= int(found.group(1)) <= lines, (message, text)
        column = re.search(r", column (\d+) \((.*?)\): ", message)
        if column and text is not None:
            rows = [row for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
                    if any(cell.strip() for cell in row)]
            name = rows[0][int(column.group(1)) - 1].strip()
            shown = repr(name) if len(name) <= 40 else f"{name[:40]!r}... ({len(name)} characters)"
            assert shown == column.group(2), (message, text)
    else:
        event("csv read")
        assert len(X) == len(y) >= 1 and "t" not in features and len(set(features)) == len(features)
        assert all(len(row) == len(features) and all(map(math.isfinite, row)) for row in X)
        if classes is None:
            assert all(math.isfinite(value) for value in y)
        else:
            assert classes == sorted(set(classes))
            assert all(value in range(len(classes)) for value in y)


def test_what_the_fuzzing_found_in_csv_files(folder: Path) -> None:
    """A cell or a header of any size was quoted in full in the message."""
    path = folder / "long.csv"
    path.write_text("a,t\n" + "9" * 100_000 + ",1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2, column 1 \('a'\): '9{40}'\.\.\. \(100000 "
                       r"characters\) is not a finite number$"):
        load_csv(path, target="t")
    path.write_text(",".join(f"c{k}" for k in range(1000)) + "\n1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no column named 't' \(the target\); its columns are "
                       r"'c0', 'c1', .*, 'c9' and 990 more$") as refused:
        load_csv(path, target="t")
    assert len(str(refused.value)) < 300


@fuzz(200)
@given(text=tables() | CSV_TEXT | st.tuples(
    st.sampled_from(["t,a", "a,t", "a,b,t", "t", " t ;a", '"t",a']), CSV_TEXT).map("\n".join))
@example(text="t,a\n" + "1," + "9" * 100_000 + "\n")
@example(text="a,t\n" + '"' + "x" * 200_000 + '",1\n')
def test_random_csv_text(folder: Path, text: str) -> None:
    path = folder / "random.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _check_csv(path, text)


@fuzz(150)
@given(data=st.data())
def test_mutations_of_a_valid_csv(folder: Path, data: st.DataObject) -> None:
    content = bytearray(VALID_CSV.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(content)))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip" and at < len(content):
            content[at] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "delete":
            del content[at:at + data.draw(st.integers(1, 6))]
        else:
            content[at:at] = data.draw(st.binary(max_size=4) | st.sampled_from(
                [b",", b"\n", b'"', b"\r", b"nan", b"inf", b"\xff", b"\x00", b"t", b";"]))
    path = folder / "mutated.csv"
    path.write_bytes(bytes(content))
    try:
        text: str | None = bytes(content).decode("utf-8")
    except UnicodeDecodeError:
        text = None
    _check_csv(path, text)
