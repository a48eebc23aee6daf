"""Saving and loading models as JSON: a format tag, a version, the architecture, the numbers.

    {"format": "chainrule-model", "version": 1,
     "architecture": {"kind": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "tanh",
                      "output_activation": "sigmoid"},
     "parameters": {"L1.N0.w0": 0.8436577925009958, ...}}

Floats are written with `repr`, which reads back as the identical float: a round trip is exact.
`save` writes a temporary file next to the target and renames it over the target (`os.replace`
is atomic), so a crash mid-save never leaves a half-written model; the temporary file has one
name per target, so a killed save leaves at most one, which the next save removes. Saving through
a symbolic link writes the file it points to and keeps the link. The file gets the mode any
program's new file would get (0o666 less the umask, so usually 0o644), and saving over an
existing file keeps that file's mode. `load` reads and checks the
whole file before touching the model: a missing, corrupt, truncated or mismatched file raises
`ValueError` saying which, and the model keeps every parameter it had.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import reprlib
import stat
from collections.abc import Mapping
from typing import Any, Protocol

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; each save still replaces the file whole
    fcntl = None  # type: ignore[assignment]

FORMAT = "chainrule-model"
VERSION = 1


class Savable(Protocol):
    """What a model needs to be saved and loaded: its numbers by name, and how to build it."""

    def architecture(self) -> dict[str, object]: ...

    def state_dict(self) -> dict[str, float]: ...

    def load_state_dict(self, state: Mapping[str, object]) -> None: ...


def save(model: Savable, path: str | os.PathLike[str]) -> None:
    """Write `model` to `path` (JSON), atomically; non-finite parameters raise ValueError."""
    state = model.state_dict()
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(f"cannot save: parameter {name!r} is {value!r} (training diverged?)")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": state,
    }
    write_atomically(path, json.dumps(document, indent=1) + "\n")


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Replace the file at `path` with `text` in one step: a crash leaves the old or the new."""
    if os.fspath(path).endswith(("/", os.sep)):
        raise IsADirectoryError(f"cannot save {os.fspath(path)!r}: a path ending in "
                                f"{os.sep!r} names a folder; give a file name")
    target = os.path.realpath(path)  # through a symbolic link: write the file it points to
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save {os.fspath(path)!r}: there is no folder {folder!r}")
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        mode = None
    else:
        if not stat.S_ISREG(existing.st_mode):  # /dev/null, a folder, a pipe: never replaced
            raise FileExistsError(f"cannot save {os.fspath(path)!r}: {target!r} is not a "
                                  "regular file, and only a file is replaced by a save")
        mode = stat.S_IMODE(existing.st_mode)
    temporary = os.path.join(folder, f".{_short_name(os.path.basename(target))}.chainrule-tmp")
    with os.fdopen(_open_locked(temporary), "w", encoding="utf-8") as file:
        try:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)  # while the lock is held: no other save uses this name yet
            raise


def _open_locked(temporary: str) -> int:
    """A new, empty file named `temporary`, open for writing and locked against other saves.

    Each target has one temporary name, so a save killed midway (kill -9, power cut) leaves at
    most one leftover, and the next save of that target removes it: leftovers cannot pile up.
    Two saves of the same target at once take turns on the lock instead of writing into the same
    file. The file is created with mode 0o666, so that the umask decides its permissions as for
    any new file (`tempfile.mkstemp` would make it owner-only whatever the umask says).
    """
    while True:
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            created = True
        except FileExistsError:
            try:  # someone else's, or a leftover: opened only to lock it, so read-only will do
                fd = os.open(temporary, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            except FileNotFoundError:
                continue  # its owner just finished with it: try again
            created = False
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            # The file locked may meanwhile have been renamed over the target, or removed, by the
            # save that held the lock: only the file still named `temporary` is ours to write.
            try:
                current = os.path.samestat(os.fstat(fd), os.stat(temporary))
            except FileNotFoundError:
                current = False
            if current and created:
                return fd
            if current:  # a leftover of a killed save: remove it and make a fresh one
                os.unlink(temporary)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _short_name(name: str, longest: int = 200) -> str:
    """`name`, or for a name so long that the temporary name would pass the file system's
    limit (255 bytes, usually), its start and a hash of the whole: still one name per target."""
    raw = os.fsencode(name)
    if len(raw) <= longest:
        return name
    return f"{os.fsdecode(raw[:100])}-{hashlib.sha256(raw).hexdigest()[:16]}"


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked contents of a model file: format, version, architecture and parameters.

    Whatever the file holds, the only exception is ValueError naming the file: JSON nested too
    deep, an integer of more than 300 digits (no size or parameter is that large; Python would
    refuse 4300) and a key given twice in one object (which value was meant?) included.
    """
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise ValueError(f"no model file at {os.fspath(path)!r}") from None
    except (OSError, ValueError) as error:  # ValueError: not UTF-8, or a NUL in the path
        raise ValueError(f"cannot read model file {os.fspath(path)!r}: {error}") from None

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > 300:
            raise ValueError(f"an integer of {len(digits.lstrip('-'))} digits")
        return int(digits)

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise ValueError(f"the key {describe(key)} twice in one object")
                seen.add(key)
        return found

    try:
        document = json.loads(text, parse_int=integer, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"model file {os.fspath(path)!r} is corrupt or truncated: not valid JSON ({error})"
        ) from None
    except ValueError as error:
        raise ValueError(
            f"model file {os.fspath(path)!r} holds {error}; chainrule never writes that"
        ) from None
    except RecursionError:
        raise ValueError(
            f"model file {os.fspath(path)!r} nests JSON arrays or objects too deep to read; "
            "a chainrule model file nests them 3 deep"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a chainrule model file (no format tag)")
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise ValueError(
            f"model file {os.fspath(path)!r} has format version {describe(version)}; "
            f"this chainrule reads version {VERSION}"
        )
    for key in ("architecture", "parameters"):
        if not isinstance(document.get(key), dict):
            raise ValueError(f"model file {os.fspath(path)!r} has no {key!r} object")
    return document


def load(model: Savable, path: str | os.PathLike[str]) -> None:
    """Load the parameters saved in `path` into `model`, whose architecture must match."""
    load_document(read(path), model, path)


def load_document(document: dict[str, Any], model: Savable, path: str | os.PathLike[str]) -> None:
    """Load the parameters of a file that `read` checked into `model`, of the same architecture."""
    expected = model.architecture()
    if document["architecture"] != expected:
        raise ValueError(
            f"model file {os.fspath(path)!r} holds {describe(document['architecture'])}, "
            f"but the model is {describe(expected)}"
        )
    try:
        model.load_state_dict(document["parameters"])
    except ValueError as error:
        raise ValueError(f"model file {os.fspath(path)!r}: {error}") from None


def describe(value: object) -> str:
    """`value` in one short line for an error message, however big or deep a file made it.

    An architecture reads MLP(nin=2, nouts=[4, 1], ...); anything else is a repr with long
    strings, long lists and deep nesting elided, so describing hostile input cannot fail.
    """
    clip = reprlib.Repr()
    clip.maxlevel, clip.maxlist, clip.maxdict, clip.maxtuple, clip.maxset = 3, 8, 6, 8, 8
    clip.maxstring, clip.maxlong, clip.maxother = 40, 40, 40

    def short(item: object) -> str:
        try:
            text = clip.repr(item)
        except ValueError:  # an int with more digits than Python prints
            return f"an int of {item.bit_length() if isinstance(item, int) else '?'} bits"
        return text if len(text) <= 60 else text[:57] + "..."  # a dict of dicts, say

    if not isinstance(value, dict) or "kind" not in value:
        return short(value)
    kind = value["kind"]
    fields = [(k, v) for k, v in value.items() if k != "kind"]
    shown = ", ".join(f"{k if isinstance(k, str) and len(k) <= 40 else short(k)}={short(v)}"
                      for k, v in fields[:6])
    more = ", ..." if len(fields) > 6 else ""
    return f"{kind if isinstance(kind, str) and len(kind) <= 40 else short(kind)}({shown}{more})"




def checked_state(state: object, names: list[str]) -> list[float]:
    """The values of `state` in the order of `names`, or ValueError saying what is wrong."""
    if not isinstance(state, Mapping):
        raise ValueError(f"a state dict must map parameter names to numbers, got {type(state)}")
    missing = [name for name in names if name not in state]
    expected = set(names)
    unexpected = [  # a name from a file may be of any length: a message stays one line
        (name if len(name) <= 60 else name[:57] + "...") if isinstance(name, str)
        else describe(name)
        for name in state
        if name not in expected
    ]
    if missing or unexpected:
        raise ValueError(
            f"state dict does not match the model ({len(names)} parameters expected, "
            f"{len(state)} given): missing {_few(missing)}, unexpected {_few(unexpected)}"
        )
    values = []
    for name in names:
        value = state[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"parameter {name!r} must be a number, got {describe(value)}")
        try:
            number = float(value)
        except OverflowError:  # an int beyond the largest float
            raise ValueError(
                f"parameter {name!r} is {describe(value)}; too large for a float"
            ) from None
        if not math.isfinite(number):
            raise ValueError(f"parameter {name!r} is {value!r}; parameters must be finite")
        values.append(number)
    return values


def _few(names: list[str], limit: int = 5) -> str:
    """At most `limit` names, then how many more: error messages stay one line long."""
    if not names:
        return "none"
    shown = ", ".join(map(repr, names[:limit]))
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


__all__ = [
    "FORMAT", "VERSION", "Savable", "checked_state", "load", "load_document", "read", "save",
    "write_atomically",
]
